// Small helpers shared by the benchmarks: timing a command and taking a median.
import { spawn } from 'node:child_process';

/** Runs argv to completion; wall time in ms, exit code and stdout. */
export function timeRun(
  argv: string[],
  opts: { cwd?: string; encoding?: BufferEncoding } = {},
): Promise<{ ms: number; code: number | null; out: string }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const c = spawn(argv[0], argv.slice(1), { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    c.stdout.setEncoding(opts.encoding ?? 'utf8').on('data', (d: string) => (out += d));
    c.on('error', reject);
    c.on('close', (code) => resolve({ ms: performance.now() - t0, code, out }));
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
