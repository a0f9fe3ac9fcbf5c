import type { Style } from './theme.js';
import { width } from './text.js';

/** A piece of a one-line bar (header, footer): dropped whole, lowest priority first, when the line is short. */
export interface Segment {
  text: string;
  /** 1 is kept longest. */
  priority: number;
  style?: Style;
}

/** The segments that fit in `total` cells with `gap` between them, in their original order. */
export function fitSegments(segments: readonly Segment[], total: number, gap = 2): Segment[] {
  const order = segments.map((s, i) => ({ s, i })).sort((a, b) => a.s.priority - b.s.priority || a.i - b.i);
  const keep = new Set<number>();
  let used = 0;
  for (const { s, i } of order) {
    const w = width(s.text) + (keep.size > 0 ? gap : 0);
    if (used + w > total) continue;
    keep.add(i);
    used += w;
  }
  return segments.filter((_, i) => keep.has(i));
}
