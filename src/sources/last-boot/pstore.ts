// Records the kernel left in pstore (/sys/fs/pstore) when it went down: ramoops (reserved RAM that
// survives a warm reboot), EFI variables, ERST. A crash dump (kmsg_dump) is cut into parts of the
// backend's record size; each part file starts with "Reason#count PartN" and Part1 holds the newest
// lines (fs/pstore/platform.c pstore_dump), so the log is the parts joined from the highest number down.
import { readFileSync, statSync } from 'node:fs';
import { listDir } from './list-dir.js';
import { join } from 'node:path';

export interface PstoreDump {
  /** Backend name from the file name: "ramoops", "efi", "efi_pstore", "erst", ... */
  backend: string;
  /** Why the kernel dumped: Panic, Oops, Emergency, Restart, Halt, Poweroff. */
  reason: string;
  /** The dump's ordinal (Panic#2 is the second panic this backend has stored). */
  count: number;
  files: string[];
  /** Newest modification time of the part files (pstore sets it to the record's time). */
  mtime_ms: number;
  /** The log, oldest line first. */
  text: string;
}

export interface PstoreRead {
  dir: string;
  /** Why nothing could be read (no such directory, no permission); null when the directory was read. */
  error: string | null;
  dumps: PstoreDump[];
  /** console-* records: the previous boot's console output (ramoops console buffer). */
  console: Array<{ file: string; mtime_ms: number; text: string }>;
  /** Files seen but not used (compressed records the kernel could not expand, ftrace, pmsg). */
  skipped: string[];
}

// "dmesg-ramoops-0", "dmesg-efi-167442556001001", "dmesg-efi_pstore-172172172101001", "console-ramoops-0"
const NAME_RE = /^(dmesg|console|ftrace|pmsg|mce)-([A-Za-z0-9_]+?)-(\d+)(\.enc\.z)?$/;
const PART_RE = /^([A-Za-z]+)#(\d+) Part(\d+)\r?\n/;
// ramoops keeps its own timestamp header in front of the dump header on some kernels.
const RAMOOPS_HDR_RE = /^====\d+\.\d+(?:-[CD])?\r?\n/;

export function readPstore(dir = '/sys/fs/pstore'): PstoreRead {
  const out: PstoreRead = { dir, error: null, dumps: [], console: [], skipped: [] };
  const listed = listDir(dir, 'pstore not mounted, or no backend');
  if (listed.names === null) {
    out.error = listed.error;
    return out;
  }
  const names = listed.names;
  const parts = new Map<
    string,
    {
      backend: string;
      reason: string;
      count: number;
      items: Array<{ part: number; file: string; body: string; mtime_ms: number }>;
    }
  >();
  for (const name of names.sort()) {
    const m = NAME_RE.exec(name);
    if (!m || m[4]) {
      out.skipped.push(name);
      continue;
    }
    const path = join(dir, name);
    let text: string;
    let mtime_ms: number;
    try {
      text = readFileSync(path, 'latin1');
      mtime_ms = statSync(path).mtimeMs;
    } catch (e) {
      out.skipped.push(`${name} (${(e as Error).message})`);
      continue;
    }
    if (m[1] === 'console') {
      out.console.push({ file: name, mtime_ms, text });
      continue;
    }
    if (m[1] !== 'dmesg') {
      out.skipped.push(name);
      continue;
    }
    const body = text.replace(RAMOOPS_HDR_RE, '');
    const h = PART_RE.exec(body);
    const reason = h ? h[1] : 'Unknown';
    const count = h ? Number(h[2]) : 0;
    const part = h ? Number(h[3]) : 1;
    const key = `${m[2]}/${reason}#${count}`;
    let g = parts.get(key);
    if (!g) parts.set(key, (g = { backend: m[2], reason, count, items: [] }));
    g.items.push({ part, file: name, body: h ? body.slice(h[0].length) : body, mtime_ms });
  }
  for (const g of parts.values()) {
    g.items.sort((a, b) => b.part - a.part);
    out.dumps.push({
      backend: g.backend,
      reason: g.reason,
      count: g.count,
      files: g.items.map((i) => i.file),
      mtime_ms: Math.max(...g.items.map((i) => i.mtime_ms)),
      text: g.items.map((i) => (i.body.endsWith('\n') ? i.body : i.body + '\n')).join(''),
    });
  }
  // Newest dump first: the one the last boot left, if any.
  out.dumps.sort((a, b) => b.mtime_ms - a.mtime_ms || b.count - a.count);
  return out;
}
