// The CLI as a user types it: the documented --probes forms, bounded thresholds, and runs where no
// probe family can run.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from './lib/kerntop.js';
import { isRoot } from './lib/workloads.js';

function kerntop(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const kmsgReadable = (() => {
  try {
    accessSync('/dev/kmsg', constants.R_OK);
    return true;
  } catch {
    return false;
  }
})();

describe('--probes forms from the README', () => {
  for (const args of [['--probes', '-faults'], ['--probes=-faults']]) {
    it(`${args.join(' ')} removes faults and keeps the rest`, () => {
      const r = kerntop(['probes', '--no-verify', '--json', ...args]);
      expect(r.stderr).not.toMatch(/Unknown arguments/);
      expect(r.code).toBe(0);
      const rows = JSON.parse(r.stdout).probes as { family: string; reason: string | null }[];
      expect(rows.find((p) => p.family === 'faults')?.reason).toBe('not selected (--probes)');
      expect(rows.find((p) => p.family === 'sched')?.reason).not.toBe('not selected (--probes)');
    });
  }

  it('--probes -sched,-bio removes both instead of printing help', () => {
    const r = kerntop(['probes', '--no-verify', '--json', '--probes', '-sched,-bio']);
    expect(r.stdout).not.toMatch(/Usage:/);
    const rows = JSON.parse(r.stdout).probes as { family: string; reason: string | null }[];
    expect(rows.filter((p) => p.reason === 'not selected (--probes)').map((p) => p.family)).toEqual(['sched', 'bio']);
  });

  it('--probes all,-all is a bad option: exit 3 with the reason', () => {
    const r = kerntop(['-q', '--duration', '1', '--probes', 'all,-all']);
    expect(r.stderr).toMatch(/--probes all,-all leaves no probe family to run/);
    expect(r.code).toBe(3);
  });
});

describe('threshold options out of range', () => {
  for (const [opt, value] of [
    ['--sched-warn', '1e300'],
    ['--bio-warn', 'NaN'],
    ['--vfs-warn', '-5'],
    ['--major-faults-warn', '0'],
  ]) {
    it(`${opt} ${value}: exit 3 naming the accepted range, before anything starts`, () => {
      const r = kerntop(['-q', '--no-kmsg', '--duration', '1', opt, value]);
      expect(r.stderr).toMatch(new RegExp(`${opt} must be a whole number from 1 to \\d+`));
      expect(r.stdout).toBe('');
      expect(r.code).toBe(3);
    });
  }
});

describe.skipIf(!kmsgReadable)('no probe family can run (the kernel log is readable)', () => {
  it('bpftrace missing: the kernel log is watched, but the run is WARNING with exit 1, not OK', () => {
    const r = kerntop(['-q', '--json', '--duration', '2'], { KERNTOP_BPFTRACE: '/nonexistent/bpftrace' });
    const j = JSON.parse(r.stdout);
    expect(j.status).toBe('WARNING');
    expect(j.findings).toContainEqual(
      expect.objectContaining({
        subsystem: 'probes',
        status: 'WARNING',
        message: expect.stringMatching(/^no probe family could run: bpftrace is not installed/),
      }),
    );
    expect(r.code).toBe(1);
  });

  it.skipIf(!isRoot())('every selected family unable to attach (vfs opt-in only): WARNING, exit 1', () => {
    const r = kerntop(['-q', '--json', '--duration', '2', '--probes', '-sched,-bio,-oom,-tcp_retrans,-drops,-faults']);
    const j = JSON.parse(r.stdout);
    expect(j.probes.every((p: { state: string }) => p.state === 'SKIPPED')).toBe(true);
    expect(j.status).toBe('WARNING');
    expect(r.code).toBe(1);
  });
});

describe('nothing at all can run', () => {
  it('bpftrace missing and --no-kmsg: exit 3', () => {
    const r = kerntop(['-q', '--no-kmsg', '--duration', '1'], { KERNTOP_BPFTRACE: '/nonexistent/bpftrace' });
    expect(r.stderr).toMatch(/nothing to run/);
    expect(r.code).toBe(3);
  });
});
