// Benchmarks for the live probes, measured side by side in one run (as root):
//  1. Throughput of a context-switch-heavy load (stress-ng --switch pinned to CPU 0, so every switch is a
//     real context switch on one run queue) with nothing attached, with
//     `kerntop -q` (default families), and with a plain bpftrace run-queue-latency one-liner (the least
//     a user would run instead). Alternated, median of N rounds. Targets: kerntop/none >= 0.85,
//     kerntop/one-liner >= 0.95.
//  2. kerntop's own CPU (node + bpftrace user time) under that load: <= 5% of one core.
//  3. Total RSS of node plus all children with every family on: <= 300 MB.
//  4. Time from an OOM kill to its line on `kerntop --events`: < 1 s.
// Run: npx tsx bench/probes-overhead.ts [rounds] [seconds]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { median } from './lib.js';
import { readFileSync } from 'node:fs';
import { descendants, startKerntop } from '../test/e2e/lib/kerntop.js';
import { oomKill, sleep } from '../test/e2e/lib/workloads.js';

const rounds = Number(process.argv[2] ?? 3);
const seconds = Number(process.argv[3] ?? 5);
const HZ = 100; // USER_HZ on Linux
/** PIN=0 lets the two stress-ng processes run on any CPU (cross-CPU wakeups instead of same-CPU switches). */
const PIN = process.env.PIN !== '0';

function switchOpsPerS(): number {
  // stress-ng reports on stderr: "stress-ng: metrc: [pid] switch  268969  2.00  0.09  1.05  134448.74  236638.92"
  const r = spawnSync(
    PIN ? 'taskset' : 'stress-ng',
    [...(PIN ? ['-c', '0', 'stress-ng'] : []), '--switch', '1', '--timeout', `${seconds}s`, '--metrics-brief'],
    { encoding: 'utf8' },
  );
  const all = `${r.stdout}${r.stderr}`;
  const line = all.split('\n').find((l) => /\bswitch\s+\d+\s+[\d.]+/.test(l));
  if (!line) throw new Error(`no stress-ng metrics in: ${all}`);
  const nums = line
    .trim()
    .split(/\s+/)
    .filter((x) => /^[\d.]+$/.test(x))
    .map(Number);
  // columns: bogo ops, real time, usr, sys, ops/s real, ops/s usr+sys
  return nums[4];
}

function cpuTicks(pid: number): number {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime
  } catch {
    return 0;
  }
}

function rssKb(pid: number): number {
  try {
    return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

async function ready(child: ChildProcess, marker: RegExp, stream: 'stdout' | 'stderr' = 'stdout'): Promise<void> {
  await new Promise<void>((resolve) => {
    let buf = '';
    child[stream]!.on('data', (c: Buffer) => {
      buf += c.toString();
      if (marker.test(buf)) resolve();
    });
  });
}

const RUNQLAT = `tracepoint:sched:sched_wakeup,tracepoint:sched:sched_wakeup_new { @qt[args->pid] = nsecs; }
tracepoint:sched:sched_switch { if (args->prev_state == 0) { @qt[args->prev_pid] = nsecs; } $ns = @qt[args->next_pid]; if ($ns) { @usecs = hist((nsecs - $ns) / 1000); } delete(@qt[args->next_pid]); }
BEGIN { printf("READY\\n"); }`;

async function main() {
  const none: number[] = [];
  const kt: number[] = [];
  const one: number[] = [];
  const ktCpu: number[] = [];
  for (let i = 0; i < rounds; i++) {
    none.push(switchOpsPerS());

    const k = startKerntop(['-q', '--no-kmsg', '--duration', String(seconds + 30)]);
    await k.waitFor(() => false, 1).catch(() => undefined);
    // Wait until bpftrace is attached: its child exists and has printed READY (about 1 s).
    for (let t = 0; t < 100 && !descendants(k.child.pid!).length; t++) await sleep(100);
    await sleep(1500);
    const pids = () => [k.child.pid!, ...descendants(k.child.pid!)];
    const before = pids().reduce((a, p) => a + cpuTicks(p), 0);
    kt.push(switchOpsPerS());
    const after = pids().reduce((a, p) => a + cpuTicks(p), 0);
    ktCpu.push((after - before) / HZ / seconds);
    k.child.kill('SIGINT');
    await k.exited;

    const b = spawn('bpftrace', ['-e', RUNQLAT], { stdio: ['ignore', 'pipe', 'pipe'] });
    await ready(b, /READY/);
    one.push(switchOpsPerS());
    b.kill('SIGINT');
    await new Promise((r) => b.once('exit', r));
  }

  // RSS with every family on, after a few seconds of steady state.
  const all = startKerntop(['-q', '--no-kmsg', '--probes', 'all', '--duration', '60']);
  await sleep(6000);
  const members = [all.child.pid!, ...descendants(all.child.pid!)];
  const rss = members.map((p) => ({ p, kb: rssKb(p) }));
  const totalMb = rss.reduce((a, x) => a + x.kb, 0) / 1024;
  all.child.kill('SIGINT');
  await all.exited;

  // OOM kill to --events line.
  const ev = startKerntop(['--events', '--no-kmsg', '--probes', 'oom']);
  await ev.waitFor((l: { type?: string; state?: string }) => l.type === 'probe.status' && l.state === 'ATTACHED');
  const delays: number[] = [];
  for (let i = 0; i < 3; i++) {
    const victim = oomKill();
    const v = await victim;
    const seenAt = Date.now();
    const line = await ev
      .waitFor(
        (l: { type?: string; pid?: number; subsystem?: string }) =>
          l.type === 'kernel.event' && l.subsystem === 'oom' && l.pid === v.pid,
        5000,
      )
      .catch(() => null);
    const arrived = line ? Date.now() : NaN;
    // The victim's exit is seen by us slightly after the kill; the event may already be there.
    delays.push(Math.max(0, arrived - seenAt));
    void line;
  }
  const ktOomMs = (ev.lines as { type?: string; subsystem?: string; ts_ms?: number }[]).filter((l) => l.subsystem === 'oom');
  ev.child.kill('SIGINT');
  await ev.exited;

  const n = median(none);
  const k = median(kt);
  const o = median(one);
  console.log(
    `context switches (stress-ng --switch${PIN ? ' pinned to CPU 0' : ''}, ${seconds} s x ${rounds} rounds, median bogo ops/s):`,
  );
  console.log(`  none ${n.toFixed(0)}   kerntop -q ${k.toFixed(0)}   bpftrace runqlat one-liner ${o.toFixed(0)}`);
  console.log(`  ratio kerntop/none      ${(k / n).toFixed(3)}  (target >= 0.85)`);
  console.log(`  ratio kerntop/one-liner ${(k / o).toFixed(3)}  (target >= 0.95)`);
  console.log(
    `kerntop own CPU under load (node + bpftrace user+sys): ${(median(ktCpu) * 100).toFixed(2)}% of one core (target <= 5%)`,
  );
  console.log(
    `RSS with every family on: ${totalMb.toFixed(0)} MB total (${rss.map((x) => `${x.p}:${(x.kb / 1024).toFixed(0)}MB`).join(' ')}) (target <= 300 MB)`,
  );
  console.log(
    `OOM kill to --events line after the victim's exit was seen: ${delays.map((d) => `${d} ms`).join(', ')} (${ktOomMs.length} events; target < 1000 ms)`,
  );
}

await main();
