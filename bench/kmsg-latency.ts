// Time from a write to /dev/kmsg to the matching line on stdout: `kerntop kmsg --follow --json` and
// util-linux `dmesg -w` side by side, reading the same writes. Each write gets a fresh fd (the kernel
// rate-limits 10 writes per 5 s per fd) and carries its number; writes are paced 50 ms apart.
//   npx tsx bench/kmsg-latency.ts [writes=100]      (root, built dist/)
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const N = Number(process.argv[2] ?? 100);
const ROOT = join(import.meta.dirname, '..');
const mark = `kxlat${process.pid}`;

interface Reader {
  name: string;
  child: ChildProcess;
  seen: Map<number, number>;
}

function reader(name: string, cmd: string, args: string[]): Reader {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const seen = new Map<number, number>();
  const re = new RegExp(`${mark} (\\d+)`);
  let rest = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => {
    const now = performance.now();
    const parts = (rest + c).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) {
      const m = re.exec(p);
      if (m && !seen.has(Number(m[1]))) seen.set(Number(m[1]), now);
    }
  });
  return { name, child, seen };
}

const readers = [
  reader('kerntop kmsg --follow --json', process.execPath, [
    join(ROOT, 'bin', 'kerntop'),
    'kmsg',
    '--follow',
    '--json',
    '--grep',
    mark,
  ]),
  reader('dmesg -w', 'dmesg', ['-w']),
];
await new Promise((r) => setTimeout(r, 4000));
const sent = new Map<number, number>();
for (let i = 0; i < N; i++) {
  const fd = openSync('/dev/kmsg', 'w');
  const t = performance.now();
  writeSync(fd, `<6>${mark} ${i}\n`);
  sent.set(i, t);
  closeSync(fd);
  await new Promise((r) => setTimeout(r, 50));
}
await new Promise((r) => setTimeout(r, 1000));

const q = (a: number[], p: number) => a[Math.min(a.length - 1, Math.floor(p * a.length))];
const p50s: number[] = [];
for (const r of readers) {
  const lat = [...sent]
    .filter(([i]) => r.seen.has(i))
    .map(([i, t]) => r.seen.get(i)! - t)
    .sort((a, b) => a - b);
  p50s.push(q(lat, 0.5));
  console.log(
    `${r.name.padEnd(30)} ${lat.length}/${N} seen; write -> line: p50 ${q(lat, 0.5).toFixed(2)} ms, p95 ${q(lat, 0.95).toFixed(2)} ms, max ${lat[lat.length - 1].toFixed(2)} ms`,
  );
  r.child.kill('SIGTERM');
}
const max = Math.max(...[...readers[0].seen].map(([i, t]) => t - sent.get(i)!));
console.log(
  `kerntop p50 / dmesg -w p50: ${(p50s[0] / p50s[1]).toFixed(2)}x; aim: under 100 ms: ${max < 100 ? 'met (max ' + max.toFixed(1) + ' ms)' : 'NOT met'}`,
);
