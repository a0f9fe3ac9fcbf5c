// `kerntop analyze-dmesg` as a user runs it: a saved log given as a file, as `-` (stdin) and piped in
// with no argument must give the same analysis.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from './lib/kerntop.js';

const PANIC = join(ROOT, 'fixtures', 'kernel-logs', 'panic.log');

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, 'analyze-dmesg', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('kerntop analyze-dmesg input', () => {
  it('"-" reads stdin, as its help says, with the same result as the file itself', () => {
    const log = readFileSync(PANIC, 'utf8');
    const fromFile = run([PANIC, '--json']);
    const fromDash = run(['-', '--json'], log);
    const piped = run(['--json'], log);
    expect(fromDash.stderr).toBe('');
    expect(fromFile.code).toBe(2);
    expect(fromDash.code).toBe(2);
    expect(JSON.parse(fromDash.stdout)).toEqual(JSON.parse(fromFile.stdout));
    expect(JSON.parse(piped.stdout)).toEqual(JSON.parse(fromFile.stdout));
    const text = run(['-'], log);
    expect(text.stdout).toMatch(/^stdin: \d+ lines$/m);
  });

  it('an empty path is still a missing file, not stdin', () => {
    const r = run(['']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot read : no such file/);
  });
});
