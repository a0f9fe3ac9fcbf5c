import { truncate, width } from './text.js';
import type { Style, Theme } from './theme.js';

// Labelled result lines, as the job windows show a verdict or a summary: a label, a value that may
// take several rows, and a tone the theme colours.

export type Tone = 'ok' | 'warn' | 'bad' | 'plain' | 'dim';

export interface ResultLine {
  label: string;
  value: string;
  tone: Tone;
}

export function toneStyle(theme: Theme, tone: Tone): Style {
  switch (tone) {
    case 'ok':
      return theme.status('OK');
    case 'warn':
      return theme.status('WARNING');
    case 'bad':
      return theme.status('CRITICAL');
    case 'dim':
      return theme.dim;
    default:
      return {};
  }
}

/**
 * A value in rows of at most `w` cells, broken after a space or a slash where one falls in the
 * second half of a row (paths stay readable), at most `maxRows` rows, the last one cut. The log's
 * path and the archive's are what a person copies from here: cutting them would lose their end.
 */
export function wrapCells(s: string, w: number, maxRows = 4, ellipsis = '…'): string[] {
  if (w <= 0) return [''];
  if (width(s) <= w) return [s];
  // Wide or combining characters: one cut row, measured by truncate.
  if (!/^[\x20-\x7e]*$/.test(s)) return [truncate(s, w, ellipsis)];
  const rows: string[] = [];
  let rest = s;
  while (rest.length > w && rows.length < maxRows - 1) {
    const win = rest.slice(0, w);
    const at = Math.max(win.lastIndexOf(' '), win.lastIndexOf('/'));
    const cut = at >= w / 2 ? at + 1 : w;
    rows.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^ +/, '');
  }
  rows.push(truncate(rest, w, ellipsis));
  return rows;
}

/** Labelled lines as screen rows: the label on the first row of each value, blank under it. */
export function labelledRows(lines: readonly ResultLine[], valueW: number, maxRows = 4, ellipsis = '…'): ResultLine[] {
  return lines.flatMap((l) =>
    wrapCells(l.value, valueW, maxRows, ellipsis).map((value, i) => ({ label: i === 0 ? l.label : '', value, tone: l.tone })),
  );
}
