// The metric families kerntop exports, one row each: name, HELP, type and how the value is read
// from the store at scrape time. The README's metric table is this table in words.
// Labels are bounded by construction: they come from kerntop's own tables (probe families, log
// classes, the Xid catalog, kernel drop reasons) or from hardware (a GPU's PCI address and UUID),
// never from what a workload names (pid, comm, paths).
import { PROBE_FAMILIES, type ProbeFamily, type ProbeState, type Status } from '../events.js';
import { XID_CATALOG, xidInfo } from '../knowledge/xid/catalog.js';
import type { StoreState } from '../store/index.js';
import { selectSubsystems } from '../store/index.js';
import { KERNEL_LOG_CLASSES } from './subsystems.js';
import { cumulativeBuckets } from './buckets.js';
import type { Sample } from './sample.js';

export type { Sample } from './sample.js';

/** The names of the exported families, for the rows below and for readers of them (the fleet view's PromQL). */
export const METRIC = {
  build_info: 'kerntop_build_info',
  runq_latency_seconds: 'kerntop_runq_latency_seconds',
  bio_latency_seconds: 'kerntop_bio_latency_seconds',
  vfs_latency_seconds: 'kerntop_vfs_latency_seconds',
  latency_warn_threshold_seconds: 'kerntop_latency_warn_threshold_seconds',
  probe_events_total: 'kerntop_probe_events_total',
  probe_threshold_events_total: 'kerntop_probe_threshold_events_total',
  oom_kills_total: 'kerntop_oom_kills_total',
  tcp_retransmits_total: 'kerntop_tcp_retransmits_total',
  skb_drops_total: 'kerntop_skb_drops_total',
  page_faults_total: 'kerntop_page_faults_total',
  kernel_log_findings_total: 'kerntop_kernel_log_findings_total',
  kernel_log_last_finding_timestamp_seconds: 'kerntop_kernel_log_last_finding_timestamp_seconds',
  xid_errors_total: 'kerntop_xid_errors_total',
  xid_last_timestamp_seconds: 'kerntop_xid_last_timestamp_seconds',
  xid_catalog_info: 'kerntop_xid_catalog_info',
  subsystem_status: 'kerntop_subsystem_status',
  probe_state: 'kerntop_probe_state',
  kmsg_records_total: 'kerntop_kmsg_records_total',
  kmsg_lost_records_total: 'kerntop_kmsg_lost_records_total',
  parse_errors_total: 'kerntop_parse_errors_total',
  events_applied_total: 'kerntop_events_applied_total',
} as const;

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** What the exporter knows besides the store: fixed for the life of the process. */
export interface ExporterInfo {
  version: string;
  kernel_release: string;
  bpftrace_version: string;
  /** Events the store has applied, counted by the exporter as it dispatches them. */
  events_applied(): number;
}

export interface Family {
  /** Full name as in the text format 0.0.4 (counters end in _total). */
  name: string;
  help: string;
  type: MetricType;
  collect(state: StoreState, info: ExporterInfo): readonly Sample[];
}

// The catalog does not change while kerntop runs: its samples are made once.
const catalogSample = (xid: number): Sample => {
  const x = xidInfo(xid);
  return { labels: { xid: String(x.xid), name: x.name, class: x.class, action: x.action }, value: 1 };
};
const CATALOG_SAMPLES: readonly Sample[] = [...XID_CATALOG.keys()].map(catalogSample);
const PROBE_STATES: readonly ProbeState[] = ['STARTING', 'ATTACHED', 'SKIPPED', 'FAILED', 'STALLED'];
const STATUSES: readonly Status[] = ['OK', 'WARNING', 'CRITICAL'];
const US = 1e-6;

function latencyHistogram(family: ProbeFamily, name: string, what: string): Family {
  return {
    name,
    help: `${what}, in seconds, from the log2 histograms of the ${family} probes (bucket upper edges 2^n-1 microseconds), accumulated since the exporter started.`,
    type: 'histogram',
    collect: (state) => cumulativeBuckets(state.subsystems.get(family)?.hist_us ?? null),
  };
}

function counterOf(state: StoreState, subsystem: string, field: 'events' | 'alerts'): number {
  return state.subsystems.get(subsystem)?.[field] ?? 0;
}

/** One counter per key of a family's by_key map (drop reasons, fault kinds). */
function byKey(state: StoreState, family: string, label: string, keep?: (k: string) => boolean): Sample[] {
  const s = state.subsystems.get(family);
  if (!s) return [];
  return Object.entries(s.by_key)
    .filter(([k]) => !keep || keep(k))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => ({ labels: { [label]: k }, value: v }));
}

export const FAMILIES: readonly Family[] = [
  {
    name: METRIC.build_info,
    help: 'Always 1; labels: kerntop version, kernel release and bpftrace version of this node.',
    type: 'gauge',
    collect: (_s, info) => [
      {
        labels: { version: info.version, kernel_release: info.kernel_release, bpftrace_version: info.bpftrace_version },
        value: 1,
      },
    ],
  },
  latencyHistogram('sched', METRIC.runq_latency_seconds, 'Run-queue latency (wakeup to running)'),
  latencyHistogram('bio', METRIC.bio_latency_seconds, 'Block I/O request latency (issue to complete)'),
  latencyHistogram('vfs', METRIC.vfs_latency_seconds, 'Read/write latency of regular files (vfs_read/vfs_write or the syscalls)'),
  {
    name: METRIC.latency_warn_threshold_seconds,
    help: 'The latency threshold this exporter was started with (--sched-warn, --bio-warn, --vfs-warn), per probe family.',
    type: 'gauge',
    collect: (s) => [
      { labels: { family: 'sched' }, value: s.thresholds.sched_warn_us * US },
      { labels: { family: 'bio' }, value: s.thresholds.bio_warn_us * US },
      { labels: { family: 'vfs' }, value: s.thresholds.vfs_warn_us * US },
    ],
  },
  {
    name: METRIC.probe_events_total,
    help: 'Occurrences measured per probe family: wakeups timed, requests completed, calls timed, OOM kills, retransmits, drops, faults.',
    type: 'counter',
    collect: (s) =>
      PROBE_FAMILIES.filter((f) => s.subsystems.has(f) || s.probes.has(f)).map((f) => ({
        labels: { family: f },
        value: counterOf(s, f, 'events'),
      })),
  },
  {
    name: METRIC.probe_threshold_events_total,
    help: 'Occurrences per probe family that crossed its threshold and were reported one by one.',
    type: 'counter',
    collect: (s) =>
      PROBE_FAMILIES.filter((f) => s.subsystems.has(f) || s.probes.has(f)).map((f) => ({
        labels: { family: f },
        value: counterOf(s, f, 'alerts'),
      })),
  },
  {
    name: METRIC.oom_kills_total,
    help: 'OOM kills (tracepoint oom:mark_victim).',
    type: 'counter',
    collect: (s) => [{ value: counterOf(s, 'oom', 'events') }],
  },
  {
    name: METRIC.tcp_retransmits_total,
    help: 'TCP retransmits (tracepoint tcp:tcp_retransmit_skb).',
    type: 'counter',
    collect: (s) => [{ value: counterOf(s, 'tcp_retrans', 'events') }],
  },
  {
    name: METRIC.skb_drops_total,
    help: 'Packets dropped by the kernel (tracepoint skb:kfree_skb), by drop reason as the running kernel names it.',
    type: 'counter',
    collect: (s) => byKey(s, 'drops', 'reason'),
  },
  {
    name: METRIC.page_faults_total,
    help: 'Page faults by kind (major: the page was read from disk; minor: it was in memory).',
    type: 'counter',
    collect: (s) =>
      s.subsystems.has('faults') || s.probes.has('faults')
        ? ['major', 'minor'].map((k) => ({ labels: { kind: k }, value: s.subsystems.get('faults')?.by_key[k] ?? 0 }))
        : [],
  },
  {
    name: METRIC.kernel_log_findings_total,
    help: 'Reports the log classifier found in the kernel log, by class (panic, oops, warning, soft_lockup, hung_task, rcu_stall, ...).',
    type: 'counter',
    collect: (s) => KERNEL_LOG_CLASSES.map((c) => ({ labels: { class: c }, value: counterOf(s, c, 'alerts') })),
  },
  {
    name: METRIC.kernel_log_last_finding_timestamp_seconds,
    help: "The newest kernel-log finding: its class and title (the classifier's, at most 120 characters); the value is its time in Unix seconds. One series at a time.",
    type: 'gauge',
    collect: (s) => {
      let newest: { cls: string; title: string; ts_ms: number } | null = null;
      for (const c of KERNEL_LOG_CLASSES) {
        const t = s.subsystems.get(c)?.last_title;
        if (t && (!newest || t.ts_ms > newest.ts_ms)) newest = { cls: c, title: t.title, ts_ms: t.ts_ms };
      }
      return newest
        ? [{ labels: { class: newest.cls, title: newest.title.slice(0, 120) }, value: Math.floor(newest.ts_ms / 1000) }]
        : [];
    },
  },
  {
    name: METRIC.xid_errors_total,
    help: 'NVIDIA Xid errors in the kernel log, per GPU (PCI address, UUID when the driver named it) and Xid code; join kerntop_xid_catalog_info on xid for its class and action.',
    type: 'counter',
    collect: (s) => xidRows(s).map((r) => ({ labels: r.labels, value: r.total })),
  },
  {
    name: METRIC.xid_last_timestamp_seconds,
    help: 'When the last Xid of this code was logged for this GPU, in Unix seconds.',
    type: 'gauge',
    collect: (s) => xidRows(s).map((r) => ({ labels: r.labels, value: r.last_ms / 1000 })),
  },
  {
    name: METRIC.xid_catalog_info,
    help: "Always 1: kerntop's Xid catalog row (name, class: application, hardware, memory_ecc, nvlink, gsp, informational; action: none ... drain_reset, reboot_node) of every Xid counted on this node, to join on xid.",
    type: 'gauge',
    // Only the codes this node has counted: those are the ones a join can meet, and the whole
    // catalog would be some 180 constant series on every node of a fleet.
    collect: (s) => {
      const seen = new Set([...s.xid.rows.values()].map((r) => r.xid));
      return seen.size
        ? CATALOG_SAMPLES.filter((c) => seen.has(Number(c.labels!.xid))).concat(
            [...seen].filter((x) => !XID_CATALOG.has(x)).map((x) => catalogSample(x)),
          )
        : [];
    },
  },
  {
    name: METRIC.subsystem_status,
    help: 'Health state per subsystem as the quiet summary judges it (one series per state; 1 for the current one).',
    type: 'gauge',
    collect: (s) => {
      const cur = new Map(selectSubsystems(s).map((r) => [r.name, r.status]));
      const names = [...PROBE_FAMILIES.filter((f) => s.probes.has(f) || s.subsystems.has(f)), 'xid', ...KERNEL_LOG_CLASSES];
      return names.flatMap((n) =>
        STATUSES.map((st) => ({ labels: { subsystem: n, status: st }, value: (cur.get(n) ?? 'OK') === st ? 1 : 0 })),
      );
    },
  },
  {
    name: METRIC.probe_state,
    help: 'State per probe family (STARTING, ATTACHED, SKIPPED, FAILED; one series per state, 1 for the current one).',
    type: 'gauge',
    collect: (s) =>
      PROBE_FAMILIES.filter((f) => s.probes.has(f)).flatMap((f) =>
        PROBE_STATES.map((st) => ({ labels: { family: f, state: st }, value: s.probes.get(f)!.state === st ? 1 : 0 })),
      ),
  },
  {
    name: METRIC.kmsg_records_total,
    help: 'Kernel log records read (from /dev/kmsg, or dmesg where it is unavailable).',
    type: 'counter',
    collect: (s) => [{ value: s.kmsg.records.total }],
  },
  {
    name: METRIC.kmsg_lost_records_total,
    help: 'Kernel log records overwritten in the ring buffer before kerntop read them.',
    type: 'counter',
    collect: (s) => [{ value: s.kmsg.lost }],
  },
  {
    name: METRIC.parse_errors_total,
    help: 'Lines a source could not parse (skipped, never fatal), by source.',
    type: 'counter',
    collect: (s) =>
      Object.entries(s.parse_errors)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => ({ labels: { source: k }, value: v })),
  },
  {
    name: METRIC.events_applied_total,
    help: 'Events from every source that the exporter has applied to its store.',
    type: 'counter',
    collect: (_s, info) => [{ value: info.events_applied() }],
  },
];

function xidRows(s: StoreState): { labels: Record<string, string>; total: number; last_ms: number }[] {
  return [...s.xid.rows.values()]
    .map((r) => ({
      labels: { pci: r.pci ?? 'unknown', uuid: r.uuid ?? '', xid: String(r.xid) },
      total: r.total,
      last_ms: r.last_ms,
    }))
    .sort((a, b) => a.labels.pci.localeCompare(b.labels.pci) || Number(a.labels.xid) - Number(b.labels.xid));
}
