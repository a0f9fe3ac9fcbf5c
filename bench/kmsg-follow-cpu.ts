// CPU used by `kerntop kmsg --follow` while the log is quiet, side by side with util-linux `dmesg -w`
// over the same window: utime+stime from /proc/<pid>/stat, as a share of one core. Both start, read
// the backlog, settle for 8 s (Node's start-up compilation and first GCs end), then are measured for the window (default 20 s). Records written by
// other programs during the window count for both alike; the records seen are reported.
//   npx tsx bench/kmsg-follow-cpu.ts [seconds=20]      (root, built dist/)
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const WINDOW_S = Number(process.argv[2] ?? 20);
const ROOT = join(import.meta.dirname, '..');
const TICK = 100; // USER_HZ on Linux

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime
}

function start(name: string, cmd: string, args: string[]): { name: string; child: ChildProcess; lines: () => number } {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
  let n = 0;
  child.stdout!.on('data', (b: Buffer) => {
    for (const c of b) if (c === 10) n++;
  });
  return { name, child, lines: () => n };
}

const procs = [
  start('kerntop kmsg --follow --json', process.execPath, [join(ROOT, 'bin', 'kerntop'), 'kmsg', '--follow', '--json']),
  start('dmesg -w', 'dmesg', ['-w']),
];
await new Promise((r) => setTimeout(r, 8000));
const t0 = process.hrtime.bigint();
const c0 = procs.map((p) => cpuTicks(p.child.pid!));
const l0 = procs.map((p) => p.lines());
await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
const c1 = procs.map((p) => cpuTicks(p.child.pid!));
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const pct: number[] = [];
for (const [i, p] of procs.entries()) {
  const used = (c1[i] - c0[i]) / TICK;
  pct.push((100 * used) / secs);
  console.log(
    `${p.name.padEnd(30)} ${used.toFixed(2)} s CPU in ${secs.toFixed(1)} s = ${((100 * used) / secs).toFixed(3)}% of a core (${p.lines() - l0[i]} records arrived in the window; 1 tick = 10 ms of resolution)`,
  );
  p.child.kill('SIGTERM');
}
console.log(
  `kerntop uses ${pct[1] > 0 ? `${(pct[0] / pct[1]).toFixed(2)}x` : 'n/a (dmesg used 0 ticks)'} dmesg -w's CPU; aim < 0.5% of a core: ${pct[0] < 0.5 ? 'met' : 'NOT met'}; scaled to a minute: ${((pct[0] / 100) * 60).toFixed(2)} s CPU`,
);
