// kerntop boot-test against the same plain QEMU command run by hand, on Debian's cloud kernel.
// Three ways, alternated in rotating order each round so drift in the machine's load hits all alike:
//   qemu-by-hand   the exact QEMU argv kerntop runs (taken from its --json "command"), stdout piped
//   kerntop-cli    `node bin/kerntop boot-test --kernel K --runner qemu --json` (node start-up included)
//   kerntop-job    runBootTest() in this process (what the TUI calls)
// Prints per-run wall times, medians and ratios to qemu-by-hand, and the CLI's bare start-up time.
//   npx tsx bench/boot-test.ts [rounds=7]
import { median, timeRun } from './lib.js';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBootTest } from '../src/jobs/boot-test/job.js';
import { ensureDebianCloudKernel } from '../test/e2e/lib/debian-cloud-kernel.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const rounds = Number(process.argv[2] ?? 7);

const run = (argv: string[], opts: { cwd?: string } = {}) => timeRun(argv, { ...opts, encoding: 'latin1' });

const k = await ensureDebianCloudKernel();
const cli = [process.execPath, join(ROOT, 'bin', 'kerntop'), 'boot-test', '--kernel', k.vmlinuz, '--runner', 'qemu', '--json'];

// Warm-up: builds the cached initramfs and KVM verdict, and gives the QEMU command to compare with.
const warm = await run(cli, { cwd: ROOT });
const warmJson = JSON.parse(warm.out) as { command: string[]; boot_completed: boolean; accel: string };
if (!warmJson.boot_completed) throw new Error(`warm-up boot did not complete:\n${warm.out.slice(0, 2000)}`);
const qemuArgv = warmJson.command;

const variants: Record<string, () => Promise<number>> = {
  'qemu-by-hand': async () => {
    const r = await run(qemuArgv);
    if (!r.out.includes('kerntop-boot: completed rc=0')) throw new Error('hand-run QEMU boot did not complete');
    return r.ms;
  },
  'kerntop-cli': async () => {
    const r = await run(cli, { cwd: ROOT });
    if (!(JSON.parse(r.out) as { boot_completed: boolean }).boot_completed) throw new Error('kerntop boot did not complete');
    return r.ms;
  },
  'kerntop-job': async () => {
    const t0 = performance.now();
    const r = await runBootTest({ kernel: k.vmlinuz, runner: 'qemu' });
    if (!r.boot_completed) throw new Error('job boot did not complete');
    return performance.now() - t0;
  },
};
const names = Object.keys(variants);
const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
const load0 = loadavg()[0];
for (let i = 0; i < rounds; i++) {
  const order = names.map((_, j) => names[(i + j) % names.length]);
  for (const n of order) times[n].push(await variants[n]());
  process.stderr.write(
    `round ${i + 1}/${rounds}: ${order.map((n) => `${n} ${(times[n].at(-1)! / 1000).toFixed(2)} s`).join(', ')}\n`,
  );
}
// The fixed cost of starting the CLI at all (node, yargs, command modules), for reading the ratio.
const startup: number[] = [];
for (let i = 0; i < rounds; i++) startup.push((await run([process.execPath, join(ROOT, 'bin', 'kerntop'), '--version'])).ms);
const base = median(times['qemu-by-hand']);
console.log(
  `kernel ${k.abi}, accel ${warmJson.accel}, ${rounds} rounds, load average ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`,
);
console.log('variant         median_s  min_s   max_s   ratio_to_qemu');
for (const n of names) {
  const t = times[n];
  console.log(
    `${n.padEnd(15)} ${(median(t) / 1000).toFixed(2).padStart(8)}  ${(Math.min(...t) / 1000).toFixed(2).padStart(6)}  ${(Math.max(...t) / 1000).toFixed(2).padStart(6)}  ${(median(t) / base).toFixed(3)}`,
  );
}
console.log(`kerntop --version (CLI start-up alone): median ${(median(startup) / 1000).toFixed(2)} s`);
