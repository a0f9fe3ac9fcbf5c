// Runs kerntop with its stdout on a pseudo-terminal (util-linux `script`), to see what a user's
// terminal would receive.
import { execFileSync } from 'node:child_process';
import { BIN, ROOT } from './kerntop.js';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Everything kerntop wrote to the terminal (the pty turns \n into \r\n). */
export function kerntopOnTty(args: string[], env: NodeJS.ProcessEnv = {}): string {
  const cmd = [process.execPath, BIN, ...args].map(quote).join(' ');
  return execFileSync('script', ['-qec', cmd, '/dev/null'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
}
