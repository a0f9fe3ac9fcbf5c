import type { KmsgRecord } from '../../events.js';
import { TextLogParser } from './textlog.js';

/** How often the fallback re-reads the buffer when following: syslog(2) has no way to wait. */
export const DMESG_POLL_MS = 2000;

export class DmesgUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DmesgUnavailableError';
  }
}

/**
 * Runs `dmesg -S -r`: -S reads through syslog(2) rather than /dev/kmsg (the device is what is
 * missing when this runs), -r keeps <PRI>[sec.usec] so level and time survive. syslog(2) prints each
 * line of a multi-line record with the record's prefix, so lines with an identical prefix are joined
 * back into one record. seq is not in this output: records are numbered in the order read.
 */
export async function readDmesgOnce(bin = 'dmesg', signal?: AbortSignal): Promise<KmsgRecord[]> {
  let stdout: string;
  try {
    // execa costs ~90 ms to load: only when a child is really needed, not at every start-up.
    const { execa } = await import('execa');
    const r = await execa(bin, ['-S', '-r'], {
      timeout: 10_000,
      cancelSignal: signal,
      stripFinalNewline: false,
      reject: false,
      encoding: 'utf8',
    });
    if (r.failed) {
      const err = (r.stderr || r.shortMessage || '').trim();
      if ((r as { code?: string }).code === 'ENOENT' || /ENOENT|not found/.test(r.shortMessage ?? '')) {
        throw new DmesgUnavailableError(
          `${bin} command not found (a distroless image has none): mount /dev/kmsg into the container instead`,
        );
      }
      if (/Operation not permitted|EPERM/i.test(err)) {
        throw new DmesgUnavailableError(
          `${bin} -S: ${err}: reading the kernel log needs CAP_SYSLOG (kernel.dmesg_restrict=1): run as root or add the SYSLOG capability`,
        );
      }
      throw new DmesgUnavailableError(`${bin} -S -r failed: ${err || r.shortMessage}`);
    }
    stdout = r.stdout;
  } catch (e) {
    if (e instanceof DmesgUnavailableError) throw e;
    throw new DmesgUnavailableError(`${bin}: ${(e as Error).message}`);
  }
  const p = new TextLogParser();
  const out: KmsgRecord[] = [];
  let prevKey = '';
  const lines = stdout.split('\n').filter((l) => l !== '');
  const recs = lines.flatMap((l) => p.push(l)).concat(p.flush());
  for (const r of recs) {
    const key = `${r.level},${r.facility},${r.ts_us}`;
    const prev = out[out.length - 1];
    if (prev && key === prevKey && r.ts_us > 0) {
      prev.text += '\n' + r.text;
      continue;
    }
    prevKey = key;
    out.push({ seq: out.length, ts_us: r.ts_us, level: r.level, facility: r.facility, flags: '-', text: r.text });
  }
  return out;
}

/**
 * Remembers what was already delivered so a re-read delivers only newer records: syslog(2) output
 * has no sequence numbers, so the position is (timestamp, texts seen at that timestamp).
 */
export class DmesgFollower {
  private lastTs = -1;
  private atLast = new Map<string, number>();
  private nextSeq = 0;

  /** Returns the records of a fresh read that were not delivered before, renumbered in order. */
  take(all: KmsgRecord[]): KmsgRecord[] {
    const out: KmsgRecord[] = [];
    const seenAt = new Map<string, number>();
    for (const r of all) {
      if (r.ts_us < this.lastTs) continue;
      if (r.ts_us === this.lastTs) {
        const n = (seenAt.get(r.text) ?? 0) + 1;
        seenAt.set(r.text, n);
        if (n <= (this.atLast.get(r.text) ?? 0)) continue;
      }
      out.push({ ...r, seq: this.nextSeq++ });
    }
    for (const r of out) {
      if (r.ts_us > this.lastTs) {
        this.lastTs = r.ts_us;
        this.atLast = new Map();
      }
      if (r.ts_us === this.lastTs) this.atLast.set(r.text, (this.atLast.get(r.text) ?? 0) + 1);
    }
    return out;
  }
}
