// Parser throughput: records per second of parseKmsgRecord on a large set of real-looking records
// (this host's captured buffer and a GPU host's NVRM records, renumbered), measured side by side with a
// naive reference parser written the obvious way (split and regular expressions).
//   npx tsx bench/kmsg-parse.ts [records=1000000]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseKmsgRecord, splitKmsgRecords } from '../src/knowledge/kernel-log/kmsg-record.js';

const N = Number(process.argv[2] ?? 1_000_000);
const FIX = join(import.meta.dirname, '..', 'fixtures', 'kmsg');
const templates = [
  ...splitKmsgRecords(readFileSync(join(FIX, 'this-host.kmsg'), 'utf8')),
  ...splitKmsgRecords(readFileSync(join(FIX, 'gpu-host.kmsg'), 'utf8')),
  ...readFileSync(join(FIX, 'xid-lines.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('NVRM'))
    .map((l) => `3,0,0,-;${l}\n`),
];

// Renumber so every record is distinct, as a real buffer is: seq increases, time advances.
const records: string[] = new Array(N);
let ts = 1_000_000;
for (let i = 0; i < N; i++) {
  const t = templates[i % templates.length];
  const semi = t.indexOf(';');
  const head = t.slice(0, semi).split(',');
  ts += 137;
  head[1] = String(i);
  head[2] = String(ts);
  records[i] = head.join(',') + t.slice(semi);
}
const bytes = records.reduce((a, r) => a + r.length, 0);

/** What one writes first: split on ';' and ',', a regex for escapes, split lines for the dictionary. */
function naiveParse(raw: string) {
  const m = /^(\d+),(\d+),(\d+),([^,;]*)[^;]*;([^\n]*)\n?([\s\S]*)$/.exec(raw);
  if (!m) return null;
  const pri = parseInt(m[1], 10);
  const dict: Record<string, string> = {};
  for (const line of m[6].split('\n')) {
    const d = /^ ([A-Z]+)=(.*)$/.exec(line);
    if (d) dict[d[1]] = d[2];
  }
  const text = Buffer.from(
    m[5].replace(/\\x([0-9a-fA-F]{2})/g, (_s, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  ).toString('utf8');
  return {
    seq: Number(m[2]),
    ts_us: Number(m[3]),
    level: pri & 7,
    facility: pri >> 3,
    flags: m[4] || '-',
    text,
    subsystem: dict.SUBSYSTEM,
    device: dict.DEVICE,
  };
}

function run(name: string, fn: (r: string) => unknown): number {
  // Warm up, then the best of 3 passes (the machine is shared).
  for (let i = 0; i < Math.min(N, 100_000); i++) fn(records[i]);
  let best = Infinity;
  let sink = 0;
  for (let pass = 0; pass < 3; pass++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) if (fn(records[i])) sink++;
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (s < best) best = s;
  }
  const rate = N / best;
  console.log(
    `${name.padEnd(22)} ${(rate / 1e6).toFixed(2)} M records/s  ${(bytes / best / 1e6).toFixed(0)} MB/s  (${best.toFixed(3)} s for ${N} records, ${sink / 3} parsed per pass)`,
  );
  return rate;
}

// Both parsers agree on every template first, so the comparison is fair.
for (const t of templates) {
  const a = parseKmsgRecord(t)!;
  const b = naiveParse(t)!;
  if (a.text !== b.text || a.level !== b.level || a.seq !== b.seq || a.subsystem !== b.subsystem)
    throw new Error(`parsers disagree on ${JSON.stringify(t)}`);
}
console.log(`${N} records, ${(bytes / 1e6).toFixed(1)} MB, from ${templates.length} real templates; node ${process.version}`);
const ours = run('parseKmsgRecord', parseKmsgRecord);
const naive = run('naive reference', naiveParse);
console.log(
  `ratio: ${(ours / naive).toFixed(2)}x the naive parser's throughput (aim: >= 1 M records/s: ${ours >= 1e6 ? 'met' : 'NOT met'})`,
);

// The same records as a saved file of raw records: read, split into records, parse.
const dir = mkdtempSync(join(tmpdir(), 'kerntop-bench-'));
try {
  const file = join(dir, 'kmsg.raw');
  writeFileSync(file, records.join(''));
  let s = Infinity;
  let n = 0;
  for (let pass = 0; pass < 3; pass++) {
    const t0 = process.hrtime.bigint();
    const content = readFileSync(file, 'utf8');
    n = 0;
    for (const r of splitKmsgRecords(content)) if (parseKmsgRecord(r)) n++;
    s = Math.min(s, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  console.log(
    `file (read+split+parse) ${(n / s / 1e6).toFixed(2)} M records/s  (${n} records from a ${(bytes / 1e6).toFixed(0)} MB file in ${s.toFixed(3)} s, best of 3)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
