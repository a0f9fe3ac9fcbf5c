// The previous boot's kernel log as journald kept it: this host's journal (`journalctl -k -b -1`,
// where the journal is persistent; a volatile one has no previous boot), or a journal saved from
// another machine or mounted from a rescued disk (a directory of .journal files, or one file),
// read with journalctl itself, or a text copy of journalctl's output.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { execa } from 'execa';

export interface JournalRead {
  /** The log text (journalctl short format), or null. */
  text: string | null;
  /** Why there is none: journalctl missing, no persistent journal, no previous boot. */
  error: string | null;
  /** Where it came from: "journalctl -k -b -1", "journalctl -D DIR -k -b ID" or the saved file's path. */
  origin: string;
  /** Which boot of a saved journal was read, and why that one. */
  boot?: string;
}

/** Every journal file starts with this signature (systemd's journal-def.h, HEADER_SIGNATURE). */
const JOURNAL_SIGNATURE = 'LPKSHHRH';
const OUTPUT_ARGS = ['-k', '--no-pager', '-o', 'short-monotonic', '-q'];

type Run = { ok: true; stdout: string; stderr: string } | { ok: false; error: string };

async function journalctl(args: string[], timeout_ms: number): Promise<Run> {
  try {
    const r = await execa('journalctl', args, { reject: false, timeout: timeout_ms, stdin: 'ignore' });
    if (r.failed && (r as { code?: string }).code === 'ENOENT')
      return { ok: false, error: 'journalctl not found (no systemd journal tools on this host: apt-get install systemd)' };
    if (r.timedOut) return { ok: false, error: `journalctl took longer than ${timeout_ms / 1000} s` };
    const stderr = String(r.stderr ?? '').trim();
    if (r.exitCode !== 0) return { ok: false, error: stderr.split('\n')[0] || `journalctl exited with ${r.exitCode}` };
    return { ok: true, stdout: String(r.stdout ?? ''), stderr };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

export async function readPreviousBootJournal(opts: { timeout_ms?: number } = {}): Promise<JournalRead> {
  const origin = 'journalctl -k -b -1';
  const r = await journalctl(['-b', '-1', ...OUTPUT_ARGS], opts.timeout_ms ?? 5000);
  if (!r.ok) return { text: null, error: r.error, origin };
  if (!r.stdout.trim())
    return { text: null, error: r.stderr.split('\n')[0] || 'the journal has no kernel messages of the previous boot', origin };
  return { text: r.stdout, error: null, origin };
}

function hasJournalSignature(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(8);
    return readSync(fd, b, 0, 8, 0) === 8 && b.toString('latin1') === JOURNAL_SIGNATURE;
  } finally {
    closeSync(fd);
  }
}

function thisBootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().replace(/-/g, '');
  } catch {
    return null;
  }
}

interface BootEntry {
  index: number;
  boot_id: string;
  first_entry: number;
  last_entry: number;
}

/**
 * A saved journal (a directory of journal files, one journal file, or a text copy of journalctl's
 * output). Of a binary journal the boot read is its last one, unless that is the boot this host is
 * running (the journal is this host's own): then the one before, as `journalctl -b -1` would.
 */
export async function readSavedJournal(path: string, opts: { timeout_ms?: number } = {}): Promise<JournalRead> {
  const timeout_ms = opts.timeout_ms ?? 10_000;
  let source: string[];
  try {
    const st = statSync(path);
    if (st.isDirectory()) source = ['-D', path];
    else if (hasJournalSignature(path)) source = ['--file', path];
    else return { text: readFileSync(path, 'latin1'), error: null, origin: path };
  } catch (e) {
    return { text: null, error: `cannot read ${path}: ${(e as Error).message}`, origin: path };
  }
  const shown = `journalctl ${source.join(' ')}`;
  const list = await journalctl([...source, '--list-boots', '-o', 'json', '-q'], timeout_ms);
  if (!list.ok) return { text: null, error: `${shown} --list-boots: ${list.error}`, origin: shown };
  let boots: BootEntry[];
  try {
    boots = list.stdout.trim() ? (JSON.parse(list.stdout) as BootEntry[]) : [];
  } catch {
    return { text: null, error: `${shown} --list-boots gave no boot list (not a journal?)`, origin: shown };
  }
  if (!Array.isArray(boots) || boots.length === 0)
    return { text: null, error: `no journal files with boots at ${path} (not a journal directory?)`, origin: shown };
  const me = thisBootId();
  let pick = boots[boots.length - 1];
  let why = "the journal's last boot";
  if (me !== null && pick.boot_id === me) {
    if (boots.length < 2) return { text: null, error: `the journal at ${path} holds only this boot`, origin: shown };
    pick = boots[boots.length - 2];
    why = 'the boot before this one';
  }
  const origin = `${shown} -k -b ${pick.boot_id}`;
  const r = await journalctl([...source, '-b', pick.boot_id, ...OUTPUT_ARGS], timeout_ms);
  if (!r.ok) return { text: null, error: r.error, origin };
  if (!r.stdout.trim()) return { text: null, error: `boot ${pick.boot_id} of the journal has no kernel messages`, origin };
  return { text: r.stdout, error: null, origin, boot: `boot ${pick.boot_id.slice(0, 12)}, ${why} of ${boots.length}` };
}
