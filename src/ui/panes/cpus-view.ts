import type { ScrollMove } from '../scroll.js';
import type { Snapshot } from '../snapshot.js';
import type { CpuRow } from '../../store/cpus-select.js';

/**
 * The snapshot the histogram pane sees: with a CPU chosen in the cpus pane, that CPU's run-queue
 * ("cpuN") and RT wakeup ("cpuN-rt") histograms join the families it can show.
 */
export function cpuHistView(s: Snapshot, cpu: number | null): Snapshot {
  if (cpu === null) return s;
  const extra: Snapshot['histograms'] = {};
  for (const k of [`cpu${cpu}`, `cpu${cpu}-rt`]) if (s.cpuHistograms[k]) extra[k] = s.cpuHistograms[k];
  return Object.keys(extra).length ? { ...s, histograms: { ...s.histograms, ...extra } } : s;
}

/** Up/down (and PgUp/PgDn, Home/End) move the chosen CPU through the rows as listed. */
export function cpuMove(rows: readonly CpuRow[], cur: number | null, move: ScrollMove): number | null {
  if (rows.length === 0) return cur;
  // Nothing chosen yet shows the first row as chosen: moving starts from there.
  const i = Math.max(
    0,
    rows.findIndex((r) => r.cpu === cur),
  );
  const step = { up: -1, down: 1, pageUp: -10, pageDown: 10, home: -Infinity, end: Infinity }[move];
  const j = Math.max(0, Math.min(rows.length - 1, i + step));
  return rows[j].cpu;
}

/** What the cpus pane says while it has no rows. */
export function cpuPaneWhy(s: Snapshot): string | undefined {
  const p = s.probes.find((x) => x.family === 'noise');
  if (!p) return 'per-CPU figures come from the noise family: run with --probes +noise (or --cpus LIST)';
  if (p.state === 'SKIPPED' || p.state === 'FAILED') return `noise ${p.state}: ${p.reason ?? ''}`;
  return undefined;
}

/** The full screen shows the cpus pane only where the noise family runs (or a recording has its figures). */
export function cpusPaneShown(s: Snapshot): boolean {
  const p = s.probes.find((x) => x.family === 'noise');
  return s.cpus.length > 0 && ((p !== undefined && p.state !== 'SKIPPED') || Object.keys(s.cpuHistograms).length > 0);
}
