// Where the previous boot ended and why: the crash records it left (pstore, the newest kdump
// directory) and its kernel log in the journal, each run through the log classifier. The first
// source that holds a crash report names it; otherwise the journal's last line says how it ended.
import { uptime } from 'node:os';
import { analyzeLog, type LogAnalysis } from '../../knowledge/log-classifier/index.js';
import { readPstore } from './pstore.js';
import { readPreviousBootJournal, readSavedJournal, type JournalRead } from './journal.js';
import { readCrashDir } from './var-crash.js';

export type LastBootSourceKind = 'pstore' | 'crash-dir' | 'journal';

export interface LastBootSource {
  kind: LastBootSourceKind;
  /** Directory, file or command it was read from. */
  origin: string;
  /** Whether it held anything of a previous boot. */
  found: boolean;
  /** What it held ("Panic#1, 11 parts (efi)") or why it held nothing. */
  note: string;
  /** When the record was written, where the source says (pstore and dump file times). */
  time_ms: number | null;
  crashed: boolean;
  class: string | null;
  title: string | null;
  function: string | null;
  /** Written long before this boot began: an older boot's record, not the last boot's. */
  stale: boolean;
}

export interface LastBootReport {
  /** The previous boot ended in a kernel crash. */
  crashed: boolean;
  /** One line: how the previous boot ended. */
  verdict: string;
  class: string | null;
  title: string | null;
  function: string | null;
  /** The source the verdict comes from. */
  from: LastBootSourceKind | null;
  sources: LastBootSource[];
}

export interface LastBootOptions {
  pstoreDir?: string;
  crashDir?: string;
  /** 'run': ask journalctl; 'none': leave the journal out; or a saved journal (directory, journal file or text copy). */
  journal?: 'run' | 'none' | { file: string };
  journalTimeoutMs?: number;
  /** When this boot began (default: now minus the uptime). */
  bootStartMs?: number;
}

/**
 * pstore keeps a record until something deletes it, and /var/crash keeps every dump: a record
 * written more than this long before this boot began is taken as an older boot's. (A crash record
 * is written at the crash, or by the kdump kernel right after it; the reboot follows within minutes
 * unless the machine stayed off.)
 */
export const RECORD_MAX_AGE_MS = 24 * 3600_000;

// The kernel's last words on an orderly end (kernel/reboot.c).
const CLEAN_END_RE = /reboot: (?:Restarting system|Power down|System halted)|kexec_core: Starting new kernel/;

function fromAnalysis(
  kind: LastBootSourceKind,
  origin: string,
  note: string,
  time_ms: number | null,
  a: LogAnalysis,
): LastBootSource {
  return {
    kind,
    origin,
    found: true,
    note,
    time_ms,
    crashed: a.crashed,
    class: a.type,
    title: a.title,
    function: a.function,
    stale: false,
  };
}

function none(kind: LastBootSourceKind, origin: string, note: string): LastBootSource {
  return {
    kind,
    origin,
    found: false,
    note,
    time_ms: null,
    crashed: false,
    class: null,
    title: null,
    function: null,
    stale: false,
  };
}

async function journalSource(
  opt: LastBootOptions['journal'],
  timeout_ms?: number,
): Promise<{ src: LastBootSource; text: string | null }> {
  if (opt === 'none') return { src: none('journal', 'journalctl -k -b -1', 'not read (--no-journal)'), text: null };
  const j: JournalRead =
    opt && typeof opt === 'object'
      ? await readSavedJournal(opt.file, { timeout_ms })
      : await readPreviousBootJournal({ timeout_ms });
  if (j.text === null) return { src: none('journal', j.origin, j.error ?? 'no previous boot'), text: null };
  const a = analyzeLog(j.text);
  const n = j.text.split('\n').filter((l) => l.trim()).length;
  return { src: fromAnalysis('journal', j.origin, `${n} kernel lines${j.boot ? ` (${j.boot})` : ''}`, null, a), text: j.text };
}

/** Reads every source (none of them failing the others) and gives the verdict. */
export async function lastBoot(opts: LastBootOptions = {}): Promise<LastBootReport> {
  const sources: LastBootSource[] = [];

  const ps = readPstore(opts.pstoreDir);
  const dump = ps.dumps[0];
  if (dump) {
    const parts = dump.files.length;
    const note = `${dump.reason}#${dump.count}, ${parts} part${parts === 1 ? '' : 's'} (${dump.backend})${ps.dumps.length > 1 ? `; ${ps.dumps.length - 1} older dump${ps.dumps.length > 2 ? 's' : ''}` : ''}`;
    sources.push(fromAnalysis('pstore', ps.dir, note, dump.mtime_ms, analyzeLog(dump.text)));
  } else if (ps.console.length > 0) {
    const c = ps.console[0];
    sources.push(fromAnalysis('pstore', ps.dir, `console record ${c.file}`, c.mtime_ms, analyzeLog(c.text)));
  } else
    sources.push(
      none(
        'pstore',
        ps.dir,
        ps.error ?? (ps.skipped.length ? `no dmesg records (${ps.skipped.join(', ')})` : 'empty: no crash records kept'),
      ),
    );

  const cd = readCrashDir(opts.crashDir);
  if (cd.newest)
    sources.push(
      fromAnalysis('crash-dir', cd.newest.dmesg, `newest dump ${cd.newest.path}`, cd.newest.mtime_ms, analyzeLog(cd.newest.text)),
    );
  else sources.push(none('crash-dir', cd.dir, cd.error ?? 'no dump with a dmesg file'));

  const js = await journalSource(opts.journal ?? 'run', opts.journalTimeoutMs);
  sources.push(js.src);

  const bootStart = opts.bootStartMs ?? Date.now() - uptime() * 1000;
  for (const s of sources) {
    if (s.time_ms === null || s.time_ms >= bootStart - RECORD_MAX_AGE_MS) continue;
    s.stale = true;
    s.note += `; written ${Math.round((bootStart - s.time_ms) / 86_400_000)} days before this boot began: an older boot's`;
  }
  const hit = sources.find((s) => s.crashed && !s.stale);
  if (hit) {
    return {
      crashed: true,
      verdict: `ended in a crash: ${hit.title}`,
      class: hit.class,
      title: hit.title,
      function: hit.function,
      from: hit.kind,
      sources,
    };
  }
  // A pstore dump whose text holds no report (cut too short) still says the kernel went down.
  const d = sources.find((s) => s.kind === 'pstore' && s.found && !s.stale && dump && /^(?:Panic|Oops)$/.test(dump.reason));
  if (d && dump) {
    const title = `kernel ${dump.reason.toLowerCase()} (pstore record without a report)`;
    return {
      crashed: true,
      verdict: `ended in a crash: ${title}`,
      class: dump.reason === 'Panic' ? 'panic' : 'oops',
      title,
      function: null,
      from: 'pstore',
      sources,
    };
  }
  if (js.text !== null) {
    const last = js.text.trimEnd().split('\n').pop() ?? '';
    const verdict = CLEAN_END_RE.test(js.text.slice(-4000))
      ? 'ended cleanly (the kernel logged its reboot or power-off)'
      : `ended without a shutdown message (power loss, hard reset or a hang?); last kernel line: ${last.trim().slice(0, 160)}`;
    return { crashed: false, verdict, class: null, title: null, function: null, from: 'journal', sources };
  }
  const old = sources.find((s) => s.crashed && s.stale);
  const verdict = old
    ? `unknown: only an older boot's crash record (${old.kind}: ${old.title})`
    : 'unknown: no source kept anything of the previous boot';
  return { crashed: false, verdict, class: null, title: null, function: null, from: null, sources };
}
