// Log classifier benchmark, measured side by side in one run:
//  1. Throughput in MB of log per second on a large log generated from real console lines (the
//     fixtures: a clean Debian boot, an lkdtm WARNING/BUG/Oops boot and two sysrq panics, repeated
//     with rising timestamps), streamed from a file in 1 MiB chunks through LogAnalyzer. Reference in
//     the same run: the same file, same chunks, a plain line split plus one regex test per line
//     (/BUG:|WARNING:|Kernel panic/, what a naive boot checker does). Target: >= 50 MB/s.
//  2. Memory on a 1 GB log: the same generator writes 1 GiB to /tmp, LogAnalyzer streams it, RSS is
//     sampled every 64 MiB; the file is deleted afterwards. Target: peak RSS flat (bounded), not
//     growing with the input.
// Run: npx tsx bench/log-classifier.ts [throughput_MiB=256] [memory_MiB=1024]
import { createReadStream, createWriteStream, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogAnalyzer } from '../src/knowledge/log-classifier/index.js';

const throughputMiB = Number(process.argv[2] ?? 256);
const memoryMiB = Number(process.argv[3] ?? 1024);
const MiB = 1 << 20;

const fixtures = ['boot-clean.log', 'boot-lkdtm-warn-bug-oops.log', 'panic.log', 'panic-tinykernel.log'].map((f) =>
  readFileSync(new URL(`../fixtures/kernel-logs/${f}`, import.meta.url), 'utf8'),
);
// Real lines without their timestamps; the generator puts rising ones back.
const lines = fixtures.flatMap((t) => t.split('\n').map((l) => l.replace(/\r$/, '').replace(/^\[\s*\d+\.\d+\] ?/, '')));

async function generate(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  let written = 0;
  let t = 0;
  while (written < bytes) {
    const parts: string[] = [];
    for (const l of lines) {
      t += 0.000137;
      parts.push(`[${t.toFixed(6).padStart(12)}] ${l}\n`);
    }
    const chunk = parts.join('');
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function streamLines(
  path: string,
  onText: (s: string) => void,
  onRest: (s: string) => void,
  onMiB?: (n: number) => void,
): Promise<void> {
  const rs = createReadStream(path, { highWaterMark: MiB, encoding: 'utf8' });
  let rest = '';
  let n = 0;
  for await (const chunk of rs as AsyncIterable<string>) {
    const s = rest + chunk;
    const last = s.lastIndexOf('\n');
    onText(s.slice(0, last));
    rest = s.slice(last + 1);
    n++;
    onMiB?.(n);
  }
  if (rest) onRest(rest);
}

async function classifierRun(path: string, onMiB?: (n: number) => void) {
  const a = new LogAnalyzer();
  const t0 = process.hrtime.bigint();
  await streamLines(
    path,
    (s) => a.pushText(s),
    (s) => a.pushRaw(s),
    onMiB,
  );
  const r = a.result();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return { s, reports: r.counts.reports, lines: r.counts.lines };
}

async function referenceRun(path: string) {
  const re = /BUG:|WARNING:|Kernel panic/;
  let hits = 0;
  const scan = (s: string) => {
    for (const l of s.split('\n')) if (re.test(l)) hits++;
  };
  const t0 = process.hrtime.bigint();
  await streamLines(path, scan, scan);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return { s, hits };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const small = join(tmpdir(), `kerntop-logbench-${process.pid}.log`);
  const big = join(tmpdir(), `kerntop-logbench-1g-${process.pid}.log`);
  try {
    await generate(small, throughputMiB * MiB);
    const mb = statSync(small).size / 1e6;
    const ours: number[] = [];
    const ref: number[] = [];
    let info = { reports: 0, lines: 0, hits: 0 };
    for (let i = 0; i < 3; i++) {
      const c = await classifierRun(small);
      const r = await referenceRun(small);
      ours.push(c.s);
      ref.push(r.s);
      info = { reports: c.reports, lines: c.lines, hits: r.hits };
    }
    const oursMBs = mb / median(ours);
    const refMBs = mb / median(ref);
    console.log(
      `throughput on ${mb.toFixed(0)} MB (${info.lines} lines, ${info.reports} crash reports; reference regex hits ${info.hits}), median of 3:`,
    );
    console.log(`  classifier        ${oursMBs.toFixed(1)} MB/s   (target >= 50)`);
    console.log(`  split+one regex   ${refMBs.toFixed(1)} MB/s`);
    console.log(`  ratio classifier/reference ${(oursMBs / refMBs).toFixed(2)}`);
    rmSync(small, { force: true });

    if (memoryMiB > 0) {
      await generate(big, memoryMiB * MiB);
      const gb = statSync(big).size / 1e9;
      global.gc?.();
      const rssStart = process.memoryUsage().rss;
      let peak = rssStart;
      const samples: string[] = [];
      const c = await classifierRun(big, (n) => {
        const rss = process.memoryUsage().rss;
        if (rss > peak) peak = rss;
        if (n % 256 === 0) samples.push(`${n} MiB: ${(rss / MiB).toFixed(0)} MiB`);
      });
      console.log(
        `memory on a ${gb.toFixed(2)} GB log (${c.lines} lines, ${c.reports} crash reports) in ${c.s.toFixed(1)} s (${((gb * 1000) / c.s).toFixed(1)} MB/s):`,
      );
      console.log(
        `  RSS before ${(rssStart / MiB).toFixed(0)} MiB, peak ${(peak / MiB).toFixed(0)} MiB; samples: ${samples.join(', ')}`,
      );
      console.log(`  ratio peak RSS / input size ${(peak / statSync(big).size).toFixed(3)}`);
    }
  } finally {
    rmSync(small, { force: true });
    rmSync(big, { force: true });
  }
}

await main();
