import type { KmsgRecord } from '../../events.js';
import { facilityName, levelName } from '../../knowledge/kernel-log/levels.js';

/** The --json form of a record: fixed key order, absent fields omitted. */
export function recordJson(
  r: KmsgRecord & { extra?: Record<string, string>; dict?: Record<string, string> },
  source?: string,
): string {
  const o: Record<string, unknown> = { seq: r.seq, ts_us: r.ts_us };
  if (r.wall !== undefined) o.wall = r.wall;
  o.level = r.level;
  o.facility = r.facility;
  o.flags = r.flags;
  o.text = r.text;
  if (r.subsystem !== undefined) o.subsystem = r.subsystem;
  if (r.device !== undefined) o.device = r.device;
  if (r.caller !== undefined) o.caller = r.caller;
  if (r.extra) o.extra = r.extra;
  if (r.dict) o.dict = r.dict;
  if (r.arrival_ms !== undefined) o.arrival_ms = r.arrival_ms;
  if (source) o.source = source;
  return JSON.stringify(o);
}

/** `[    1.321390] ts kern.info  text`, dmesg's seconds column first; later lines of a multi-line text indented. */
export function recordText(r: KmsgRecord): string {
  const sec = Math.floor(r.ts_us / 1e6);
  const us = String(r.ts_us % 1e6).padStart(6, '0');
  const stamp = `[${String(sec).padStart(5, ' ')}.${us}]`;
  const wall = r.wall ? ` ${r.wall.slice(0, 23).replace('T', ' ')}` : '';
  const pri = `${facilityName(r.facility)}.${levelName(r.level)}`.padEnd(11);
  const head = `${stamp}${wall} ${pri} `;
  const lines = r.text.split('\n');
  const dev = r.device || r.subsystem ? `  [${[r.subsystem, r.device].filter(Boolean).join(' ')}]` : '';
  return (
    head +
    lines[0] +
    (lines.length === 1 ? dev : '') +
    lines
      .slice(1)
      .map((l, i) => `\n${' '.repeat(head.length)}${l}${i === lines.length - 2 ? dev : ''}`)
      .join('')
  );
}

/** C0 controls but newline and tab, DEL, and C1 controls (some terminals take U+009B as CSI). */
const CONTROL_RE = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * For a terminal: every control character as \xNN hex escapes of its UTF-8 bytes, as util-linux
 * dmesg prints them, so a crafted log line cannot retitle, clear or move the user's terminal.
 * Newlines and tabs are layout and stay; so does everything printable.
 */
export function escapeControls(s: string): string {
  return s.replace(CONTROL_RE, (c) => [...Buffer.from(c, 'utf8')].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join(''));
}
