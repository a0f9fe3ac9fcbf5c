import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { cacheDir } from '../../src/jobs/boot-test/cache.js';

const saved = process.env.KERNTOP_CACHE_DIR;
afterEach(() => {
  if (saved === undefined) delete process.env.KERNTOP_CACHE_DIR;
  else process.env.KERNTOP_CACHE_DIR = saved;
});

it('a relative KERNTOP_CACHE_DIR gives absolute paths (they are handed to QEMU and reported)', () => {
  const base = mkdtempSync(join(tmpdir(), 'kerntop-cache-unit-'));
  try {
    process.env.KERNTOP_CACHE_DIR = relative(process.cwd(), base);
    expect(cacheDir('initramfs')).toBe(join(base, 'initramfs'));
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
