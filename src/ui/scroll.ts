// Scrolling of the stream panes (events, kernel log). Following keeps the newest line at the bottom;
// once the user scrolls up, the view is anchored to a line, so new lines arriving below it do not
// move what they are reading.
import type { Key } from 'ink';

export interface StreamScroll {
  follow: boolean;
  /** Id of the bottom visible line when not following. */
  anchor: string | null;
}

export const FOLLOW: StreamScroll = { follow: true, anchor: null };

export type ScrollMove = 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end';

/** The scroll a key asks for, if any (arrows, PgUp, PgDn, Home, End). */
export function keyMove(key: Pick<Key, 'upArrow' | 'downArrow' | 'pageUp' | 'pageDown' | 'home' | 'end'>): ScrollMove | null {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.pageUp) return 'pageUp';
  if (key.pageDown) return 'pageDown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  return null;
}

export interface StreamWindow<T> {
  visible: T[];
  /** Lines above and below the window. */
  above: number;
  below: number;
}

function endOf<T>(items: readonly T[], idOf: (t: T) => string, s: StreamScroll, height: number): number {
  const n = items.length;
  if (s.follow || s.anchor === null) return n;
  const i = items.findIndex((t) => idOf(t) === s.anchor);
  // The anchored line scrolled out of the ring: stay at the top.
  const end = i >= 0 ? i + 1 : Math.min(n, height);
  return Math.max(Math.min(n, height), end);
}

export function streamWindow<T>(items: readonly T[], idOf: (t: T) => string, s: StreamScroll, height: number): StreamWindow<T> {
  const end = endOf(items, idOf, s, height);
  const start = Math.max(0, end - Math.max(0, height));
  return { visible: items.slice(start, end), above: start, below: items.length - end };
}

export function streamMove<T>(
  items: readonly T[],
  idOf: (t: T) => string,
  s: StreamScroll,
  height: number,
  move: ScrollMove,
): StreamScroll {
  const n = items.length;
  if (n === 0 || move === 'end') return FOLLOW;
  const page = Math.max(1, height - 1);
  let last = endOf(items, idOf, s, height) - 1;
  if (move === 'up') last -= 1;
  else if (move === 'down') last += 1;
  else if (move === 'pageUp') last -= page;
  else if (move === 'pageDown') last += page;
  else if (move === 'home') last = 0;
  last = Math.max(Math.min(n, height) - 1, Math.min(n - 1, last));
  if (last >= n - 1) return FOLLOW;
  return { follow: false, anchor: idOf(items[last]) };
}

/** Top offset of a pane that shows a list from its start (summary, histogram, probes, help). */
export function offsetMove(offset: number, total: number, height: number, move: ScrollMove): number {
  const max = Math.max(0, total - height);
  const page = Math.max(1, height - 1);
  const next =
    move === 'up'
      ? offset - 1
      : move === 'down'
        ? offset + 1
        : move === 'pageUp'
          ? offset - page
          : move === 'pageDown'
            ? offset + page
            : move === 'home'
              ? 0
              : max;
  return Math.max(0, Math.min(max, next));
}
