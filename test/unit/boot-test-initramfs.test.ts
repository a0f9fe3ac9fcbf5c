import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archInfo } from '../../src/jobs/boot-test/arch.js';
import { cpioNewc } from '../../src/jobs/boot-test/cpio.js';
import { elfInfo, GUEST_INIT, runInitramfs } from '../../src/jobs/boot-test/initramfs.js';

const tmp = mkdtempSync(join(tmpdir(), 'kerntop-initramfs-test-'));
let savedCache: string | undefined;
beforeAll(() => {
  savedCache = process.env.KERNTOP_CACHE_DIR;
  process.env.KERNTOP_CACHE_DIR = join(tmp, 'cache');
});
afterAll(() => {
  if (savedCache === undefined) delete process.env.KERNTOP_CACHE_DIR;
  else process.env.KERNTOP_CACHE_DIR = savedCache;
  rmSync(tmp, { recursive: true, force: true });
});

const haveCpio = existsSync('/usr/bin/cpio') || existsSync('/bin/cpio');

describe('cpioNewc', () => {
  it.skipIf(!haveCpio)('writes an archive GNU cpio lists with the right types and sizes', () => {
    const a = cpioNewc([
      { name: 'bin', kind: 'dir' },
      { name: 'bin/tool', kind: 'file', mode: 0o755, data: Buffer.from('abc') },
      { name: 'bin/sh', kind: 'symlink', data: Buffer.from('tool') },
    ]);
    expect(a.length % 4).toBe(0);
    const list = execFileSync('cpio', ['-itv', '--quiet'], { input: a }).toString();
    expect(list).toMatch(/^drwxr-xr-x .* bin$/m);
    expect(list).toMatch(/^-rwxr-xr-x .* 3 .* bin\/tool$/m);
    expect(list).toMatch(/^lrwxrwxrwx .* bin\/sh -> tool$/m);
  });
});

describe('elfInfo', () => {
  it('tells the static busybox from a dynamic binary', () => {
    const bb = ['/bin/busybox', '/usr/bin/busybox'].find(existsSync);
    if (bb) expect(elfInfo(readFileSync(bb))).toEqual({ machine: 0x3e, dynamic: false });
    expect(elfInfo(readFileSync(process.execPath))?.dynamic).toBe(true);
    expect(elfInfo(Buffer.from('#!/bin/sh\n'))).toBeNull();
  });
});

describe('runInitramfs', () => {
  it.skipIf(!haveCpio)('caches the base image and appends the command as a second archive', () => {
    const x86 = archInfo('x86_64')!;
    const first = runInitramfs(x86, join(tmp, 'w1'), undefined);
    expect(first.cached).toBe(false);
    const again = runInitramfs(x86, join(tmp, 'w2'), 'echo hello');
    expect(again.cached).toBe(true);
    expect(again.path).toBe(join(tmp, 'w2', 'initramfs.cpio.gz'));
    // The base image, zero padding to 4 bytes (the kernel skips zeros between archives), then a
    // second gzip'd archive holding the command.
    const base = readFileSync(first.path);
    const all = readFileSync(again.path);
    expect(all.subarray(0, base.length).equals(base)).toBe(true);
    let at = base.length;
    while (all[at] === 0) at++;
    expect(at % 4).toBe(0);
    const overlay = execFileSync('cpio', ['-iv', '--to-stdout', '--quiet'], { input: gunzipSync(all.subarray(at)) }).toString();
    expect(overlay).toBe('echo hello\n');
    const list = execFileSync('cpio', ['-it', '--quiet'], { input: gunzipSync(readFileSync(first.path)) })
      .toString()
      .split('\n');
    expect(list).toEqual(expect.arrayContaining(['init', 'bin/busybox', 'bin/sh', 'proc', 'sys', 'dev']));
    expect(GUEST_INIT).toContain('poweroff -f');
  });
});
