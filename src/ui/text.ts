import stringWidth from 'string-width';

// Every line the UI draws is cut to its cell width here, so nothing ever wraps into the next line.

// C0/C1 controls and ESC would move the cursor or change colours on the user's terminal: kernel text
// and process names are data, never escape sequences.

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function sanitize(s: string): string {
  return s.replace(/\t/g, ' ').replace(/\r?\n/g, ' ⏎ ').replace(CONTROL, '?');
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7e) return false;
  return true;
}

export function width(s: string): number {
  return isAscii(s) ? s.length : stringWidth(s);
}

/** s cut to at most w cells; an ellipsis marks the cut when there is room for one. */
export function truncate(s: string, w: number, ellipsis = '…'): string {
  if (w <= 0) return '';
  if (width(s) <= w) return s;
  if (isAscii(s) && isAscii(ellipsis)) return w <= ellipsis.length ? s.slice(0, w) : s.slice(0, w - ellipsis.length) + ellipsis;
  const ew = width(ellipsis);
  const room = w > ew ? w - ew : w;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const cw = stringWidth(ch);
    if (used + cw > room) break;
    out += ch;
    used += cw;
  }
  return w > ew ? out + ellipsis : out;
}

/** Exactly w cells: cut, then padded on the right (or left for numbers). */
export function fit(s: string, w: number, align: 'left' | 'right' = 'left', ellipsis = '…'): string {
  const t = truncate(s, w, ellipsis);
  const pad = ' '.repeat(Math.max(0, w - width(t)));
  return align === 'right' ? pad + t : t + pad;
}

/** Latency in µs as a person reads it: 850us, 12.3ms, 4.20s. */
export function formatUs(us: number | null | undefined): string {
  if (us === null || us === undefined || !Number.isFinite(us)) return '-';
  if (us < 1000) return `${Math.round(us)}us`;
  if (us < 1_000_000) {
    const ms = us / 1000;
    return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)}ms`;
  }
  const s = us / 1_000_000;
  return `${s < 10 ? s.toFixed(2) : s < 100 ? s.toFixed(1) : Math.round(s)}s`;
}

/** Short label of a log2 bucket's lower edge: 0, 1, 512, 1K, 64K, 2M (µs, powers of two). */
export function formatPow2(n: number): string {
  if (n < 1024) return String(n);
  if (n < 1024 * 1024) return `${n / 1024}K`;
  if (n < 1024 ** 3) return `${n / 1024 ** 2}M`;
  return `${n / 1024 ** 3}G`;
}

/** Counts with SI suffixes so columns stay narrow: 999, 12.3k, 4.5M. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '-';
  const a = Math.abs(n);
  if (a < 10_000) return Number.isInteger(n) ? String(n) : n.toFixed(1);
  if (a < 1_000_000) return `${(n / 1000).toFixed(a < 100_000 ? 1 : 0)}k`;
  if (a < 1_000_000_000) return `${(n / 1_000_000).toFixed(a < 100_000_000 ? 1 : 0)}M`;
  return `${(n / 1_000_000_000).toFixed(1)}G`;
}

export function formatRate(perS: number): string {
  if (!Number.isFinite(perS) || perS === 0) return '0';
  if (perS < 10) return perS.toFixed(1);
  return formatCount(Math.round(perS));
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Local wall-clock time HH:MM:SS. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** Durations as uptime prints them, two units at most: 45s, 12m05s, 3h12m, 4d07h. */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '-';
  s = Math.floor(s);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${pad2(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${pad2(m % 60)}m`;
  return `${Math.floor(h / 24)}d${pad2(h % 24)}h`;
}
