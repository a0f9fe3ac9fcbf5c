// The previous boot's kernel log as journald kept it (`journalctl -k -b -1`), where the journal is
// persistent (/var/log/journal). A volatile journal has no previous boot; journalctl says so.
import { execa } from 'execa';

export interface JournalRead {
  /** The log text (journalctl short format), or null. */
  text: string | null;
  /** Why there is none: journalctl missing, no persistent journal, no previous boot. */
  error: string | null;
  /** Where it came from: "journalctl -k -b -1" or the saved file's path. */
  origin: string;
}

export async function readPreviousBootJournal(opts: { timeout_ms?: number } = {}): Promise<JournalRead> {
  const origin = 'journalctl -k -b -1';
  try {
    const r = await execa('journalctl', ['-k', '-b', '-1', '--no-pager', '-o', 'short-monotonic', '-q'], {
      reject: false,
      timeout: opts.timeout_ms ?? 5000,
      stdin: 'ignore',
    });
    if (r.failed && (r as { code?: string }).code === 'ENOENT')
      return { text: null, error: 'journalctl not found (no systemd journal on this host)', origin };
    if (r.timedOut) return { text: null, error: `journalctl took longer than ${(opts.timeout_ms ?? 5000) / 1000} s`, origin };
    const err = String(r.stderr ?? '').trim();
    if (r.exitCode !== 0) return { text: null, error: err.split('\n')[0] || `journalctl exited with ${r.exitCode}`, origin };
    const text = String(r.stdout ?? '');
    if (!text.trim())
      return { text: null, error: err.split('\n')[0] || 'the journal has no kernel messages of the previous boot', origin };
    return { text, error: null, origin };
  } catch (e) {
    return { text: null, error: (e as Error).message, origin };
  }
}
