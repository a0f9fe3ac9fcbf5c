import { facilityByName, levelByName } from './levels.js';
import { isKmsgRecordLine, parseKmsgRecord } from './kmsg-record.js';

/**
 * The prefixes a saved kernel log line carries before the kernel's own text, in every form people
 * save logs in; the one parser of them (saved-log readers and the log classifier both use it):
 *   raw /dev/kmsg record       6,355,684756,-;NVRM: ...     (header fields, escaped text)
 *   dmesg -r / dmesg -S -r     <6>[    1.234567] text     or <6>text
 *   dmesg, serial console      [    1.234567] text        (+ caller "[T123]"/"[ C1]" when printed)
 *   dmesg -x                   kern  :info  : [    1.234567] text
 *   dmesg -T                   [Sun Nov 22 07:09:01 2026] text
 *   dmesg --time-format=iso    2026-11-22T07:09:01,123456+00:00 text
 *   journalctl -k              Nov 22 07:09:01 host kernel: text   (also short-precise, short-iso)
 *   journalctl -k -o short-monotonic   [    1.234567] host kernel: text
 *   plain text                 text (no prefix at all)
 */
export type LogLineForm =
  'kmsg' | 'dmesg-raw' | 'dmesg' | 'dmesg-decode' | 'dmesg-ctime' | 'dmesg-iso' | 'journal' | 'journal-monotonic' | 'plain';

export interface LogPrefix {
  form: LogLineForm;
  /** The kernel's text after the prefix (kmsg escapes undone). */
  text: string;
  /** syslog level 0 (emerg) .. 7 (debug), when the form says it. */
  level?: number;
  facility?: number;
  /** Monotonic µs since boot, when the line carries it. */
  ts_us?: number;
  /** Wall-clock ms, when the line carries a date and the caller asked for it (opts.wall). */
  wall_ms?: number;
  /** printk caller id ("T123" for a task, "C1" for a CPU), when printed. */
  caller?: string;
  /** A raw kmsg record's sequence number and flags. */
  seq?: number;
  flags?: string;
}

export interface PrefixOptions {
  /** Derive wall_ms from dated forms (costs a Date per line; the classifier does without). */
  wall?: boolean;
  /** The year of a journalctl short line, which the line leaves out (default: this year). */
  year?: number;
}

// syslog-style "<6>" level prefix (dmesg -r, /proc/kmsg, netconsole).
const SYSLOG_PRI_RE = /^<(\d{1,3})>/;
// dmesg --decode / -x: "kern  :err   : text"
const DMESG_DECODE_RE = /^([a-z][a-z0-9]*)\s*:\s*([a-z]+)\s*: ?/;
// journalctl -k short and short-precise: "Nov 24 19:30:00 host kernel: text"
const JOURNAL_RE = /([A-Z][a-z]{2})\s+(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d+))? \S+ kernel: ?/y;
// journalctl -k short-iso and ISO syslog files: "2026-11-24T19:30:00+0000 host kernel: text"
const JOURNAL_ISO_RE = /(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:[.,](\d+))?(Z|[+-]\d\d:?\d\d)? \S+ kernel: ?/y;
// dmesg --time-format=iso: "2026-11-24T19:34:09,989425+00:00 text"
const ISO_TS_RE = /(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:[,.](\d+))?(Z|[+-]\d\d:?\d\d) /y;
// dmesg -T: "[Mon Nov 24 19:30:00 2026] "
const CTIME_RE = /\[(?:[A-Z][a-z]{2} )?([A-Z][a-z]{2})\s+(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4})\] ?/y;
const HOST_RE = /^[\w.-]+$/;
// The dated forms are sticky (y) and tried with test(), which builds no array of captures: most
// lines need only where the prefix ends; the captures are read (exec) only when wall time is wanted.

/** Where a match of the sticky re at the start of s ends, or -1. */
function endOf(re: RegExp, s: string): number {
  re.lastIndex = 0;
  return re.test(s) ? re.lastIndex : -1;
}

function groups(re: RegExp, s: string): RegExpExecArray {
  re.lastIndex = 0;
  return re.exec(s)!;
}

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

function ms3(frac: string | undefined): number {
  return frac ? Number((frac + '000').slice(0, 3)) : 0;
}

function isoMs(date: string, time: string, frac: string | undefined, tz: string | undefined): number {
  const zone = tz === undefined || tz === 'Z' ? (tz ?? '') : tz.length === 5 ? `${tz.slice(0, 3)}:${tz.slice(3)}` : tz;
  return Date.parse(`${date}T${time}${zone}`) + ms3(frac);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Parses a console timestamp "[  123.456789]" with an optional caller "[T123]"/"[ C1]" and one
 * space at s[i] (hand-written: this runs on every line of a log). Sets ts_us (the fraction taken to
 * µs) and caller; returns the index after it, or -1 (out untouched).
 */
export function consoleTimestamp(s: string, i: number, out: { ts_us?: number; caller?: string }): number {
  const n = s.length;
  let j = i + 1;
  while (j < n && s.charCodeAt(j) === 32) j++;
  const a = j;
  let secs = 0;
  let c = 0;
  while (j < n && isDigit((c = s.charCodeAt(j)))) {
    secs = secs * 10 + (c - 48);
    j++;
  }
  if (j === a || j >= n || c !== 46 /* . */) return -1;
  j++;
  const f = j;
  let us = 0;
  while (j < n && isDigit((c = s.charCodeAt(j)))) {
    if (j - f < 6) us = us * 10 + (c - 48);
    j++;
  }
  if (j === f || j >= n || c !== 93 /* ] */) return -1;
  for (let k = j - f; k < 6; k++) us *= 10;
  out.ts_us = secs * 1e6 + us;
  j++;
  if (j < n && s.charCodeAt(j) === 91) {
    // Caller id: "[T123]", "[ C1]", "[    T28]".
    let k = j + 1;
    while (k < n && s.charCodeAt(k) === 32) k++;
    const c = s.charCodeAt(k);
    if (c === 67 /* C */ || c === 84 /* T */) {
      const b = k;
      k++;
      const d = k;
      while (k < n && isDigit(s.charCodeAt(k))) k++;
      if (k > d && k < n && s.charCodeAt(k) === 93) {
        out.caller = s.slice(b, k);
        j = k + 1;
      }
    }
  }
  if (j < n && s.charCodeAt(j) === 32) j++;
  return j;
}

/** Parses one line (without its newline) into a fresh LogPrefix. Never throws. */
export function parseLogPrefix(line: string, opts?: PrefixOptions): LogPrefix {
  return parseLogPrefixInto(line, emptyPrefix(), opts);
}

/** A LogPrefix with every field present, so objects reused line after line keep one shape. */
export function emptyPrefix(): LogPrefix {
  return {
    form: 'plain',
    text: '',
    level: undefined,
    facility: undefined,
    ts_us: undefined,
    wall_ms: undefined,
    caller: undefined,
    seq: undefined,
    flags: undefined,
  };
}

/**
 * parseLogPrefix into a caller-owned object (every field overwritten), so a whole-log pass
 * allocates no object per line. Dispatches on the first character: most lines match one form.
 */
export function parseLogPrefixInto(line: string, out: LogPrefix, opts?: PrefixOptions): LogPrefix {
  out.form = 'plain';
  out.text = line;
  out.level = undefined;
  out.facility = undefined;
  out.ts_us = undefined;
  out.wall_ms = undefined;
  out.caller = undefined;
  out.seq = undefined;
  out.flags = undefined;
  const wall = opts?.wall === true;
  let s = line;
  let m: RegExpExecArray | null;
  const c0 = s.charCodeAt(0);
  let end: number;
  if (isDigit(c0)) {
    if (isKmsgRecordLine(s)) {
      const r = parseKmsgRecord(s);
      if (r) {
        out.form = 'kmsg';
        out.text = r.text;
        out.level = r.level;
        out.facility = r.facility;
        out.ts_us = r.ts_us;
        out.seq = r.seq;
        out.flags = r.flags;
        if (r.caller !== undefined) out.caller = r.caller;
        return out;
      }
    }
    if ((end = endOf(JOURNAL_ISO_RE, s)) > 0) {
      out.form = 'journal';
      if (wall) {
        m = groups(JOURNAL_ISO_RE, s);
        out.wall_ms = isoMs(m[1], m[2], m[3], m[4]);
      }
      s = s.slice(end);
    } else if ((end = endOf(ISO_TS_RE, s)) > 0) {
      out.form = 'dmesg-iso';
      if (wall) {
        m = groups(ISO_TS_RE, s);
        out.wall_ms = isoMs(m[1], m[2], m[3], m[4]);
      }
      s = s.slice(end);
    }
  } else if (c0 === 60 /* < */) {
    if ((m = SYSLOG_PRI_RE.exec(s))) {
      const pri = Number(m[1]);
      out.form = 'dmesg-raw';
      out.level = pri & 7;
      out.facility = pri >> 3;
      s = s.slice(m[0].length);
    }
  } else if (c0 >= 97 && c0 <= 122 /* a..z */) {
    if ((m = DMESG_DECODE_RE.exec(s))) {
      const facility = facilityByName(m[1]);
      const level = levelByName(m[2]);
      if (facility !== undefined && level !== undefined) {
        out.form = 'dmesg-decode';
        out.level = level;
        out.facility = facility;
        s = s.slice(m[0].length);
      }
    }
  } else if (c0 >= 65 && c0 <= 90 /* A..Z */) {
    if ((end = endOf(JOURNAL_RE, s)) > 0) {
      out.form = 'journal';
      if (wall) {
        m = groups(JOURNAL_RE, s);
        const year = opts?.year ?? new Date().getFullYear();
        out.wall_ms =
          new Date(year, MONTHS[m[1]] ?? 0, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])).getTime() + ms3(m[6]);
      }
      s = s.slice(end);
    }
  }
  if (s.charCodeAt(0) === 91 /* [ */) {
    const tsEnd = consoleTimestamp(s, 0, out);
    if (tsEnd > 0) {
      if (out.form === 'plain') out.form = 'dmesg';
      s = s.slice(tsEnd);
      // journalctl -o short-monotonic puts the host and "kernel:" after the timestamp.
      const sp = s.indexOf(' ');
      if (sp > 0 && s.startsWith(' kernel: ', sp) && HOST_RE.test(s.slice(0, sp))) {
        s = s.slice(sp + 9);
        if (out.form === 'dmesg') out.form = 'journal-monotonic';
      } else if (s.startsWith('kernel: ') && out.form === 'dmesg') {
        // The same from a journal without _HOSTNAME fields (written by systemd-journal-remote).
        s = s.slice(8);
        out.form = 'journal-monotonic';
      }
    } else if ((end = endOf(CTIME_RE, s)) > 0) {
      if (out.form === 'plain') out.form = 'dmesg-ctime';
      if (wall && out.wall_ms === undefined) {
        m = groups(CTIME_RE, s);
        out.wall_ms = new Date(Number(m[6]), MONTHS[m[1]] ?? 0, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])).getTime();
      }
      s = s.slice(end);
    }
  }
  out.text = s;
  return out;
}
