// When /dev/kmsg cannot be read, kerntop says why, names the fix, and reads the log through
// `dmesg -S` (syslog(2)) instead; when that fails too, it exits 3 with both reasons.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { KmsgRecord } from '../../src/events.js';
import { BIN, ROOT } from './lib/kerntop.js';
import { nobodyTreeForFile } from './lib/nobody.js';

const nobodyTree = nobodyTreeForFile();

const isRoot = process.geteuid?.() === 0;
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const stateDir = mkdtempSync(join(tmpdir(), 'kerntop-fallback-state-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));
const env = { ...process.env, XDG_STATE_HOME: stateDir };
const mark = `kxfb${process.pid}${Date.now().toString(36)}`;

function run(cmd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}, cwd = ROOT) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...env, ...extraEnv }, maxBuffer: 64 << 20 });
  const records = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as KmsgRecord & { source: string });
  return { code: r.status, stderr: r.stderr, records };
}

describe.skipIf(!isRoot)('dmesg fallback', () => {
  it('a missing device path: says so with the container fix, then reads through dmesg -S', () => {
    execFileSync('sh', ['-c', `echo "<6>${mark} via syslog" > /dev/kmsg`]);
    const r = run(process.execPath, [BIN, 'kmsg', '--json', '--kmsg-path', '/dev/kmsg-missing-here']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /\/dev\/kmsg-missing-here does not exist .*docker run --device \/dev\/kmsg.*falling back to `dmesg -S`/,
    );
    expect(r.stderr).toMatch(/reading the kernel log with `dmesg -S`/);
    const mine = r.records.filter((x) => x.text === `${mark} via syslog`);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ source: 'dmesg', level: 6, facility: 1 });
  });

  it.skipIf(!has('unshare'))(
    '/dev/null bind-mounted over /dev/kmsg in a mount namespace (as some runtimes do): same records via dmesg',
    () => {
      const direct = run(process.execPath, [BIN, 'kmsg', '--json']).records;
      const r = run('unshare', [
        '-m',
        'sh',
        '-c',
        `mount --bind /dev/null /dev/kmsg && exec "${process.execPath}" "${BIN}" kmsg --json`,
      ]);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(
        /\/dev\/kmsg is not the kernel log device \(expected character device 1:11; .*bind-mount \/dev\/null/,
      );
      expect(r.stderr).toMatch(/falling back to `dmesg -S`/);
      expect(r.records.length).toBeGreaterThan(0);
      expect(new Set(r.records.map((x) => x.source))).toEqual(new Set(['dmesg']));
      // Same log: every line of the fallback that /dev/kmsg also had agrees on time, level, facility
      // and text. Compared line by line: syslog(2) prints a multi-line record as lines with one
      // timestamp, so the fallback joins lines of equal time and level, and two records the kernel
      // logged in the same microsecond (an OOM report's counters) become one there.
      const linesOf = (x: { ts_us: number; text: string }) => x.text.split('\n').map((t) => `${x.ts_us}|${t}`);
      const byLine = new Map(direct.flatMap((d) => linesOf(d).map((k) => [k, d] as const)));
      let same = 0;
      let total = 0;
      for (const x of r.records) {
        for (const k of linesOf(x)) {
          total++;
          const d = byLine.get(k);
          if (!d) continue;
          same++;
          expect([x.level, x.facility]).toEqual([d.level, d.facility]);
        }
      }
      expect(same).toBeGreaterThan(total * 0.9);
      // The host's /dev/kmsg is untouched.
      expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toMatch(/ \/dev\/kmsg /);
    },
  );

  it('--source kmsg refuses to fall back: exit 3 naming the fix', () => {
    const r = run(process.execPath, [BIN, 'kmsg', '--source', 'kmsg', '--kmsg-path', '/dev/kmsg-missing-here']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /does not exist.*docker-compose: `devices: \["\/dev\/kmsg:\/dev\/kmsg"\]`.*Kubernetes\/Helm: a hostPath volume/,
    );
  });

  it('no dmesg either (a distroless image): exit 3 with both reasons', () => {
    const r = run(process.execPath, [BIN, 'kmsg', '--kmsg-path', '/dev/kmsg-missing-here'], { PATH: '/nonexistent' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/does not exist.*the dmesg fallback failed too: dmesg command not found/);
  });

  const restrict = readFileSync('/proc/sys/kernel/dmesg_restrict', 'utf8').trim();
  it.skipIf(restrict !== '1' || !has('setpriv'))(
    'EPERM for a user without CAP_SYSLOG (kernel.dmesg_restrict=1): exit 3 naming CAP_SYSLOG',
    (ctx) => {
      const tree = nobodyTree();
      if (tree.skip) ctx.skip(tree.skip);
      const r = run(
        'setpriv',
        ['--reuid', '65534', '--regid', '65534', '--clear-groups', '--inh-caps=-all', process.execPath, tree.bin, 'kmsg'],
        { XDG_STATE_HOME: '/tmp' },
        tree.root,
      );
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(
        /\/dev\/kmsg: permission denied \(EPERM\): kernel.dmesg_restrict=1 lets only processes with CAP_SYSLOG/,
      );
      expect(r.stderr).toMatch(/--cap-add SYSLOG/);
      expect(r.stderr).toMatch(/the dmesg fallback failed too: .*Operation not permitted/);
    },
  );
});
