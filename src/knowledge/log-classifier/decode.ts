import { isKmsgDictLine } from '../kernel-log/kmsg-record.js';
import { consoleTimestamp, emptyPrefix, parseLogPrefixInto, type LogPrefix } from '../kernel-log/prefix.js';

/**
 * One input line reduced to the kernel's own text: serial-console clean-up (escapes, controls,
 * timestamps after user-space output, dropped-message notes) here, the dmesg, /dev/kmsg, syslog and
 * journalctl prefixes by the one prefix parser (knowledge/kernel-log/prefix.ts), with the log level
 * and printk caller (CONFIG_PRINTK_CALLER: "T123" for a task, "C1" for a CPU) kept when printed.
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

// Console noise syzkaller also strips: "** 12 printk messages dropped ** " glued to the next line.
const DROPPED_RE = /^\*\* \d+ printk messages dropped \*\* ?/;

/**
 * The text after a console timestamp that is not at the start of the line, or the line itself: a
 * serial console mixes the kernel's lines with user-space output that has no newline of its own
 * ("syzkaller login: [   16.305150] INFO: ..."). Only "[  N.NNNNNN]" with six decimals counts.
 */
function afterInnerTimestamp(s: string, out: DecodedLine): string {
  let i = s.indexOf('[', 1);
  for (let tries = 0; i > 0 && tries < 4; tries++) {
    const t = inner;
    t.ts_us = t.caller = undefined;
    const end = consoleTimestamp(s, i, t);
    if (end > 0 && s.charCodeAt(s.indexOf(']', i) - 7) === 46) {
      out.ts_s = t.ts_us! / 1e6;
      out.ctx = t.caller;
      return s.slice(end);
    }
    i = s.indexOf('[', i + 1);
  }
  return s;
}

/** Decodes one raw line (without its newline). Never throws. */
export function decodeLine(raw: string): DecodedLine {
  return decodeInto(raw, { text: '', level: undefined, ctx: undefined, ts_s: undefined, dict: undefined });
}

/** The prefix parser's scratch objects: decodeInto runs once per line of a log, one at a time. */
const prefix: LogPrefix = emptyPrefix();
const inner: { ts_us?: number; caller?: string } = { ts_us: undefined, caller: undefined };

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
  const p = parseLogPrefixInto(s, prefix);
  out.level = p.level;
  out.ctx = p.caller;
  out.ts_s = p.ts_us === undefined ? undefined : p.ts_us / 1e6;
  // Possible kmsg dictionary line; the caller decides (only valid right after a kmsg record).
  out.dict = p.form === 'plain' && s.charCodeAt(0) === 32 && isKmsgDictLine(s) ? true : undefined;
  s = p.text;
  if (p.form === 'kmsg') {
    out.text = s;
    return out;
  }
  if (out.ts_s === undefined && out.level === undefined) s = afterInnerTimestamp(s, out);
  if (s.charCodeAt(0) === 42 /* * */ && DROPPED_RE.test(s)) s = s.replace(DROPPED_RE, '');
  out.text = s;
  return out;
}
