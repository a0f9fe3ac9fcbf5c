import type { Log2Bucket } from '../../events.js';
import type { MapValue } from './decoders.js';

/** A map's value as counts by key: a scalar under '', histogram buckets by their range. */
type Counts = Map<string, number>;

const bucketKey = (b: Log2Bucket): string => `${b.min}:${b.max}`;
/** A bucket of a histogram kept per key (`@h[cpu] = hist(x)`): the key, then the bucket's range. */
const keyedBucketKey = (k: string, b: Log2Bucket): string => `${k}\u0000${bucketKey(b)}`;

function isKeyedHist(v: MapValue): v is Record<string, Log2Bucket[]> {
  return typeof v === 'object' && !Array.isArray(v) && Object.values(v).some((x) => Array.isArray(x));
}

function countsOf(v: MapValue): Counts {
  if (typeof v === 'number') return new Map([['', v]]);
  if (Array.isArray(v)) return new Map(v.map((b) => [bucketKey(b), b.count]));
  if (isKeyedHist(v))
    return new Map(Object.entries(v).flatMap(([k, bs]) => bs.map((b): [string, number] => [keyedBucketKey(k, b), b.count])));
  return new Map(Object.entries(v as Record<string, number>));
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
    if (isKeyedHist(value)) {
      const out: Record<string, Log2Bucket[]> = {};
      for (const [k, bs] of Object.entries(value)) {
        const buckets = bs.map((b) => ({ ...b, count: diff(keyedBucketKey(k, b), b.count) })).filter((b) => b.count > 0);
        if (buckets.length) out[k] = buckets;
      }
      return Object.keys(out).length ? out : null;
    }
    const out: Record<string, number> = {};
    for (const [k, n] of Object.entries(value as Record<string, number>)) {
      const d = diff(k, n);
      if (d > 0) out[k] = d;
    }
    return Object.keys(out).length ? out : null;
  }
}
