// The PromQL of the fleet view: a fixed set of queries per refresh, each over the whole fleet (by job
// and instance), so their number does not grow with the number of nodes. Metric names are the
// exporter's own (src/exporter/families.ts).
import { METRIC } from '../exporter/families.js';
import { DRAIN_OR_RESET_ACTIONS } from '../knowledge/xid/catalog.js';
import { withSelector } from './selector.js';

/** Labels that name one exporter (one node): every per-node aggregation keeps them. */
export const NODE_KEY = ['job', 'instance'] as const;
const BY = NODE_KEY.join(', ');

export interface QueryOptions {
  /** Label matchers from --selector. */
  matchers: readonly string[];
  /** Range of rate() for the latency quantiles and retransmits (PromQL duration: 5m). */
  window: string;
  /** How far back a node that stopped reporting is still listed (PromQL duration: 1h). */
  lookback: string;
}

export type InstantQuery =
  | 'last_sample'
  | 'last_seen'
  | 'up'
  | 'status'
  | 'runq_p99'
  | 'bio_p99'
  | 'oom_1h'
  | 'retrans_rate'
  | 'xid_1h'
  | 'log_1h'
  | 'probes_down';

/**
 * Counts of the last hour. A series born within the hour (the first Xid of a code on a GPU) counts
 * whole: increase() would miss its first sample. Older ones count their increase.
 */
function newInHour(metric: string): string {
  return `(((${metric} unless ${metric} offset 1h) > 0) or (increase(${metric}[1h]) > 0))`;
}

export function fleetQueries(o: QueryOptions): Record<InstantQuery, string> {
  const s = (m: string, extra: string[] = []) => withSelector(m, o.matchers, extra);
  const p99 = (m: string) => `histogram_quantile(0.99, sum by (${BY}, le) (rate(${s(`${m}_bucket`)}[${o.window}])))`;
  return {
    // The time of each node's latest sample (absent once Prometheus marked its series stale).
    last_sample: `timestamp(${s(METRIC.build_info)})`,
    // When a node was last seen within the lookback, for those that stopped (to 15 s).
    last_seen: `max by (${BY}) (max_over_time(timestamp(${s(METRIC.build_info)})[${o.lookback}:15s]))`,
    // Scrape health of the targets that served kerntop within the lookback (0: Prometheus cannot scrape it).
    up: `max by (${BY}) (${s('up')} and on (${BY}) last_over_time(${s(METRIC.build_info)}[${o.lookback}]))`,
    status: `${s(METRIC.subsystem_status)} == 1`,
    runq_p99: p99(METRIC.runq_latency_seconds),
    bio_p99: p99(METRIC.bio_latency_seconds),
    oom_1h: `sum by (${BY}) (increase(${s(METRIC.oom_kills_total)}[1h]))`,
    retrans_rate: `sum by (${BY}) (rate(${s(METRIC.tcp_retransmits_total)}[${o.window}]))`,
    xid_1h: `${newInHour(s(METRIC.xid_errors_total))} * on (${BY}, xid) group_left (name, class, action) ${s(METRIC.xid_catalog_info)}`,
    // The hour's counts per class, and (same request) the newest finding's title when its class is of the hour.
    log_1h: `(increase(${s(METRIC.kernel_log_findings_total)}[1h]) > 0) or (${s(METRIC.kernel_log_last_finding_timestamp_seconds)} and on (${BY}, class) (increase(${s(METRIC.kernel_log_findings_total)}[1h]) > 0))`,
    probes_down: `${s(METRIC.probe_state, ['state!="ATTACHED"'])} == 1`,
  };
}

/** The series whose label sets name the nodes (with their target labels), over the lookback. */
export function nodeSeriesMatch(o: QueryOptions): string {
  return withSelector(METRIC.build_info, o.matchers);
}

/** Range queries of one node's detail: p99s and event rates over the last hour. */
export function nodeHistoryQueries(o: QueryOptions, job: string, instance: string): Record<string, string> {
  const q = (v: string) => JSON.stringify(v);
  const node = [`job=${q(job)}`, `instance=${q(instance)}`];
  const s = (m: string) => withSelector(m, o.matchers, node);
  const p99 = (m: string) => `histogram_quantile(0.99, sum by (le) (rate(${s(`${m}_bucket`)}[${o.window}])))`;
  return {
    runq_p99_s: p99(METRIC.runq_latency_seconds),
    bio_p99_s: p99(METRIC.bio_latency_seconds),
    retrans_per_s: `sum(rate(${s(METRIC.tcp_retransmits_total)}[${o.window}]))`,
    oom_per_min: `sum(increase(${s(METRIC.oom_kills_total)}[1m]))`,
    xid_per_min: `sum(increase(${s(METRIC.xid_errors_total)}[1m]))`,
    log_findings_per_min: `sum(increase(${s(METRIC.kernel_log_findings_total)}[1m]))`,
  };
}

export const DRAIN_ACTION_SET: ReadonlySet<string> = new Set(DRAIN_OR_RESET_ACTIONS);
