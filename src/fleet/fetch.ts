// One refresh of the fleet: the node series and the fixed set of instant queries, in parallel.
import { fleetQueries, nodeSeriesMatch, type InstantQuery, type QueryOptions } from './queries.js';
import { PrometheusError, type Prometheus } from './prometheus.js';
import { buildRows, fleetMedians, type Answers, type FleetMedians, type NodeRow } from './rows.js';

export interface FleetOptions extends QueryOptions {
  staleAfterS: number;
  lookbackS: number;
  nodeLabel: string;
  stragglerFactor: number;
}

export interface FleetSnapshot {
  /** Evaluation time (Unix s). */
  time_s: number;
  rows: NodeRow[];
  medians: FleetMedians;
  /** HTTP requests this refresh made. */
  requests: number;
  /** Why there are no rows, when there are none. */
  empty_reason: string | null;
}

/** Throws PrometheusError when Prometheus cannot be asked (unreachable, not Prometheus, refused). */
export async function fetchFleet(p: Prometheus, o: FleetOptions, nowS = Date.now() / 1000): Promise<FleetSnapshot> {
  const before = p.requests;
  const q = fleetQueries(o);
  const names = Object.keys(q) as InstantQuery[];
  const [series, ...answers] = await Promise.all([
    p.series(nodeSeriesMatch(o), nowS - o.lookbackS, nowS),
    ...names.map((n) => p.query(q[n], nowS)),
  ]);
  const a = Object.fromEntries(names.map((n, i) => [n, answers[i]])) as Answers;
  const rows = buildRows(series, a, {
    nowS,
    staleAfterS: o.staleAfterS,
    nodeLabel: o.nodeLabel,
    stragglerFactor: o.stragglerFactor,
  });
  const sel = o.matchers.length ? `{${o.matchers.join(',')}}` : '';
  return {
    time_s: nowS,
    rows,
    medians: fleetMedians(rows),
    requests: p.requests - before,
    empty_reason: rows.length
      ? null
      : `no kerntop exporter matches ${sel || 'any selector'} in the last ${o.lookback}: no series kerntop_build_info${sel}. Check --selector (label names and values as Prometheus has them) and that Prometheus scrapes the exporters.`,
  };
}

export { PrometheusError };

/** PromQL durations as --window and --lookback take them (5m, 90s, 1h). */
export function durationSeconds(d: string, what: string): number {
  const m = /^(\d+)(ms|s|m|h|d|w)$/.exec(d.trim());
  if (!m) throw new Error(`${what} must be a duration like 90s, 5m or 1h (got ${JSON.stringify(d)})`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd' | 'w'];
  const s = Number(m[1]) * unit;
  if (!(s > 0)) throw new Error(`${what} must be more than zero (got ${JSON.stringify(d)})`);
  return s;
}
