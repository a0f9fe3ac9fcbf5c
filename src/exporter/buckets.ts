import { LOG2_SLOTS, slotMax, type Log2Hist } from '../store/histogram.js';
import type { Sample } from './sample.js';

/**
 * Buckets exported per latency histogram: log2 slots 0..26, upper edges 0, 1, 3, ... 2^26-1 us
 * (67 s), then +Inf. A fixed set, so every scrape has the same series. Each le is the slot's
 * inclusive upper edge (bpftrace's slot n holds integer microseconds 2^(n-1) .. 2^n-1), so
 * histogram_quantile lands in the same slot as the quiet summary's percentiles.
 */
export const EXPORTED_SLOTS = 27;

/** le label value of a slot, in seconds. */
export function leOf(slot: number): string {
  return String(slotMax(slot) / 1e6);
}

// Label objects made once: a scrape allocates only what changes.
const LE_LABELS = Array.from({ length: EXPORTED_SLOTS }, (_, i) => Object.freeze({ le: leOf(i) }));
const INF_LABELS = Object.freeze({ le: '+Inf' });

/** Cumulative bucket samples (_bucket per le, +Inf, _count) of a store histogram; zeros when none. */
export function cumulativeBuckets(h: Log2Hist | null): Sample[] {
  const out: Sample[] = [];
  let acc = 0;
  for (let i = 0; i < EXPORTED_SLOTS; i++) {
    acc += h ? h[i] : 0;
    out.push({ suffix: '_bucket', labels: LE_LABELS[i], value: acc });
  }
  for (let i = EXPORTED_SLOTS; h && i < LOG2_SLOTS; i++) acc += h[i];
  out.push({ suffix: '_bucket', labels: INF_LABELS, value: acc });
  out.push({ suffix: '_count', value: acc });
  return out;
}
