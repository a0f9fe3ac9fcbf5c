import { unescapeKmsg } from '../../sources/kmsg/parse.js';

/**
 * One input line reduced to the kernel's own text: serial-console, dmesg, /dev/kmsg, syslog and
 * journalctl prefixes removed, with the log level and printk caller (CONFIG_PRINTK_CALLER: "T123"
 * for a task, "C1" for a CPU) kept when the input carries them.
 */
export interface DecodedLine {
  text: string;
  /** syslog level 0 (emerg) .. 7 (debug), when the input form says it. */
  level?: number;
  /** printk caller id ("T123" or "C1"), when printed. */
  ctx?: string;
  /** Monotonic seconds since boot from a "[  123.456789]" or kmsg header, when present. */
  ts_s?: number;
  /** True for /dev/kmsg dictionary lines (" SUBSYSTEM=pci"): not log text. */
  dict?: boolean;
}

// Escape sequences a serial console carries: CSI (colours, cursor moves), OSC, charset selection,
// and the bare "ESC c" reset SeaBIOS prints.
const ANSI_RE = /\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][A-Za-z0-9]|[@-Z\\-_])/g;
// Other C0 controls except tab; a console log may hold NULs or bells from firmware.
const CTRL_RE = /[\x00-\x08\x0b-\x1f\x7f]/g;

// /dev/kmsg record: PRI,SEQ,TS_USEC,FLAGS[,more];text
const KMSG_RE = /^(\d{1,4}),(\d{1,20}),(\d{1,20}),[^;]{0,200};/;
// syslog-style "<6>" level prefix (dmesg -r, /proc/kmsg, netconsole).
const SYSLOG_PRI_RE = /^<(\d{1,3})>/;
// dmesg --decode / -x: "kern  :err   : text"
const DMESG_DECODE_RE =
  /^(kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7])\s*:\s*(emerg|alert|crit|err|warn|notice|info|debug)\s*: ?/;
const LEVEL_BY_NAME: Record<string, number> = { emerg: 0, alert: 1, crit: 2, err: 3, warn: 4, notice: 5, info: 6, debug: 7 };
// journalctl -k (short, short-iso, short-precise, short-monotonic) and classic syslog files:
// "Nov 24 19:30:00 host kernel: text", "2026-11-24T19:30:00+0000 host kernel: text",
// "[  123.456789] host kernel: text".
const JOURNAL_RE =
  /^(?:[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d(?:\.\d+)?|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?|\[\s*\d+\.\d+\]) \S+ kernel: ?/;
// dmesg --time-format=iso: "2026-11-24T19:34:09,989425+00:00 text"
const ISO_TS_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[,.]\d+(?:Z|[+-]\d\d:?\d\d) /;
// Console timestamp "[   12.345678]" optionally followed by the caller "[T123]"/"[ C1]".
// dmesg -T: "[Mon Nov 24 19:30:00 2026] "
const TS_HUMAN_RE = /^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d \d{4}\] ?/;
// Console noise syzkaller also strips: "** 12 printk messages dropped ** " glued to the next line.
const DROPPED_RE = /^\*\* \d+ printk messages dropped \*\* ?/;

const HOST_RE = /^[\w.-]+$/;

/**
 * Parses a console timestamp "[  123.456789]" with an optional caller "[T123]"/"[ C1]" and one
 * space at s[i] (hand-written: this runs on every line). Sets ts_s/ctx; returns the index after it,
 * or -1.
 */
function consoleTimestamp(s: string, i: number, out: DecodedLine): number {
  const n = s.length;
  let j = i + 1;
  while (j < n && s.charCodeAt(j) === 32) j++;
  const a = j;
  let secs = 0;
  let c = 0;
  while (j < n && (c = s.charCodeAt(j)) >= 48 && c <= 57) {
    secs = secs * 10 + (c - 48);
    j++;
  }
  if (j === a || j >= n || c !== 46 /* . */) return -1;
  j++;
  const f = j;
  let frac = 0;
  let scale = 1;
  while (j < n && (c = s.charCodeAt(j)) >= 48 && c <= 57) {
    frac = frac * 10 + (c - 48);
    scale *= 10;
    j++;
  }
  if (j === f || j >= n || c !== 93 /* ] */) return -1;
  out.ts_s = secs + frac / scale;
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
        out.ctx = s.slice(b, k);
        j = k + 1;
      }
    }
  }
  if (j < n && s.charCodeAt(j) === 32) j++;
  return j;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * The text after a console timestamp that is not at the start of the line, or the line itself: a
 * serial console mixes the kernel's lines with user-space output that has no newline of its own
 * ("syzkaller login: [   16.305150] INFO: ..."). Only "[  N.NNNNNN]" with six decimals counts.
 */
function afterInnerTimestamp(s: string, out: DecodedLine): string {
  let i = s.indexOf('[', 1);
  for (let tries = 0; i > 0 && tries < 4; tries++) {
    const end = consoleTimestamp(s, i, out);
    if (end > 0 && s.charCodeAt(s.indexOf(']', i) - 7) === 46) return s.slice(end);
    out.ts_s = undefined;
    out.ctx = undefined;
    i = s.indexOf('[', i + 1);
  }
  return s;
}

/** Decodes one raw line (without its newline). Never throws. */
export function decodeLine(raw: string): DecodedLine {
  return decodeInto(raw, { text: '', level: undefined, ctx: undefined, ts_s: undefined, dict: undefined });
}

/**
 * decodeLine into a caller-owned object (all fields overwritten), so a whole-log pass allocates
 * no object per line.
 */
export function decodeInto(raw: string, out: DecodedLine): DecodedLine {
  let s = raw;
  if (s.length && s.charCodeAt(s.length - 1) === 13) s = s.slice(0, -1);
  // Escapes and stray control bytes come from serial consoles (firmware, getty), always with ESC.
  if (s.indexOf('\x1b') >= 0) s = s.replace(ANSI_RE, '').replace(CTRL_RE, '');
  else if (s.charCodeAt(0) === 0) s = s.replace(CTRL_RE, '');
  out.text = s;
  out.level = undefined;
  out.ctx = undefined;
  out.ts_s = undefined;
  out.dict = undefined;
  const c0 = s.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) {
    const m = KMSG_RE.exec(s);
    if (m) {
      const pri = Number(m[1]);
      out.level = pri & 7;
      out.ts_s = Number(m[3]) / 1e6;
      const caller = /,caller=([CT]\d+)/.exec(s.slice(0, m[0].length));
      if (caller) out.ctx = caller[1];
      out.text = unescapeKmsg(s.slice(m[0].length));
      return out;
    }
    const j = JOURNAL_RE.exec(s);
    if (j) s = s.slice(j[0].length);
    else {
      const iso = ISO_TS_RE.exec(s);
      if (iso) s = s.slice(iso[0].length);
    }
  } else if (c0 === 32 && /^ [A-Z_]+=/.test(s) && !/^ {2}/.test(s)) {
    // Possible kmsg dictionary line; the caller decides (only valid right after a kmsg record).
    out.dict = true;
  } else if (c0 === 60 /* < */) {
    const p = SYSLOG_PRI_RE.exec(s);
    if (p) {
      out.level = Number(p[1]) & 7;
      s = s.slice(p[0].length);
    }
  } else if (c0 >= 97 && c0 <= 117 /* a..u */) {
    const d = DMESG_DECODE_RE.exec(s);
    if (d) {
      out.level = LEVEL_BY_NAME[d[2]];
      s = s.slice(d[0].length);
    }
  } else if (c0 >= 65 && c0 <= 90 /* A..Z */) {
    const j = JOURNAL_RE.exec(s);
    if (j) s = s.slice(j[0].length);
  }
  if (s.charCodeAt(0) === 91 /* [ */) {
    const end = consoleTimestamp(s, 0, out);
    if (end > 0) {
      s = s.slice(end);
      // journalctl -o short-monotonic puts the host and "kernel:" after the timestamp.
      const sp = s.indexOf(' ');
      if (sp > 0 && s.startsWith(' kernel: ', sp) && HOST_RE.test(s.slice(0, sp))) s = s.slice(sp + 9);
    } else {
      const h = TS_HUMAN_RE.exec(s);
      if (h) s = s.slice(h[0].length);
    }
  }
  if (out.ts_s === undefined && out.level === undefined) s = afterInnerTimestamp(s, out);
  if (s.charCodeAt(0) === 42 /* * */ && DROPPED_RE.test(s)) s = s.replace(DROPPED_RE, '');
  out.text = s;
  return out;
}
