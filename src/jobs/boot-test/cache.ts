import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where the boot test keeps what it can reuse (initramfs images, the KVM probe verdict):
 * $KERNTOP_CACHE_DIR, else /var/cache/kerntop as root, else $XDG_CACHE_HOME/kerntop or ~/.cache/kerntop.
 */
export function cacheDir(sub: string): string {
  const root =
    process.env.KERNTOP_CACHE_DIR ??
    (process.getuid?.() === 0 ? '/var/cache/kerntop' : join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kerntop'));
  // Absolute: these paths go to QEMU and into the report.
  const dir = resolve(root, sub);
  mkdirSync(dir, { recursive: true });
  return dir;
}
