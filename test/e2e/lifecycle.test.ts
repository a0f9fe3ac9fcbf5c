// No bpftrace child outlives kerntop, whatever way it ends; a dead child is restarted.
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProbeStatusEvent } from '../../src/events.js';
import { alive, bpftracePids, startKerntop, type Running } from './lib/kerntop.js';
import { useNobodyTree } from './lib/nobody.js';
import { isRoot, sleep } from './lib/workloads.js';

const nobodyTree = useNobodyTree();

let running: Running | null = null;
afterEach(async () => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
  running = null;
});

async function attached(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ r: Running; children: number[] }> {
  const r = startKerntop(['--events', '--no-kmsg', '--probes', 'sched,oom', ...args], env);
  running = r;
  await r.waitFor<ProbeStatusEvent>((l) => l.type === 'probe.status' && l.state === 'ATTACHED', 30_000);
  const children = bpftracePids(r.child.pid!);
  expect(children.length).toBe(1);
  return { r, children };
}

async function allGone(pids: number[], withinMs: number): Promise<boolean> {
  const end = Date.now() + withinMs;
  while (Date.now() < end) {
    if (pids.every((p) => !alive(p))) return true;
    await sleep(50);
  }
  return pids.every((p) => !alive(p));
}

describe.skipIf(!isRoot())('lifecycle (root)', () => {
  it('kill -9 of kerntop leaves no bpftrace after 2 s (parent-death signal)', async () => {
    const { r, children } = await attached();
    process.kill(r.child.pid!, 'SIGKILL');
    await r.exited;
    expect(await allGone(children, 2000)).toBe(true);
  });

  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]] as const) {
    it(`${signal} stops kerntop and its bpftrace`, async () => {
      const { r, children } = await attached();
      process.kill(r.child.pid!, signal);
      const exit = await r.exited;
      expect(exit.code).toBe(code);
      expect(await allGone(children, 2000)).toBe(true);
    });
  }

  it('an uncaught error still kills the children and says why', async () => {
    const { r, children } = await attached([], { KERNTOP_CRASH_AFTER_MS: '1500' });
    const exit = await r.exited;
    expect(exit.code).toBe(3);
    expect(r.stderr()).toMatch(/crash requested/);
    expect(await allGone(children, 2000)).toBe(true);
  });

  it('a killed bpftrace child is reported FAILED with the reason, then restarts', async () => {
    const { r, children } = await attached();
    process.kill(children[0], 'SIGKILL');
    const failed = await r.waitFor<ProbeStatusEvent>((l) => l.type === 'probe.status' && l.state === 'FAILED', 5000);
    expect(failed.reason).toMatch(/killed by SIGKILL; restarting in 1 s/);
    const idx = r.lines.indexOf(failed);
    await r.waitFor<ProbeStatusEvent>((l) => l.type === 'probe.status' && l.state === 'ATTACHED' && r.lines.indexOf(l) > idx, 15_000);
    const now = bpftracePids(r.child.pid!);
    expect(now.length).toBe(1);
    expect(now[0]).not.toBe(children[0]);
  });

  it('quiet --json matches its schema and the exit code follows the status', async () => {
    const r = startKerntop(['-q', '--json', '--no-kmsg', '--duration', '3', '--probes', 'sched,oom,drops', '--sched-warn', '1']);
    running = r;
    const exit = await r.exited;
    const j = JSON.parse(r.stdout());
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['duration_s', 'status', 'subsystems', 'probes', 'histograms', 'findings']));
    expect(j.duration_s).toBeGreaterThan(2);
    for (const s of j.subsystems) expect(Object.keys(s)).toEqual(expect.arrayContaining(['name', 'events', 'rate_per_s', 'worst_us', 'p99_us', 'status']));
    for (const p of j.probes) expect(Object.keys(p)).toEqual(expect.arrayContaining(['family', 'state', 'method', 'reason']));
    expect(j.probes.find((p: { family: string }) => p.family === 'sched').state).toBe('ATTACHED');
    expect(Object.keys(j.histograms)).toContain('sched');
    // With a 1 us threshold any run-queue wait warns.
    expect(j.status).not.toBe('OK');
    expect(exit.code).toBe({ OK: 0, WARNING: 1, CRITICAL: 2 }[j.status as 'OK']);
  });

  it('not root: one clear message naming the fix', async (ctx) => {
    const tree = nobodyTree();
    if (tree.skip) ctx.skip(tree.skip);
    let err = '';
    let code = 0;
    try {
      execFileSync('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', '--inh-caps=-all', process.execPath, tree.bin, '-q', '--no-kmsg', '--duration', '2'], { cwd: tree.root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      err = String((e as { stderr: string }).stderr);
      code = (e as { status: number }).status;
    }
    expect(err).toMatch(/not privileged for eBPF: run kerntop as root \(sudo kerntop\)/);
    expect(err).toMatch(/nothing to run/);
    expect(code).toBe(3);
  }, 30_000);
});

describe('missing bpftrace', () => {
  it('names the cause and the fix', async () => {
    const r = startKerntop(['-q', '--no-kmsg', '--duration', '1'], { KERNTOP_BPFTRACE: '/nonexistent/bpftrace' });
    running = r;
    const exit = await r.exited;
    expect(r.stderr()).toMatch(/bpftrace is not installed: install it \(Debian\/Ubuntu: apt-get install bpftrace/);
    expect(exit.code).toBe(3);
  });
});
