// The dumps kdump left behind: one row per dump under /var/crash (Debian kdump-tools writes
// /var/crash/YYYYMMDDHHMM/dump.YYYYMMDDHHMM, RHEL kexec-tools /var/crash/HOST-YYYY-MM-DD-HH:MM:SS/vmcore,
// vmcore-incomplete when it was interrupted), with its time, size, format and whether the matching
// debuginfo is on this machine. Only headers are read.
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { candidatePaths, compare, identifyVmlinux } from './debuginfo.js';
import { type DumpFormat, type DumpProblem, inspectDump } from './dumpfile.js';
import { isElf, readAt } from './elf.js';

export interface CrashEntry {
  dir: string;
  dump: string;
  time_iso: string | null;
  time_source: 'directory name' | 'file name' | 'dump' | 'mtime' | null;
  size_bytes: number | null;
  format: DumpFormat;
  producer: string;
  release: string | null;
  build_id: string | null;
  /** Whether a vmlinux for this dump was found and what checking it said. */
  debuginfo: { found: boolean; path: string | null; verdict: string; reason: string };
  /** The kernel log kdump saved beside the dump (dmesg.<time>, vmcore-dmesg.txt), when present. */
  dmesg_file: string | null;
  problems: DumpProblem[];
}

export interface CrashList {
  dir: string;
  exists: boolean;
  /** listed; missing (kdump not set up); not_directory or unreadable (cannot be listed). */
  status: 'listed' | 'missing' | 'not_directory' | 'unreadable';
  entries: CrashEntry[];
  /** Dump directories inside `dir` that could not be read, each with its message. */
  unreadable: { path: string; message: string }[];
  message: string | null;
}

const DMESG_NAMES = /^(dmesg\.\d+|vmcore-dmesg\.txt|vmcore-dmesg-incomplete\.txt)$/;

/** A file whose first bytes say it is a dump (ELF core, kdump-compressed, flattened), or kdump's "incomplete" file. */
async function looksLikeDump(path: string): Promise<boolean> {
  if (/^vmcore(-incomplete)?$|^dump\.\d+$/.test(basename(path))) return true;
  let fh;
  try {
    fh = await open(path, 'r');
    const h = await readAt(fh, 0, 18);
    if (isElf(h)) return h.length >= 18 && h.readUInt16LE(16) === 4; // ET_CORE, not a vmlinux
    const sig = h.toString('latin1', 0, 12);
    return sig.startsWith('KDUMP   ') || sig.startsWith('DISKDUMP') || sig === 'makedumpfile';
  } catch {
    return false;
  } finally {
    await fh?.close();
  }
}

/** "202611241930" (kdump-tools), "...-2026-11-24-19:30:05" (kexec-tools), as local time. */
export function timeFromName(name: string): Date | null {
  let m = /(?:^|\.)(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/.exec(name);
  if (m) return new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], m[6] ? +m[6] : 0);
  m = /(\d{4})-(\d{2})-(\d{2})-(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(name);
  if (m) return new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], m[6] ? +m[6] : 0);
  return null;
}

async function findDebuginfo(dumpPath: string, release: string | null, buildId: string | null): Promise<CrashEntry['debuginfo']> {
  const cands = candidatePaths({ dumpPath, release, buildId });
  for (const c of cands) {
    try {
      if (!(await stat(c.path)).isFile()) continue;
    } catch {
      continue;
    }
    if (/\.(gz|xz|zst)$/.test(c.path)) {
      return { found: true, path: c.path, verdict: 'unverified', reason: 'compressed; checked when a report decompresses it' };
    }
    const cmp = compare({ release, build_id: buildId }, await identifyVmlinux(c.path));
    if (cmp.verdict === 'match') return { found: true, path: c.path, verdict: cmp.verdict, reason: cmp.reason };
    return { found: false, path: c.path, verdict: cmp.verdict, reason: `${c.path} ${cmp.reason}` };
  }
  return {
    found: false,
    path: null,
    verdict: 'missing',
    reason: release
      ? `no vmlinux for ${release} (install linux-image-${release}-dbg or keep vmlinux-${release}.gz beside the dump)`
      : 'release unknown',
  };
}

async function entryFor(dir: string, dumpPath: string, dmesg: string | null, dirName: string | null): Promise<CrashEntry> {
  const info = await inspectDump(dumpPath);
  let time: Date | null;
  let source: CrashEntry['time_source'] = null;
  if (dirName && (time = timeFromName(dirName))) source = 'directory name';
  else if ((time = timeFromName(basename(dumpPath)))) source = 'file name';
  else if (info.crash_time_s) {
    time = new Date(info.crash_time_s * 1000);
    source = 'dump';
  } else if (info.mtime_ms) {
    time = new Date(info.mtime_ms);
    source = 'mtime';
  }
  const fatal = info.problems.some((p) => p.fatal && p.kind !== 'no_vmcoreinfo' && p.kind !== 'truncated');
  return {
    dir,
    dump: dumpPath,
    time_iso: time ? time.toISOString() : null,
    time_source: source,
    size_bytes: info.size_bytes,
    format: info.format,
    producer: info.producer,
    release: info.release,
    build_id: info.build_id,
    debuginfo: fatal
      ? { found: false, path: null, verdict: 'unreadable', reason: 'the dump could not be read' }
      : await findDebuginfo(dumpPath, info.release, info.build_id),
    dmesg_file: dmesg,
    problems: info.problems,
  };
}

export async function listCrashes(dir = '/var/crash'): Promise<CrashList> {
  const failed = (status: CrashList['status'], message: string): CrashList => ({
    dir,
    exists: status !== 'missing',
    status,
    entries: [],
    unreadable: [],
    message,
  });
  let st;
  try {
    st = await stat(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return failed(
        'missing',
        `${dir} does not exist: kdump is not set up on this machine (Debian: apt-get install kdump-tools, then reboot so crashkernel= is reserved)`,
      );
    }
    if (code === 'ENOTDIR') return failed('not_directory', notDirectory(dir));
    return failed('unreadable', unreadable(dir, e as NodeJS.ErrnoException));
  }
  if (!st.isDirectory()) return failed('not_directory', notDirectory(dir));
  let top;
  try {
    top = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    return failed('unreadable', unreadable(dir, e as NodeJS.ErrnoException));
  }
  const entries: CrashEntry[] = [];
  const unreadableDirs: CrashList['unreadable'] = [];
  for (const e of top) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      let files;
      try {
        files = await readdir(p, { withFileTypes: true });
      } catch (err) {
        unreadableDirs.push({ path: p, message: unreadable(p, err as NodeJS.ErrnoException) });
        continue;
      }
      const dmesg = files.find((f) => f.isFile() && DMESG_NAMES.test(f.name));
      for (const f of files) {
        if (!f.isFile() || DMESG_NAMES.test(f.name) || /^vmlinux/.test(f.name)) continue;
        const fp = join(p, f.name);
        if (await looksLikeDump(fp)) entries.push(await entryFor(p, fp, dmesg ? join(p, dmesg.name) : null, e.name));
      }
    } else if (e.isFile() && !/^vmlinux/.test(e.name) && (await looksLikeDump(p))) {
      entries.push(await entryFor(dir, p, null, null));
    }
  }
  entries.sort((a, b) => (b.time_iso ?? '').localeCompare(a.time_iso ?? ''));
  // Dumps may hide in the directories that could not be read: "no dumps" would not be true then.
  const message = entries.length
    ? null
    : unreadableDirs.length
      ? `no crash dumps readable under ${dir}`
      : `no crash dumps under ${dir}`;
  return { dir, exists: true, status: 'listed', entries, unreadable: unreadableDirs, message };
}

function notDirectory(dir: string): string {
  return `${dir} is not a directory: --dir names the directory kdump writes dumps to (default /var/crash; KDUMP_COREDIR in /etc/default/kdump-tools, "path" in /etc/kdump.conf)`;
}

function unreadable(dir: string, e: NodeJS.ErrnoException): string {
  if (e.code === 'EACCES' || e.code === 'EPERM') return `cannot read ${dir}: permission denied (dumps are root's: run as root)`;
  return `cannot read ${dir}: ${e.message}`;
}
