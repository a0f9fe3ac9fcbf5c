// The entries of a directory a last-boot source reads, or the reason there are none: a missing
// directory is an answer of its own (pstore not mounted, no kdump), anything else names the error.
import { readdirSync } from 'node:fs';

export function listDir(dir: string, whenMissing: string): { names: string[]; error: null } | { names: null; error: string } {
  try {
    return { names: readdirSync(dir), error: null };
  } catch (e) {
    const error =
      (e as NodeJS.ErrnoException).code === 'ENOENT'
        ? `${dir} does not exist (${whenMissing})`
        : `cannot read ${dir}: ${(e as Error).message}`;
    return { names: null, error };
  }
}
