// Every path the user names, made absolute against kerntop's working directory before anything
// uses it: the collector runs in python/ (its own cwd), so a relative --vmcore would name another
// file there. And the output directory, checked (and made) before a report starts.
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export interface UserPaths {
  vmcore: string;
  vmlinux?: string;
  debuginfoDirs?: string[];
  tmpDir?: string;
}

export const DEFAULT_TMP_DIR = '/var/tmp';

/** The same options with every path absolute (resolved against cwd). */
export function resolveUserPaths<T extends UserPaths>(opts: T, cwd = process.cwd()): T & { tmpDir: string } {
  return {
    ...opts,
    vmcore: resolve(cwd, opts.vmcore),
    vmlinux: opts.vmlinux === undefined ? undefined : resolve(cwd, opts.vmlinux),
    debuginfoDirs: opts.debuginfoDirs?.map((d) => resolve(cwd, d)),
    tmpDir: resolve(cwd, opts.tmpDir ?? DEFAULT_TMP_DIR),
  };
}

/** The output directory cannot be used; the message names the path, the cause and the fix. */
export class OutputDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputDirError';
  }
}

const FIX = 'name a writable directory with --tmp-dir';

/**
 * Makes sure `dir` (absolute) is a directory this process can write, creating the missing part
 * one level at a time, 0700. Never an existing directory's mode is changed (it may be /var/tmp), and
 * never Node's recursive mkdir, which spins forever where mkdir fails with ENOENT (under /proc).
 */
export async function ensureOutputDir(dir: string): Promise<void> {
  const missing: string[] = [];
  let at = dir;
  for (;;) {
    try {
      const st = await stat(at);
      if (!st.isDirectory()) throw new OutputDirError(`cannot write the report under ${dir}: ${at} is not a directory; ${FIX}`);
      break;
    } catch (e) {
      if (e instanceof OutputDirError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR')
        throw new OutputDirError(`cannot write the report under ${dir}: ${at}: ${(e as Error).message}; ${FIX}`);
      missing.unshift(at);
      if (dirname(at) === at) break;
      at = dirname(at);
    }
  }
  for (const d of missing) {
    try {
      await mkdir(d, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new OutputDirError(`cannot create ${d} for the report: ${(e as Error).message}; ${FIX}`);
    }
  }
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new OutputDirError(
      `cannot write the report under ${dir}: permission denied; ${FIX}, or run as a user who may write there`,
    );
  }
}
