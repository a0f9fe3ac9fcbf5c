// The newest crash dump directory kdump left: Debian/Ubuntu kdump-tools write
// /var/crash/<YYYYMMDDHHMM>/dmesg.<stamp> next to the dump, Fedora/RHEL kdump
// /var/crash/<addr>-<date>/vmcore-dmesg.txt. The dmesg file is the kernel log up to the crash.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { listDir } from './list-dir.js';
import { join } from 'node:path';

export interface CrashDirRead {
  dir: string;
  error: string | null;
  /** The newest dump directory with a dmesg file, and that file's text. */
  newest: { path: string; dmesg: string; mtime_ms: number; text: string } | null;
}

const DMESG_RE = /^(?:dmesg\.\d+|vmcore-dmesg\.txt|dmesg\.txt)$/;

export function readCrashDir(dir = '/var/crash'): CrashDirRead {
  const out: CrashDirRead = { dir, error: null, newest: null };
  const listed = listDir(dir, 'no kdump dumps');
  if (listed.names === null) {
    out.error = listed.error;
    return out;
  }
  const names = listed.names;
  const found: Array<{ path: string; dmesg: string; mtime_ms: number }> = [];
  for (const n of names) {
    const p = join(dir, n);
    try {
      if (!statSync(p).isDirectory()) continue;
      for (const f of readdirSync(p))
        if (DMESG_RE.test(f)) found.push({ path: p, dmesg: join(p, f), mtime_ms: statSync(join(p, f)).mtimeMs });
    } catch {
      // An unreadable dump directory is someone else's; the others still count.
    }
  }
  found.sort((a, b) => b.mtime_ms - a.mtime_ms);
  const n = found[0];
  if (n) {
    try {
      out.newest = { ...n, text: readFileSync(n.dmesg, 'latin1') };
    } catch (e) {
      out.error = `cannot read ${n.dmesg}: ${(e as Error).message}`;
    }
  }
  return out;
}
