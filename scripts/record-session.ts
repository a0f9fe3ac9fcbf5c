// Records fixtures/sessions/<name>.jsonl: kerntop with every probe family on, while real workloads
// run one after another (CPU contention, direct block I/O, page faults, UDP to a closed port, a lossy
// TCP transfer between two namespaces, an OOM kill in a memory cgroup). Run as root:
//   npx tsx scripts/record-session.ts [name] [seconds]
import { spawn } from 'node:child_process';
import {
  busyLoops,
  directIo,
  lossyLink,
  oomKill,
  sleep,
  tcpTransfer,
  touchMemory,
  udpToClosedPort,
  withLoopDevice,
} from '../test/e2e/lib/workloads.js';

const name = process.argv[2] ?? 'busy-host';
const seconds = Number(process.argv[3] ?? 30);
const out = `fixtures/sessions/${name}.jsonl`;
const kt = spawn('node', ['bin/kerntop', '-q', '--probes', 'all', '--duration', String(seconds), '--record', out], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
await sleep(3000);
const step = async (what: string, fn: () => Promise<unknown> | unknown) => {
  process.stderr.write(`workload: ${what}\n`);
  await fn();
  await sleep(1500);
};
await step('8 busy loops for 4 s', () => busyLoops(8, 4000));
await step('direct I/O on a loop device', () => withLoopDevice(64, async (d) => directIo(d.path, 3000)));
await step('touch 300 MiB', () => touchMemory(300));
await step('UDP to a closed port', () => udpToClosedPort(50));
const link = lossyLink(30);
try {
  await step('lossy TCP transfer', () => tcpTransfer(link, 2 << 20));
} finally {
  link.cleanup();
}
await step('OOM kill in a memory cgroup', () => oomKill('ktoom-fixture'));
await new Promise((r) => kt.once('exit', r));
process.stderr.write(`recorded ${out}\n`);
