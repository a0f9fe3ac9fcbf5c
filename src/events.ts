// The one vocabulary every part of kerntop speaks. Sources emit these, the store reduces them,
// the recorder writes them as JSON lines and the player reads them back unchanged.
// Every event carries ts_ms: wall-clock milliseconds when kerntop saw it (Date.now()).
// Facts about the kernel itself (its log records, severities) are owned by knowledge and re-exported.
import type { KmsgRecord } from './knowledge/kernel-log/record.js';
import type { Severity } from './knowledge/severity.js';
import type { XidEvent } from './knowledge/xid/tracker.js';

export type ProbeFamily = 'sched' | 'bio' | 'vfs' | 'oom' | 'tcp_retrans' | 'drops' | 'faults';
export const PROBE_FAMILIES: readonly ProbeFamily[] = ['sched', 'bio', 'vfs', 'oom', 'tcp_retrans', 'drops', 'faults'];

export type { Severity, Status } from './knowledge/severity.js';

/** One bucket of a bpftrace log2 histogram, values in the unit its name says (µs here). max is inclusive. */
export interface Log2Bucket {
  min: number;
  max: number;
  count: number;
}

/**
 * ATTACHED: running; SKIPPED: not started (no strategy works here, or not selected); FAILED: died, with
 * bpftrace's reason; STALLED: attached, but its bpftrace child has missed two per-second ticks.
 */
export type ProbeState = 'STARTING' | 'ATTACHED' | 'SKIPPED' | 'FAILED' | 'STALLED';

/** The reason a family the user left out with --probes is SKIPPED for (not a problem of the host). */
export const NOT_SELECTED_REASON = 'not selected (--probes)';

export interface ProbeStatusEvent {
  type: 'probe.status';
  ts_ms: number;
  family: ProbeFamily;
  state: ProbeState;
  /** Attach strategy, e.g. "tracepoint", "kprobe", "kfunc", "software". */
  method?: string;
  reason?: string;
}

/**
 * What one family aggregated in the kernel over one interval (bpftrace maps printed every second and
 * cleared). count is the number of occurrences measured in the interval: wakeups timed, requests
 * completed, syscalls timed, faults, drops, retransmits.
 */
export interface ProbeTickEvent {
  type: 'probe.tick';
  ts_ms: number;
  family: ProbeFamily;
  interval_ms: number;
  count: number;
  /** Latency histogram for the interval, in µs. */
  hist_us?: Log2Bucket[];
  /** Largest latency seen in the interval, in µs. */
  max_us?: number;
  /** Counts by a family-specific key: drop reason, fault kind, op, device. */
  by_key?: Record<string, number>;
  /** Top processes by count in the interval (comm -> count). */
  by_comm?: Record<string, number>;
}

/**
 * One event that travels on its own: a latency above its threshold, an OOM kill, a retransmit, a drop
 * for a reason that means trouble, a kernel-log finding (soft lockup, hung task, Oops), an Xid.
 * source names where it came from: a probe family, or "kmsg", "xid", "log".
 */
export interface KernelEvent {
  type: 'kernel.event';
  ts_ms: number;
  source: string;
  /** Row of the summary this event counts in (a probe family, "xid", "soft_lockup", ...). */
  subsystem: string;
  severity: Severity;
  /** One line a person reads: "runq latency 2345 us: stress-ng[1234]". */
  title: string;
  pid?: number;
  comm?: string;
  value_us?: number;
  /** True when a probe.tick already counted this occurrence, so the store does not count it twice. */
  in_tick?: boolean;
  fields?: Record<string, string | number | boolean | null>;
  /** An Xid's facts (source "xid"): the same object `kerntop xid --json` prints; the store's Xid slice reads it. */
  xid?: XidEvent;
}

/** A KernelEvent that reports an Xid: what the Xid slice of the store folds per GPU and Xid. */
export interface XidKernelEvent extends KernelEvent {
  source: 'xid';
  xid: XidEvent;
}

export function isXidKernelEvent(ev: KerntopEvent): ev is XidKernelEvent {
  return ev.type === 'kernel.event' && ev.source === 'xid' && ev.xid !== undefined;
}

/** A source's own health or a diagnostic worth showing (dimmed when level is info). */
export interface SourceDiagEvent {
  type: 'source.diag';
  ts_ms: number;
  source: string;
  level: 'info' | 'warning' | 'error';
  message: string;
}

/** Lines a source could not parse; counted and skipped, never fatal. */
export interface ParseErrorEvent {
  type: 'parse.error';
  ts_ms: number;
  source: string;
  count: number;
  sample?: string;
}

export type { KmsgRecord } from './knowledge/kernel-log/record.js';

export interface KmsgRecordEvent {
  type: 'kmsg.record';
  ts_ms: number;
  source: 'kmsg' | 'dmesg' | 'file';
  record: KmsgRecord;
}

/** Records overwritten in the ring before kerntop read them (sequence gap). */
export interface KmsgLostEvent {
  type: 'kmsg.lost';
  ts_ms: number;
  lost: number;
}

/** A vmcore report's plugin: waiting:  chosen, not started yet; not_run: the collector did not run it (error says why). */
export type PluginStatus = 'waiting' | 'running' | 'ok' | 'failed' | 'not_run';

export interface PluginProgress {
  name: string;
  status: PluginStatus;
  /** How long it ran, once it ended. */
  time_s?: number;
  /** The error, or why it did not run. */
  detail?: string;
}

export interface JobProgressEvent {
  type: 'job.progress';
  ts_ms: number;
  job: string;
  message: string;
  /** Which part of the job speaks, when it has several ("boot-test": "setup" steps, then "console" lines). */
  stage?: string;
  /** The plugin this message is about, typed ("vmcore-report": one when a plugin starts, one when it ends). */
  plugin?: PluginProgress;
}

export interface JobResultEvent {
  type: 'job.result';
  ts_ms: number;
  job: string;
  ok: boolean;
  summary: string;
}

/** Emitted by the player/recorder at the start of a session; the store keeps it for headers. */
export interface SessionInfoEvent {
  type: 'session.info';
  ts_ms: number;
  host: string;
  kernel_release: string;
  thresholds: Thresholds;
  replay?: boolean;
}

/** Time passing with nothing else to say (end of a run): lets durations and rates reach "now". */
export interface ClockEvent {
  type: 'clock';
  ts_ms: number;
}

export type KerntopEvent =
  | ClockEvent
  | ProbeStatusEvent
  | ProbeTickEvent
  | KernelEvent
  | SourceDiagEvent
  | ParseErrorEvent
  | KmsgRecordEvent
  | KmsgLostEvent
  | JobProgressEvent
  | JobResultEvent
  | SessionInfoEvent;

/** Thresholds the user sets on the command line; one-by-one events and statuses follow them. */
export interface Thresholds {
  sched_warn_us: number;
  bio_warn_us: number;
  vfs_warn_us: number;
  /** Major faults per second above which the faults family warns. */
  major_faults_warn_per_s: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  sched_warn_us: 1000,
  bio_warn_us: 10_000,
  vfs_warn_us: 5000,
  major_faults_warn_per_s: 100,
};
