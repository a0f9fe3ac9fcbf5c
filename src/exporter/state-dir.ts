import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_STATE_DIR = '/var/lib/kerntop';

/** Creates the state directory and proves it writable; returns why not, with the fix, or null. */
export function checkStateDir(dir: string): string | null {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    const probe = join(dir, `.write-test.${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
    return null;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return `cannot write the state directory ${dir} (${err.code ?? err.message}): the kernel-log position is not kept, so a restart counts this boot's records again. Fix: --state-dir a writable directory (in Kubernetes a hostPath volume)`;
  }
}
