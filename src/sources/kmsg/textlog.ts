import type { KmsgRecord } from '../../events.js';
import { isKmsgDictLine, isKmsgRecordLine, parseKmsgRecord } from '../../knowledge/kernel-log/kmsg-record.js';
import { parseLogPrefix, type LogLineForm } from '../../knowledge/kernel-log/prefix.js';

/** A kernel log saved as text, one line at a time, in any of the forms knowledge/kernel-log/prefix.ts reads. */
export type TextLogForm = LogLineForm;

export interface TextLogRecord extends KmsgRecord {
  form: TextLogForm;
  /** Wall-clock ms when the line carries a date (dmesg -T, iso, journalctl). */
  wall_ms?: number;
}

/**
 * Parses text log lines into records. seq is the line's index unless the line is a raw kmsg record.
 * The year of a journalctl short line is not in the line: `year` (default: this year) is assumed.
 */
export class TextLogParser {
  private seq = 0;
  private pending: { raw: string } | null = null;
  /** The last record, held until the next line shows whether it continues (multi-line records). */
  private last: { rec: TextLogRecord; offset: number } | null = null;

  constructor(private readonly year = new Date().getFullYear()) {}

  /** Feeds one line (without its newline). Returns the records completed by it. */
  push(line: string): TextLogRecord[] {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    // Raw kmsg records own the following dictionary lines (which begin with a space).
    if (this.pending) {
      if (isKmsgDictLine(line)) {
        this.pending.raw += line + '\n';
        return [];
      }
      const out = this.flushKmsg();
      return out.concat(this.push(line));
    }
    // dmesg and journalctl print the later lines of a multi-line record indented under its text.
    if (this.last && this.last.offset > 0 && line.charCodeAt(0) === 0x20 && line.trim() !== '') {
      const lead = line.length - line.trimStart().length;
      this.last.rec.text += '\n' + line.slice(Math.min(lead, this.last.offset));
      return [];
    }
    const out = this.takeLast();
    if (isKmsgRecordLine(line)) {
      this.pending = { raw: line + '\n' };
      return out;
    }
    const r = this.parseLine(line);
    if (r) this.last = { rec: r, offset: r.form === 'plain' ? 0 : line.length - r.text.length };
    return out;
  }

  flush(): TextLogRecord[] {
    return this.takeLast().concat(this.flushKmsg());
  }

  private takeLast(): TextLogRecord[] {
    if (!this.last) return [];
    const r = this.last.rec;
    this.last = null;
    return [r];
  }

  private flushKmsg(): TextLogRecord[] {
    if (!this.pending) return [];
    const raw = this.pending.raw;
    this.pending = null;
    const rec = parseKmsgRecord(raw);
    if (!rec) return [this.plain(raw.split('\n')[0])];
    this.seq = rec.seq + 1;
    return [{ ...rec, form: 'kmsg' }];
  }

  private plain(text: string): TextLogRecord {
    return { seq: this.seq++, ts_us: 0, level: 6, facility: 0, flags: '-', text, form: 'plain' };
  }

  private parseLine(line: string): TextLogRecord | null {
    if (line.trim() === '') return null;
    // journalctl's own markers: "-- Boot 1a2b... --", "-- Logs begin at ...", "-- No entries --".
    if (line.startsWith('-- ') && line.endsWith(' --')) return null;
    const p = parseLogPrefix(line, { wall: true, year: this.year });
    const r: TextLogRecord = {
      seq: this.seq++,
      ts_us: p.ts_us ?? 0,
      level: p.level ?? 6,
      facility: p.facility ?? 0,
      flags: '-',
      text: p.text,
      form: p.form,
    };
    if (p.caller !== undefined) r.caller = p.caller;
    if (p.wall_ms !== undefined && Number.isFinite(p.wall_ms)) r.wall_ms = p.wall_ms;
    return r;
  }
}

/** Parses a whole text (a file's content). */
export function parseTextLog(content: string, year?: number): TextLogRecord[] {
  const p = new TextLogParser(year);
  const out: TextLogRecord[] = [];
  const lines = content.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (const l of lines) for (const r of p.push(l)) out.push(r);
  for (const r of p.flush()) out.push(r);
  return out;
}
