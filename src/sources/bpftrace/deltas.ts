import type { Log2Bucket } from '../../events.js';
import type { MapValue } from './decoders.js';

/** A map's value as counts by key: a scalar under '', histogram buckets by their range. */
type Counts = Map<string, number>;

const bucketKey = (b: Log2Bucket): string => `${b.min}:${b.max}`;

function countsOf(v: MapValue): Counts {
  if (typeof v === 'number') return new Map([['', v]]);
  if (Array.isArray(v)) return new Map(v.map((b) => [bucketKey(b), b.count]));
  return new Map(Object.entries(v));
}

/**
 * Per-second differences of running totals (maps the program prints and never clears). A map whose
 * value went down, or that lost a key it had, was cleared or recreated (a new bpftrace child): it is
 * counted again from zero, so a difference is never negative. Keys and buckets that did not change
 * are left out; a map with no change at all reads as not printed (null), as a cleared map would.
 */
export class RunningTotals {
  private last = new Map<string, Counts>();

  /** Forgets every total: the next value of each map counts from zero. */
  reset(): void {
    this.last.clear();
  }

  difference(name: string, value: MapValue): MapValue | null {
    const now = countsOf(value);
    const before = this.last.get(name) ?? new Map<string, number>();
    this.last.set(name, now);
    let restarted = false;
    for (const [k, n] of before) if ((now.get(k) ?? -1) < n) restarted = true;
    const diff = (k: string, n: number) => (restarted ? n : n - (before.get(k) ?? 0));
    if (typeof value === 'number') {
      const d = diff('', value);
      return d === 0 ? null : d;
    }
    if (Array.isArray(value)) {
      const buckets = value.map((b) => ({ ...b, count: diff(bucketKey(b), b.count) })).filter((b) => b.count > 0);
      return buckets.length ? buckets : null;
    }
    const out: Record<string, number> = {};
    for (const [k, n] of Object.entries(value)) {
      const d = diff(k, n);
      if (d > 0) out[k] = d;
    }
    return Object.keys(out).length ? out : null;
  }
}
