// The fleet's rows from the answers of its queries: pure functions, no I/O and no clock.
import type { Status } from '../events.js';
import { KERNEL_LOG_CLASSES } from '../exporter/subsystems.js';
import { normalizePci } from '../knowledge/xid/pci.js';
import { STATUS_RANK } from '../knowledge/severity.js';
import { DRAIN_ACTION_SET, type InstantQuery } from './queries.js';
import { sampleNumber, type VectorSample } from './prometheus.js';

/** A node's state as the fleet sees it: the exporter's own judgement, or STALE when it stopped reporting. */
export type NodeStatus = Status | 'STALE';
export type StragglerFamily = 'runq' | 'bio';

export interface XidSummary {
  /** Xids in the last hour whose catalog action drains or resets the GPU (or reboots the node). */
  drain_reset: number;
  /** Xids in the last hour of the application class (the GPU is fine). */
  application: number;
  /** Any other Xid of the hour (hardware to watch, informational). */
  other: number;
  /** GPUs (PCI addresses) with an Xid in the hour, drain/reset ones first. */
  gpus: string[];
  /** The Xid codes of the hour. */
  codes: number[];
}

export interface NodeRow {
  /** The node's name: its `node` label (or --node-label) when the scrape config adds one, else instance. */
  node: string;
  job: string;
  instance: string;
  /** Target labels of the node (those of kerntop_build_info, less kerntop's own). */
  labels: Record<string, string>;
  kernel_release: string | null;
  status: NodeStatus;
  /** The subsystems at the node's status (oom, sched, xid, ...); empty when OK or stale. */
  worst: string[];
  runq_p99_us: number | null;
  bio_p99_us: number | null;
  oom_kills_1h: number | null;
  retrans_per_s: number | null;
  xid: XidSummary;
  /** The most serious kernel-log class of the hour, with its count. */
  log_finding: { class: string; count: number; title?: string } | null;
  /** Probe families not attached, as family:STATE. */
  probes_not_attached: string[];
  /** Seconds since the node's latest sample; null when Prometheus has none in the lookback. */
  age_s: number | null;
  /** Prometheus's scrape of this node fails (up == 0). */
  down: boolean;
  straggler: StragglerFamily[];
}

export type Answers = Record<InstantQuery, VectorSample[]>;

const OWN_LABELS = new Set(['__name__', 'version', 'kernel_release', 'bpftrace_version']);
const keyOf = (m: Record<string, string>) => `${m.job ?? ''}\u0000${m.instance ?? ''}`;

// Kernel-log classes from the most to the least serious: the one a row names.
const LOG_CLASS_ORDER = [
  'panic',
  'oops',
  'hard_lockup',
  'soft_lockup',
  'rcu_stall',
  'hung_task',
  'mce',
  'oom_kill',
  'io_error',
  'fs_error',
  'warning',
];
const logRank = (c: string) => {
  const i = LOG_CLASS_ORDER.indexOf(c);
  return i < 0 ? LOG_CLASS_ORDER.length + KERNEL_LOG_CLASSES.indexOf(c) : i;
};

function byNode(v: readonly VectorSample[]): Map<string, VectorSample[]> {
  const m = new Map<string, VectorSample[]>();
  for (const s of v) {
    const k = keyOf(s.metric);
    const a = m.get(k);
    if (a) a.push(s);
    else m.set(k, [s]);
  }
  return m;
}

const finite = (n: number): number | null => (Number.isFinite(n) ? n : null);
const one = (m: Map<string, VectorSample[]>, k: string): number | null => {
  const s = m.get(k)?.[0];
  return s ? finite(sampleNumber(s.value)) : null;
};

export interface RowOptions {
  nowS: number;
  /** A node whose latest sample is older than this is stale. */
  staleAfterS: number;
  /** Label that names a node when present (default "node"). */
  nodeLabel: string;
  stragglerFactor: number;
}

/**
 * One row per exporter seen in the lookback (the series answer), filled from the instant answers.
 * A node without a current sample, or whose scrape fails, is STALE: not measured is not healthy.
 */
export function buildRows(series: readonly Record<string, string>[], a: Answers, o: RowOptions): NodeRow[] {
  const known = new Map<string, Record<string, string>>();
  // The newest label set of a node wins (a restarted exporter may carry a new kernel_release).
  for (const s of [...series, ...a.last_sample.map((x) => x.metric)]) known.set(keyOf(s), s);
  const last = byNode(a.last_sample);
  const seen = byNode(a.last_seen);
  const up = byNode(a.up);
  const status = byNode(a.status);
  const runq = byNode(a.runq_p99);
  const bio = byNode(a.bio_p99);
  const oom = byNode(a.oom_1h);
  const retrans = byNode(a.retrans_rate);
  const xid = byNode(a.xid_1h);
  const log = byNode(a.log_1h);
  const probes = byNode(a.probes_down);

  const rows: NodeRow[] = [];
  for (const [k, m] of known) {
    const labels = Object.fromEntries(Object.entries(m).filter(([l]) => !OWN_LABELS.has(l)));
    const ts = one(last, k) ?? one(seen, k);
    const age_s = ts === null ? null : Math.max(0, o.nowS - ts);
    const down = one(up, k) === 0;
    const stale = down || !last.has(k) || age_s === null || age_s > o.staleAfterS;
    const us = (x: number | null) => (x === null ? null : x * 1e6);
    const st = status.get(k) ?? [];
    const worstStatus = st.reduce<Status>((w, s) => {
      const v = s.metric.status as Status;
      return v in STATUS_RANK && STATUS_RANK[v] > STATUS_RANK[w] ? v : w;
    }, 'OK');
    rows.push({
      node: m[o.nodeLabel] || m.instance || '?',
      job: m.job ?? '',
      instance: m.instance ?? '',
      labels,
      kernel_release: m.kernel_release ?? null,
      status: stale ? 'STALE' : worstStatus,
      worst:
        stale || worstStatus === 'OK'
          ? []
          : st
              .filter((s) => s.metric.status === worstStatus)
              .map((s) => s.metric.subsystem)
              .sort(),
      runq_p99_us: stale ? null : us(one(runq, k)),
      bio_p99_us: stale ? null : us(one(bio, k)),
      oom_kills_1h: stale ? null : roundCount(one(oom, k)),
      retrans_per_s: stale ? null : one(retrans, k),
      xid: xidSummary(xid.get(k) ?? []),
      log_finding: logFinding(log.get(k) ?? []),
      probes_not_attached: stale ? [] : (probes.get(k) ?? []).map((s) => `${s.metric.family}:${s.metric.state}`).sort(),
      age_s,
      down,
      straggler: [],
    });
  }
  markStragglers(rows, o.stragglerFactor);
  return rows;
}

/** increase() extrapolates to the window's edges: a count of kills is a whole number. */
function roundCount(n: number | null): number | null {
  return n === null ? null : Math.round(n);
}

export function xidSummary(samples: readonly VectorSample[]): XidSummary {
  const x: XidSummary = { drain_reset: 0, application: 0, other: 0, gpus: [], codes: [] };
  const drainGpus = new Set<string>();
  const gpus = new Set<string>();
  const codes = new Set<number>();
  for (const s of samples) {
    const n = Math.max(1, Math.round(sampleNumber(s.value)));
    const gpu = normalizePci(s.metric.pci ?? '') ?? s.metric.pci ?? 'unknown';
    codes.add(Number(s.metric.xid));
    if (DRAIN_ACTION_SET.has(s.metric.action) && s.metric.class !== 'application') {
      x.drain_reset += n;
      drainGpus.add(gpu);
    } else if (s.metric.class === 'application') x.application += n;
    else x.other += n;
    gpus.add(gpu);
  }
  x.gpus = [...[...drainGpus].sort(), ...[...gpus].filter((g) => !drainGpus.has(g)).sort()];
  x.codes = [...codes].sort((a, b) => a - b);
  return x;
}

function logFinding(samples: readonly VectorSample[]): NodeRow['log_finding'] {
  // The info series (it has a title) names the newest finding; the others count each class.
  const newest = samples.find((s) => s.metric.title !== undefined);
  const counts = samples.filter((s) => s.metric.title === undefined);
  const c = counts
    .map((s) => ({ class: s.metric.class, count: Math.max(1, Math.round(sampleNumber(s.value))) }))
    .sort((a, b) => logRank(a.class) - logRank(b.class));
  if (newest) {
    const n = counts.find((s) => s.metric.class === newest.metric.class);
    return {
      class: newest.metric.class,
      count: n ? Math.max(1, Math.round(sampleNumber(n.value))) : 1,
      title: newest.metric.title,
    };
  }
  return c[0] ?? null;
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The fewest fresh nodes with a value for a median to mean anything. */
export const STRAGGLER_MIN_NODES = 3;

export interface FleetMedians {
  runq_p99_us: number | null;
  bio_p99_us: number | null;
}

export function fleetMedians(rows: readonly NodeRow[]): FleetMedians {
  const vals = (f: (r: NodeRow) => number | null) =>
    rows
      .filter((r) => r.status !== 'STALE')
      .map(f)
      .filter((v): v is number => v !== null);
  const med = (xs: number[]) => (xs.length >= STRAGGLER_MIN_NODES ? median(xs) : null);
  return { runq_p99_us: med(vals((r) => r.runq_p99_us)), bio_p99_us: med(vals((r) => r.bio_p99_us)) };
}

/**
 * A straggler's run-queue or block I/O p99 is more than `factor` times the fleet's median (fresh
 * nodes only, at least three with a value): one slow node holds back a collective job.
 */
export function markStragglers(rows: NodeRow[], factor: number): FleetMedians {
  const m = fleetMedians(rows);
  for (const r of rows) {
    r.straggler = [];
    if (r.status === 'STALE') continue;
    if (m.runq_p99_us && r.runq_p99_us !== null && r.runq_p99_us > factor * m.runq_p99_us) r.straggler.push('runq');
    if (m.bio_p99_us && r.bio_p99_us !== null && r.bio_p99_us > factor * m.bio_p99_us) r.straggler.push('bio');
  }
  return m;
}

/** Sort ranks: CRITICAL, then STALE (a node that vanished may be down), WARNING, OK. */
export const NODE_STATUS_RANK: Record<NodeStatus, number> = { CRITICAL: 3, STALE: 2, WARNING: 1, OK: 0 };

/** For exit codes and the header: a stale node is not OK, so it counts as a warning. */
export function judgedStatus(s: NodeStatus): Status {
  return s === 'STALE' ? 'WARNING' : s;
}
