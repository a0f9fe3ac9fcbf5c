// ESLint (typescript-eslint, React hooks rules) and Prettier over every source, test and benchmark.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/lib/kerntop.js';

const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
const run = (cmd: string, args: string[]) => spawnSync(bin(cmd), args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });

describe('code style', () => {
  it('ESLint finds nothing', () => {
    const r = run('eslint', ['--cache', '--cache-location', '.cache/eslint', '--max-warnings', '0', '.']);
    expect(r.error).toBeUndefined();
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 300_000);

  it('Prettier finds every file formatted', () => {
    const r = run('prettier', ['--list-different', '.']);
    expect(r.error).toBeUndefined();
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);
});
