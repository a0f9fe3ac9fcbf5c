// kerntop vmcore-report against a bare drgn script that only opens the same dump, loads the same
// vmlinux and prints the release: what the report costs beyond drgn's own start-up.
// Variants, alternated in rotating order each round so drift in the machine's load hits all alike:
//   drgn-bare      /usr/bin/python3 -c 'drgn.Program(); set_core_dump; load_debug_info([vmlinux]); print(release)'
//   kerntop-cli    `node bin/kerntop vmcore-report --vmcore D --vmlinux V --json` (default plugins, xz archive)
//   kerntop-job    runVmcoreReport() in this process (what the TUI calls)
// The dump is the lab's real sysrq crash (test/e2e/lib/vmcore-lab.ts). Prints medians and ratios.
//   npx tsx bench/vmcore-report.ts [rounds=7]
import { median, timeRun } from './lib.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runVmcoreReport } from '../src/jobs/vmcore/job.js';
import { ensureVmcoreLab } from '../test/e2e/lib/vmcore-lab.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const rounds = Number(process.argv[2] ?? 7);

const run = (argv: string[]) => timeRun(argv, { cwd: ROOT });

const lab = await ensureVmcoreLab();
const out = mkdtempSync('/tmp/kerntop-bench-vmcore-');
const bare = `
import drgn
prog = drgn.Program()
prog.set_core_dump(${JSON.stringify(lab.vmcore)})
try:
    prog.load_debug_info([${JSON.stringify(lab.vmlinux)}])
except drgn.MissingDebugInfoError:
    pass
print(prog["init_uts_ns"].name.release.string_().decode())
`;

const variants: Record<string, () => Promise<number>> = {
  'drgn-bare': async () => {
    const r = await run(['/usr/bin/python3', '-c', bare]);
    if (r.out.trim() !== lab.abi) throw new Error(`bare drgn printed ${JSON.stringify(r.out)}`);
    return r.ms;
  },
  'kerntop-cli': async () => {
    const r = await run([
      process.execPath,
      join(ROOT, 'bin', 'kerntop'),
      'vmcore-report',
      '--vmcore',
      lab.vmcore,
      '--vmlinux',
      lab.vmlinux,
      '--tmp-dir',
      out,
      '--json',
    ]);
    const j = JSON.parse(r.out) as { status: string; panic: { reason: string } };
    if (j.status !== 'complete' || j.panic.reason !== 'sysrq triggered crash')
      throw new Error(`report not complete: ${j.status}`);
    return r.ms;
  },
  'kerntop-job': async () => {
    const t0 = performance.now();
    const r = await runVmcoreReport({ vmcore: lab.vmcore, vmlinux: lab.vmlinux, tmpDir: out });
    if (r.status !== 'complete') throw new Error(`report not complete: ${r.status}`);
    return performance.now() - t0;
  },
};

const names = Object.keys(variants);
const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
await variants['kerntop-cli'](); // warm the page cache for the dump and the vmlinux
for (let i = 0; i < rounds; i++) {
  const order = names.map((_, j) => names[(i + j) % names.length]);
  for (const n of order) times[n].push(await variants[n]());
}
rmSync(out, { recursive: true, force: true });

const base = median(times['drgn-bare']);
console.log(
  `vmcore-report benchmark: ${rounds} rounds, dump ${lab.vmcore} (${lab.abi}), load average ${loadavg()[0].toFixed(2)}`,
);
for (const n of names) {
  const m = median(times[n]);
  console.log(
    `${n.padEnd(12)} median ${(m / 1000).toFixed(3)} s  min ${(Math.min(...times[n]) / 1000).toFixed(3)} s  ratio to drgn-bare ${(m / base).toFixed(2)}`,
  );
}
console.log(`ratio kerntop-cli / drgn-bare = ${(median(times['kerntop-cli']) / base).toFixed(2)} (aim: 3 or less)`);
