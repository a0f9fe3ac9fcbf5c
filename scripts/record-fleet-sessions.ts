// Records the stand-in nodes of the fleet view's tests (fixtures/sessions/), as root:
//   npx tsx scripts/record-fleet-sessions.ts [calm-host|gpu-straggler]
// calm-host: 25 s of this machine with no workload of ours, without the kernel log, judged with
// --sched-warn 50000 (a node whose owners accept 50 ms of run-queue latency).
// gpu-straggler: 25 s with 400 threads that wake every 0.5 ms inside a cgroup allowed 0.5% of a CPU
// (cfs quota 5 ms per 1 s period): a wakeup while throttled waits for the cgroup's next period, so run-queue latency is many
// times a calm node's, as on a node whose job is throttled. With two NVIDIA Xid lines written into /dev/kmsg for GPUs this VM does not have: Xid 79 (fallen
// off the bus: reboot the node) on 0000:e1:00 and Xid 13 (an application's exception) on 0000:e2:00.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmdirSync, writeFileSync, writeSync } from 'node:fs';
import { sleep } from '../test/e2e/lib/workloads.js';

function record(name: string, seconds: number, args: string[]) {
  const out = `fixtures/sessions/${name}.jsonl`;
  const kt = spawn('node', ['bin/kerntop', '-q', ...args, '--duration', String(seconds), '--record', out], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { out, done: new Promise((r) => kt.once('exit', r)) };
}

function writeKmsg(line: string): void {
  const fd = openSync('/dev/kmsg', 'w');
  try {
    writeSync(fd, `${line}\n`);
  } finally {
    closeSync(fd);
  }
}

/** 400 threads that sleep 0.5 ms in a loop, in a cgroup allowed 5 ms of CPU per second (cgroup v1 cpu controller). */
async function throttledWakeups(ms: number): Promise<void> {
  const cg = `/sys/fs/cgroup/cpu/ktfleet-slow-${process.pid}`;
  mkdirSync(cg);
  writeFileSync(`${cg}/cpu.cfs_period_us`, '1000000');
  writeFileSync(`${cg}/cpu.cfs_quota_us`, '5000');
  const py = spawn(
    'python3',
    [
      '-c',
      'import threading,time\ndef f():\n  while True: time.sleep(0.0005)\nfor _ in range(400): threading.Thread(target=f,daemon=True).start()\ntime.sleep(3600)',
    ],
    { stdio: 'ignore' },
  );
  writeFileSync(`${cg}/cgroup.procs`, String(py.pid));
  await sleep(ms);
  // Unthrottled first, so the killed process gets the CPU it needs to exit.
  writeFileSync(`${cg}/cpu.cfs_quota_us`, '-1');
  py.kill('SIGKILL');
  await new Promise((r) => py.once('exit', r));
  await sleep(200);
  rmdirSync(cg);
}

const only = process.argv[2];
if (!only || only === 'calm-host') {
  const calm = record('calm-host', 25, ['--probes', 'sched,bio,oom,tcp_retrans', '--no-kmsg', '--sched-warn', '50000']);
  await calm.done;
  process.stderr.write(`recorded ${calm.out}\n`);
}

if (!only || only === 'gpu-straggler') {
  const slow = record('gpu-straggler', 25, ['--probes', 'sched,bio,oom,tcp_retrans']);
  await sleep(3000);
  const loops = throttledWakeups(18_000);
  await sleep(4000);
  writeKmsg('<4>NVRM: GPU at PCI:0000:e1:00.0: GPU-5e1f0a2c-9d3b-4c7e-8f10-2a6b4c8d0e12');
  writeKmsg("<3>NVRM: Xid (PCI:0000:e1:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus.");
  await sleep(3000);
  writeKmsg(
    '<3>NVRM: Xid (PCI:0000:e2:00): 13, pid=48213, name=ktfleet-train, Graphics SM Warp Exception on (GPC 7, TPC 7, SM 0): Illegal Instruction Parameter',
  );
  await loops;
  await slow.done;
  process.stderr.write(`recorded ${slow.out}\n`);
}
