import type { KmsgRecord } from '../../events.js';
import { parseLevelList } from './levels.js';
import { parseKmsgRecord } from './parse.js';

/**
 * A kernel log saved as text, one line at a time, in any of the forms people save it in:
 *   raw /dev/kmsg records      6,355,684756,-;NVRM: ...   (+ " KEY=VALUE" dictionary lines)
 *   dmesg -r / dmesg -S -r     <6>[    1.234567] text     or <6>text
 *   dmesg                      [    1.234567] text
 *   dmesg -x                   kern  :info  : [    1.234567] text
 *   dmesg -T                   [Sun Nov 22 07:09:01 2026] text
 *   dmesg --time-format=iso    2026-11-22T07:09:01,123456+00:00 text
 *   journalctl -k              Nov 22 07:09:01 host kernel: text   (also short-precise, short-iso)
 *   journalctl -k -o short-monotonic   [    1.234567] host kernel: text
 *   plain text                 text (no timestamp at all)
 */
export type TextLogForm = 'kmsg' | 'dmesg-raw' | 'dmesg' | 'dmesg-decode' | 'dmesg-ctime' | 'dmesg-iso' | 'journal' | 'journal-monotonic' | 'plain';

export interface TextLogRecord extends KmsgRecord {
  form: TextLogForm;
  /** Wall-clock ms when the line carries a date (dmesg -T, iso, journalctl). */
  wall_ms?: number;
}

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

const RE_KMSG = /^\d{1,3},\d+,\d+,/;
const RE_RAW = /^<(\d{1,3})>(?:\[\s*(\d+)\.(\d+)\]\s?)?(.*)$/;
const RE_DMESG = /^\[\s*(\d+)\.(\d+)\]\s?(.*)$/;
const RE_DECODE = /^([a-z0-9]+)\s*:([a-z]+)\s*:\s?(?:\[\s*(\d+)\.(\d+)\]\s?)?(.*)$/;
const RE_CTIME = /^\[(?:[A-Z][a-z]{2} )?([A-Z][a-z]{2})\s+(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})\]\s?(.*)$/;
const RE_ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:[,.](\d{1,9}))?([+-]\d{2}:?\d{2}|Z)\s(.*)$/;
const RE_JOURNAL = /^([A-Z][a-z]{2})\s+(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? (\S+) kernel: ?(.*)$/;
const RE_JOURNAL_ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:[,.](\d{1,6}))?([+-]\d{2}:?\d{2}|Z) (\S+) kernel: ?(.*)$/;
const RE_JOURNAL_MONO = /^\[\s*(\d+)\.(\d+)\] (\S+) kernel: ?(.*)$/;

function us(sec: string, frac: string): number {
  return Number(sec) * 1e6 + Number((frac + '000000').slice(0, 6));
}

function isoMs(date: string, frac: string | undefined, tz: string): number {
  const zone = tz === 'Z' ? 'Z' : tz.length === 5 ? `${tz.slice(0, 3)}:${tz.slice(3)}` : tz;
  const ms = Date.parse(`${date}${zone}`);
  return ms + (frac ? Number((frac + '000').slice(0, 3)) : 0);
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
      if (line.startsWith(' ') && line.includes('=')) {
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
    if (RE_KMSG.test(line)) {
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

  private rec(form: TextLogForm, text: string, ts_us: number, level = 6, facility = 0, wall_ms?: number): TextLogRecord {
    const r: TextLogRecord = { seq: this.seq++, ts_us, level, facility, flags: '-', text, form };
    if (wall_ms !== undefined && Number.isFinite(wall_ms)) r.wall_ms = wall_ms;
    return r;
  }

  private parseLine(line: string): TextLogRecord | null {
    if (line.trim() === '') return null;
    // journalctl's own markers: "-- Boot 1a2b... --", "-- Logs begin at ...", "-- No entries --".
    if (line.startsWith('-- ') && line.endsWith(' --')) return null;
    let m: RegExpExecArray | null;
    if ((m = RE_RAW.exec(line))) {
      const pri = Number(m[1]);
      return this.rec('dmesg-raw', m[4], m[2] !== undefined ? us(m[2], m[3]) : 0, pri & 7, pri >> 3);
    }
    if ((m = RE_JOURNAL_MONO.exec(line))) return this.rec('journal-monotonic', m[4], us(m[1], m[2]));
    if ((m = RE_DMESG.exec(line))) return this.rec('dmesg', m[3], us(m[1], m[2]));
    if ((m = RE_DECODE.exec(line))) {
      let level = 6;
      let facility = 0;
      try {
        level = [...parseLevelList(m[2])][0] ?? 6;
      } catch {
        return this.rec('plain', line, 0);
      }
      const fac = ['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news'].indexOf(m[1]);
      if (fac >= 0) facility = fac;
      return this.rec('dmesg-decode', m[5], m[3] !== undefined ? us(m[3], m[4]) : 0, level, facility);
    }
    if ((m = RE_CTIME.exec(line))) {
      const wall = new Date(Number(m[6]), MONTHS[m[1]] ?? 0, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])).getTime();
      return this.rec('dmesg-ctime', m[7], 0, 6, 0, wall);
    }
    if ((m = RE_JOURNAL_ISO.exec(line))) return this.rec('journal', m[5], 0, 6, 0, isoMs(m[1], m[2], m[3]));
    if ((m = RE_ISO.exec(line))) return this.rec('dmesg-iso', m[4], 0, 6, 0, isoMs(m[1], m[2], m[3]));
    if ((m = RE_JOURNAL.exec(line))) {
      const ms = new Date(this.year, MONTHS[m[1]] ?? 0, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])).getTime();
      return this.rec('journal', m[8], 0, 6, 0, ms + (m[6] ? Number((m[6] + '000').slice(0, 3)) : 0));
    }
    return this.rec('plain', line, 0);
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
