import type { Log2Bucket } from '../events.js';

// Log2 histogram with bpftrace's bucket edges: slot 0 holds 0, slot i >= 1 holds [2^(i-1), 2^i - 1].
// 64 slots cover every u64, so memory never grows with the data.
export const LOG2_SLOTS = 64;

export type Log2Hist = number[];

export function emptyHist(): Log2Hist {
  return new Array<number>(LOG2_SLOTS).fill(0);
}

export function slotOf(value: number): number {
  if (value <= 0) return 0;
  return Math.min(LOG2_SLOTS - 1, Math.floor(Math.log2(value)) + 1);
}

export function slotMin(slot: number): number {
  return slot === 0 ? 0 : 2 ** (slot - 1);
}

export function slotMax(slot: number): number {
  return slot === 0 ? 0 : 2 ** slot - 1;
}

/** Adds bpftrace hist buckets into h. Negative-value buckets (no min) are counted in slot 0. */
export function addBuckets(h: Log2Hist, buckets: readonly Log2Bucket[]): void {
  for (const b of buckets) {
    if (!(b.count > 0)) continue;
    const slot = typeof b.min === 'number' ? slotOf(b.min) : 0;
    h[slot] += b.count;
  }
}

export function addValue(h: Log2Hist, value: number, count = 1): void {
  h[slotOf(value)] += count;
}

export function histTotal(h: Log2Hist): number {
  let n = 0;
  for (const c of h) n += c;
  return n;
}

/**
 * The p-th quantile (0..1) as the inclusive upper edge of the bucket that holds it: a log2 histogram
 * cannot say more, and the upper edge never understates a latency.
 */
export function quantile(h: Log2Hist, p: number): number | null {
  const total = histTotal(h);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (let i = 0; i < h.length; i++) {
    seen += h[i];
    if (seen >= rank) return slotMax(i);
  }
  return slotMax(h.length - 1);
}

/** Non-empty span of the histogram as buckets, first to last non-zero slot, zeros kept in between. */
export function toBuckets(h: Log2Hist): Log2Bucket[] {
  let first = -1;
  let last = -1;
  for (let i = 0; i < h.length; i++) {
    if (h[i] > 0) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0) return [];
  const out: Log2Bucket[] = [];
  for (let i = first; i <= last; i++) out.push({ min: slotMin(i), max: slotMax(i), count: h[i] });
  return out;
}
