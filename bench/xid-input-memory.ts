// Peak memory of `kerntop xid --input` on a large saved log, against the size of the log and, side by
// side on the same file, `grep -c` and `wc -l` (which stream it). A log read whole would need about
// its own size (twice, as UTF-16) in RSS; a streamed one stays flat however large the file. The Xid
// counts are checked against grep's: every Xid line is counted, far beyond any per-row cap.
//   npx tsx bench/xid-input-memory.ts [MiB=200]      (built dist/; GNU time, package "time")
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MIB = Number(process.argv[2] ?? 200);
const ROOT = join(import.meta.dirname, '..');
const FIX = join(ROOT, 'fixtures', 'kmsg');

/**
 * Runs argv to the end with stdout to a file: its peak RSS (KiB) as GNU time reports it (wait4's
 * rusage; a small parent, so the figure is the command's own), its wall time, the end of its output.
 */
function peak(argv: string[]): { kib: number; ms: number; tail: string } {
  const outFile = join(dir, 'out.txt');
  const rssFile = join(dir, 'rss.txt');
  const t0 = performance.now();
  spawnSync('/usr/bin/time', ['-f', '%M', '-o', rssFile, ...argv], { stdio: ['ignore', openSync(outFile, 'w'), 'inherit'] });
  const ms = Math.round(performance.now() - t0);
  const out = readFileSync(outFile, 'utf8');
  return { kib: Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()), ms, tail: out.slice(-65536) };
}

/** A dmesg --time-format=iso log: this host's boot messages, with an NVRM Xid line every tenth line. */
async function writeLog(path: string, bytes: number): Promise<number> {
  const texts = readFileSync(join(FIX, 'this-host.dmesg.txt'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/^\[\s*\d+\.\d+\] /, ''));
  const xids = readFileSync(join(FIX, 'xid-lines.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('NVRM: Xid'));
  const out = createWriteStream(path);
  let written = 0;
  let n = 0;
  let xidLines = 0;
  let t = Date.parse('2026-11-22T00:00:00Z');
  while (written < bytes) {
    let chunk = '';
    for (let i = 0; i < 1000; i++, n++) {
      t += 7; // 7 ms apart: 200 MiB spans about 3 h, so the last hour holds a part of them
      const iso = `${new Date(t).toISOString().slice(0, 19)},${String((t % 1000) * 1000).padStart(6, '0')}+00:00`;
      const isXid = n % 10 === 0;
      if (isXid) xidLines++;
      chunk += `${iso} ${isXid ? xids[(n / 10) % xids.length] : texts[n % texts.length]}\n`;
    }
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise<void>((r) => out.end(() => r()));
  return xidLines;
}

const dir = mkdtempSync(join(tmpdir(), 'kerntop-bench-xid-'));
try {
  const log = join(dir, 'kern.log');
  const xidLines = await writeLog(log, MIB * 1024 * 1024);
  const size = statSync(log).size;
  const kerntop = peak([process.execPath, join(ROOT, 'bin', 'kerntop'), 'xid', '--input', log]);
  const grep = peak(['grep', '-c', 'NVRM: Xid', log]);
  const wc = peak(['wc', '-l', log]);
  // An idle Node for scale: what any Node program costs before it reads a byte.
  const node = peak([process.execPath, '-e', '0']);
  const summary = kerntop.tail.match(/^Xid: (\d+) event\(s\), (\d+) in the last 1h/m);
  const grepCount = Number(grep.tail.trim());
  const mb = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
  console.log(`log: ${(size / 1048576).toFixed(0)} MiB, ${xidLines} Xid lines (grep -c: ${grepCount})`);
  console.log(
    `peak RSS   kerntop xid --input ${mb(kerntop.kib)} (${kerntop.ms} ms)   grep -c ${mb(grep.kib)} (${grep.ms} ms)   wc -l ${mb(wc.kib)} (${wc.ms} ms)   node -e 0 ${mb(node.kib)}`,
  );
  console.log(
    `ratios     kerntop peak RSS / log size ${((kerntop.kib * 1024) / size).toFixed(2)}   kerntop / grep ${(kerntop.kib / grep.kib).toFixed(1)}   kerntop - idle node ${mb(kerntop.kib - node.kib)}`,
  );
  console.log(
    `Xid count  kerntop ${summary?.[1]} total (${summary?.[2]} in the last 1h of the log)   grep -c ${grepCount}   ${Number(summary?.[1]) === grepCount ? 'equal' : 'DIFFERENT'}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
