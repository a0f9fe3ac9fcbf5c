// The sos archive around a report: named sosvmcore-HOST[-LABEL]-DATE-RAND, version.txt,
// sos_reports and sos_logs first in the tar (readable without unpacking the rest), a .sha256 with
// the digest and a newline beside it. A dump holds every secret the machine had in memory, so every
// file is 0600 and every directory 0700 whatever the umask.
import { createHash, randomInt } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { chmod, mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { execa } from 'execa';

export type Compression = 'auto' | 'xz' | 'gzip' | 'none';

export function sanitizeNamePart(s: string): string {
  // sos keeps names shell- and path-safe; "(none)" (an unset nodename) becomes "none".
  return s.replace(/[^A-Za-z0-9._-]+/g, '').replace(/^[-.]+/, '') || 'unknown';
}

export function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 7; i++) s += String.fromCharCode(97 + randomInt(26));
  return s;
}

/** sos's friendly name pattern: sosvmcore-HOST[-LABEL]-YYYY-MM-DD-RAND. */
export function archiveName(host: string, label: string | undefined, date: Date, rand = randomSuffix()): string {
  const d = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
  return ['sosvmcore', sanitizeNamePart(host), ...(label ? [sanitizeNamePart(label)] : []), d, rand].join('-');
}

export async function mkdirPrivate(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  await chmod(path, 0o700);
}

/** Writes a report file 0600, making its directories 0700. */
export async function writePrivate(root: string, rel: string, data: string | Buffer): Promise<void> {
  const path = join(root, rel);
  await mkdirPrivate(dirname(path));
  await writeFile(path, data, { mode: 0o600 });
  await chmod(path, 0o600);
}

/** Forces 0600/0700 on everything under root (plugins write with their own umask). */
export async function lockDown(root: string): Promise<void> {
  await chmod(root, 0o700);
  for (const e of await readdir(root, { withFileTypes: true })) {
    const p = join(root, e.name);
    if (e.isDirectory()) await lockDown(p);
    else if (e.isFile()) await chmod(p, 0o600);
  }
}

export async function resolveCompression(c: Compression): Promise<'xz' | 'gzip' | 'none'> {
  if (c !== 'auto') return c;
  // sos: xz when lzma is available, else gzip.
  try {
    await execa('xz', ['--version']);
    return 'xz';
  } catch {
    return 'gzip';
  }
}

export const ARCHIVE_EXT = { xz: '.tar.xz', gzip: '.tar.gz', none: '.tar' } as const;

/**
 * Packs parent/name into outPath. version.txt, sos_reports and sos_logs go first, as sos orders them.
 * The archive is created 0600 before any byte is written.
 */
export async function packArchive(
  parent: string,
  name: string,
  outPath: string,
  compression: 'xz' | 'gzip' | 'none',
  signal?: AbortSignal,
): Promise<void> {
  const top = await readdir(join(parent, name));
  const first = ['version.txt', 'sos_reports', 'sos_logs'].filter((e) => top.includes(e));
  const rest = top.filter((e) => !first.includes(e)).sort();
  const members = [...first, ...rest].map((e) => `${name}/${e}`);
  // 'wx' with mode 0600: created private (the umask can only take bits away), never over another file.
  const out = createWriteStream(outPath, { flags: 'wx', mode: 0o600 });
  const tar = execa('tar', ['--numeric-owner', '-C', parent, '-cf', '-', '--', ...members], {
    stdout: 'pipe',
    cancelSignal: signal,
    forceKillAfterDelay: 1000,
    buffer: { stdout: false },
  });
  try {
    if (compression === 'none') {
      await Promise.all([pipeline(tar.stdout!, out), tar]);
    } else if (compression === 'gzip') {
      await Promise.all([pipeline(tar.stdout!, createGzip({ level: 6 }), out), tar]);
    } else {
      // sos uses xz preset 3.
      const xz = execa('xz', ['-3', '-T0', '-c'], {
        stdin: 'pipe',
        stdout: 'pipe',
        cancelSignal: signal,
        forceKillAfterDelay: 1000,
        buffer: { stdout: false },
      });
      await Promise.all([pipeline(tar.stdout!, xz.stdin!), pipeline(xz.stdout!, out), tar, xz]);
    }
  } catch (e) {
    tar.kill();
    throw e;
  }
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path), h);
  return h.digest('hex');
}

/** Writes ARCHIVE.sha256 (digest and newline, as sos does) via a private temp file, then renames it into place. */
export async function writeChecksum(archive: string, privateDir: string): Promise<string> {
  const digest = await sha256File(archive);
  const tmp = join(privateDir, 'checksum.tmp');
  await writeFile(tmp, `${digest}\n`, { mode: 0o600 });
  await rename(tmp, `${archive}.sha256`);
  return digest;
}

export function uniquePath(path: string): string {
  if (!existsSync(path)) return path;
  for (let i = 1; ; i++) if (!existsSync(`${path}.${i}`)) return `${path}.${i}`;
}
