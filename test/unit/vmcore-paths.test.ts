import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputDirError, ensureOutputDir, resolveUserPaths } from '../../src/jobs/vmcore/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'kerntop-vmcore-paths-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveUserPaths', () => {
  it('makes the dump, vmlinux, debuginfo dirs and tmp dir absolute against the working directory', () => {
    const r = resolveUserPaths(
      { vmcore: 'dumpcopy.elf', vmlinux: '../vmlinux', debuginfoDirs: ['dbg', '/abs'], tmpDir: 'out', label: 'x' },
      '/srv/crash',
    );
    expect(r).toEqual({
      vmcore: '/srv/crash/dumpcopy.elf',
      vmlinux: '/srv/vmlinux',
      debuginfoDirs: ['/srv/crash/dbg', '/abs'],
      tmpDir: '/srv/crash/out',
      label: 'x',
    });
    expect(resolveUserPaths({ vmcore: '/d' }, '/w')).toEqual({
      vmcore: '/d',
      vmlinux: undefined,
      debuginfoDirs: undefined,
      tmpDir: '/var/tmp',
    });
  });
});

describe('ensureOutputDir', () => {
  const fails = async (p: string) => {
    const e = await ensureOutputDir(p).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(OutputDirError);
    return (e as Error).message;
  };
  it('creates what is missing, 0700, and leaves an existing directory as it is', async () => {
    const made = join(dir, 'a', 'b');
    await ensureOutputDir(made);
    expect(statSync(made).mode & 0o777).toBe(0o700);
    const existing = join(dir, 'shared');
    mkdirSync(existing, { mode: 0o755 });
    chmodSync(existing, 0o1777);
    await ensureOutputDir(existing);
    expect(statSync(existing).mode & 0o7777).toBe(0o1777);
  });
  it('a file, a path through a file, and /proc fail at once with the fix named', async () => {
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    expect(await fails(file)).toMatch(/file is not a directory; name a writable directory with --tmp-dir/);
    expect(await fails(join(file, 'sub'))).toMatch(/file is not a directory; name a writable directory with --tmp-dir/);
    // Node's recursive mkdir loops forever here.
    expect(await fails('/proc/kerntop-no-such-dir')).toMatch(
      /cannot create \/proc\/kerntop-no-such-dir for the report: ENOENT.*--tmp-dir/,
    );
  });
});
