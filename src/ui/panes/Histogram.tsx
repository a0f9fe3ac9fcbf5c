import React from 'react';
import { Text } from 'ink';
import type { Log2Bucket } from '../../events.js';
import { PROBE_FAMILIES } from '../../events.js';
import type { Snapshot } from '../snapshot.js';
import { fit, formatCount, formatPow2, formatUs, truncate } from '../text.js';
import { useTheme, type Glyphs } from '../theme.js';

/** Families the histogram pane can show, in the order 1-7 and left/right walk them. */
export function histFamilies(s: Snapshot): string[] {
  const out: string[] = [...PROBE_FAMILIES];
  for (const k of Object.keys(s.histograms)) if (!out.includes(k)) out.push(k);
  return out;
}

/** The family shown: the user's choice, else the first one with a latency histogram. */
export function shownFamily(s: Snapshot, chosen: string | null): string {
  if (chosen) return chosen;
  return histFamilies(s).find((f) => s.histograms[f]?.length) ?? PROBE_FAMILIES[0];
}

/** A bar of `cells` whole cells plus a partial cell, `frac` of `width` cells long. */
export function bar(frac: number, width: number, g: Glyphs): string {
  if (!(frac > 0) || width <= 0) return '';
  const eighths = Math.max(1, Math.round(Math.min(1, frac) * width * 8));
  const whole = Math.floor(eighths / 8);
  const rest = eighths % 8;
  let s = g.bar.repeat(whole);
  if (rest > 0 && whole < width) s += g.partials.length > 0 ? g.partials[rest - 1] : rest >= 4 ? g.bar : '';
  if (s === '') s = g.partials[0] ?? g.bar;
  return s;
}

/** "[256, 512)": bpftrace's notation, powers of two shortened (K = 1024). */
export function bucketLabel(b: Log2Bucket): string {
  return b.min === 0 && b.max === 0 ? '0' : `[${formatPow2(b.min)}, ${formatPow2(b.max + 1)})`;
}

/** The first bucket window to show when the pane is shorter than the histogram: keeps p50 and p99 in view. */
export function defaultHistStart(buckets: Log2Bucket[], p50: number | null, p99: number | null, rows: number): number {
  const n = buckets.length;
  if (n <= rows) return 0;
  const i99 = p99 === null ? n - 1 : buckets.findIndex((b) => b.max === p99);
  const i50 = p50 === null ? 0 : buckets.findIndex((b) => b.max === p50);
  let start = Math.max(0, Math.min(n - rows, (i99 < 0 ? n - 1 : i99) + 2 - rows));
  if (i50 >= 0 && i50 < start) start = i50;
  return start;
}

export interface HistogramProps {
  snapshot: Snapshot;
  family: string;
  width: number;
  height: number;
  /** Top bucket when the user scrolled; null keeps p50..p99 in view. */
  offset: number | null;
}

/** Memoised: re-renders only when its own props change. */
export const Histogram = React.memo(function Histogram({ snapshot, family, width, height, offset }: HistogramProps) {
  const theme = useTheme();
  const g = theme.glyphs;
  const fams = histFamilies(snapshot);
  const buckets = snapshot.histograms[family] ?? [];
  const row = snapshot.subsystems.find((r) => r.name === family);
  const p50 = row?.p50_us ?? null;
  const p99 = row?.p99_us ?? null;
  const tabs = height >= 5;
  const rows = Math.max(0, height - (tabs ? 1 : 0));
  const tabLine = tabs ? (
    <Text wrap="truncate">
      {fams.slice(0, 9).map((f, i) => {
        const sel = f === family;
        const has = (snapshot.histograms[f]?.length ?? 0) > 0;
        return (
          <React.Fragment key={f}>
            {i > 0 ? ' ' : ''}
            <Text inverse={sel} bold={sel} dimColor={!sel && !has}>{`${i + 1} ${f}`}</Text>
          </React.Fragment>
        );
      })}
    </Text>
  ) : null;
  if (buckets.length === 0) {
    const why = row && row.events > 0 ? `${family} counts events, it has no latencies` : `no latency data for ${family}`;
    return (
      <>
        {tabLine}
        <Text dimColor>{truncate(why, width, g.ellipsis)}</Text>
      </>
    );
  }
  const start =
    offset === null ? defaultHistStart(buckets, p50, p99, rows) : Math.max(0, Math.min(offset, buckets.length - rows));
  const shown = buckets.slice(start, start + rows);
  const labelW = Math.max(...buckets.map((b) => bucketLabel(b).length));
  const countW = Math.max(...buckets.map((b) => formatCount(b.count).length));
  const markW = 8;
  const barW = Math.max(1, width - labelW - countW - markW - 3);
  const maxCount = Math.max(...buckets.map((b) => b.count));
  return (
    <>
      {tabLine}
      {shown.map((b) => {
        const marks = [b.max === p50 ? 'p50' : '', b.max === p99 ? 'p99' : ''].filter(Boolean).join(',');
        const isMark = marks !== '';
        return (
          <Text key={b.min} wrap="truncate">
            <Text dimColor={b.count === 0}>{fit(bucketLabel(b), labelW, 'right')} </Text>
            <Text {...(b.max === p99 ? theme.status(row?.status ?? 'OK') : theme.accent)}>
              {fit(bar(b.count / maxCount, barW, g), barW)}
            </Text>
            <Text> {fit(formatCount(b.count), countW, 'right')}</Text>
            <Text bold={isMark}>{isMark ? ` ${g.marker}${truncate(marks, markW - 2)}` : ''}</Text>
          </Text>
        );
      })}
      {rows > shown.length && p99 !== null && shown.length > 0 ? (
        <Text dimColor wrap="truncate">
          {truncate(
            `p50 ${formatUs(p50)}  p99 ${formatUs(p99)}  worst ${formatUs(row?.worst_us)}  (upper bucket edges, us)`,
            width,
            g.ellipsis,
          )}
        </Text>
      ) : null}
    </>
  );
});
