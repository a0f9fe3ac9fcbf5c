import type { Log2Bucket } from '../events.js';

/** A log2 histogram as bcc/bpftrace print it: one row per bucket, bars scaled to width. */
export function histogramLines(buckets: readonly Log2Bucket[], width = 40, unit = 'us'): string[] {
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const lo = (b: Log2Bucket) => String(b.min);
  const hi = (b: Log2Bucket) => String(b.max);
  const lw = Math.max(...buckets.map((b) => lo(b).length), 1);
  const hw = Math.max(...buckets.map((b) => hi(b).length), 1);
  const cw = Math.max(...buckets.map((b) => String(b.count).length), 5);
  return buckets.map((b) => {
    const bar = '@'.repeat(Math.round((b.count / max) * width));
    return `${lo(b).padStart(lw)} -> ${hi(b).padEnd(hw)} ${unit} : ${String(b.count).padStart(cw)} |${bar.padEnd(width)}|`;
  });
}
