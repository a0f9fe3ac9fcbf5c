import type {
  KerntopEvent,
  KernelEvent,
  KmsgRecord,
  ProbeFamily,
  ProbeStatusEvent,
  Severity,
  SessionInfoEvent,
  SourceDiagEvent,
  Thresholds,
} from '../events.js';
import { DEFAULT_THRESHOLDS } from '../events.js';
import { addBuckets, addValue, emptyHist, type Log2Hist } from './histogram.js';
import { Ring } from './ring.js';
import { applyXid, createXidState, type XidState } from './xid.js';
import { applyCpus, clearCpus, createCpusState, type CpusState } from './cpus.js';
import { worseSeverity } from '../knowledge/severity.js';

/** Seconds of per-second counts kept for the 1 s and 10 s rates and the peak rate. */
const RATE_WINDOW_S = 10;
const RECENT_EVENTS = 1000;
const KMSG_RECORDS = 2000;
const DIAGS = 100;
/** by_key maps keep at most this many keys; the rest fold into "other" so memory stays bounded. */
const MAX_KEYS = 256;

export interface SubsystemState {
  name: string;
  /** Occurrences measured: aggregated counts from probe ticks plus events that arrive one by one. */
  events: number;
  /** Events that travelled one by one (threshold crossings, kills, log findings). */
  alerts: number;
  worst_us: number | null;
  hist_us: Log2Hist;
  /** counts[i] is the count of second (second_base + i); a sliding window of RATE_WINDOW_S. */
  second_base: number;
  counts: number[];
  /** Highest per-second count seen so far. */
  peak_per_s: number;
  worst_severity: Severity | null;
  by_key: Record<string, number>;
  by_comm: Record<string, number>;
  first_ms: number;
  last_ms: number;
  /** Title and time of the newest one-by-one event (a kernel-log finding's title, for the exporter). */
  last_title?: { title: string; ts_ms: number };
}

export interface StoreState {
  started_ms: number;
  now_ms: number;
  thresholds: Thresholds;
  session?: SessionInfoEvent;
  subsystems: Map<string, SubsystemState>;
  probes: Map<ProbeFamily, ProbeStatusEvent>;
  recent: Ring<KernelEvent>;
  diags: Ring<SourceDiagEvent>;
  parse_errors: Record<string, number>;
  kmsg: { records: Ring<KmsgRecord>; lost: number; last_seq: number | null };
  /** Xid counts per GPU and per Xid in a sliding window (see xid.ts). */
  xid: XidState;
  /** Per-CPU noise, latencies and the host's CPU topology (see cpus.ts). */
  cpus: CpusState;
  /** Bumped by every apply; views compare it to skip redraws. */
  version: number;
}

export function createState(thresholds: Thresholds = DEFAULT_THRESHOLDS, now_ms = Date.now()): StoreState {
  return {
    started_ms: now_ms,
    now_ms,
    thresholds,
    subsystems: new Map(),
    probes: new Map(),
    recent: new Ring(RECENT_EVENTS),
    diags: new Ring(DIAGS),
    parse_errors: {},
    kmsg: { records: new Ring(KMSG_RECORDS), lost: 0, last_seq: null },
    xid: createXidState(),
    cpus: createCpusState(),
    version: 0,
  };
}

function subsystem(state: StoreState, name: string, ts_ms: number): SubsystemState {
  let s = state.subsystems.get(name);
  if (!s) {
    s = {
      name,
      events: 0,
      alerts: 0,
      worst_us: null,
      hist_us: emptyHist(),
      second_base: Math.floor(ts_ms / 1000),
      counts: new Array<number>(RATE_WINDOW_S).fill(0),
      peak_per_s: 0,
      worst_severity: null,
      by_key: {},
      by_comm: {},
      first_ms: ts_ms,
      last_ms: ts_ms,
    };
    state.subsystems.set(name, s);
  }
  return s;
}

/** Counts n occurrences at ts_ms into the per-second window, sliding it forward as time passes. */
function countAt(s: SubsystemState, ts_ms: number, n: number): void {
  const sec = Math.floor(ts_ms / 1000);
  const slot = sec - s.second_base;
  if (slot < 0) {
    // Late or out-of-order event: count it in the oldest slot rather than lose it.
    s.counts[0] += n;
  } else {
    if (slot >= RATE_WINDOW_S) {
      const shift = slot - RATE_WINDOW_S + 1;
      s.counts =
        shift >= RATE_WINDOW_S
          ? new Array<number>(RATE_WINDOW_S).fill(0)
          : s.counts.slice(shift).concat(new Array<number>(shift).fill(0));
      s.second_base += shift;
    }
    s.counts[sec - s.second_base] += n;
  }
  const cur = s.counts[Math.min(RATE_WINDOW_S - 1, Math.max(0, sec - s.second_base))];
  if (cur > s.peak_per_s) s.peak_per_s = cur;
  s.events += n;
  if (ts_ms > s.last_ms) s.last_ms = ts_ms;
}

function addKeys(into: Record<string, number>, add: Record<string, number>): void {
  for (const [k, v] of Object.entries(add)) {
    if (k in into || Object.keys(into).length < MAX_KEYS) into[k] = (into[k] ?? 0) + v;
    else into.other = (into.other ?? 0) + v;
  }
}

/**
 * The reducer. It does no I/O and reads no clock: everything it knows comes from the event.
 * For speed at tens of thousands of events per second it updates the state in place and returns it;
 * views read it only through selectors, which build fresh snapshot objects.
 */
export function apply(state: StoreState, ev: KerntopEvent): StoreState {
  state.version++;
  applyXid(state.xid, ev);
  applyCpus(state.cpus, ev);
  if (ev.ts_ms > state.now_ms) state.now_ms = ev.ts_ms;
  switch (ev.type) {
    case 'session.info':
      // A session starts the clock: for a replay that is the recording's start, not when it is watched.
      state.session = ev;
      state.thresholds = ev.thresholds;
      state.started_ms = ev.ts_ms;
      state.now_ms = ev.ts_ms;
      break;
    case 'probe.status':
      state.probes.set(ev.family, ev);
      if (ev.state === 'FAILED')
        state.diags.push({
          type: 'source.diag',
          ts_ms: ev.ts_ms,
          source: ev.family,
          level: 'error',
          message: `${ev.family}: ${ev.reason ?? 'failed'}`,
        });
      break;
    case 'probe.tick': {
      const s = subsystem(state, ev.family, ev.ts_ms);
      countAt(s, ev.ts_ms, ev.count);
      if (ev.hist_us) addBuckets(s.hist_us, ev.hist_us);
      if (ev.max_us !== undefined && (s.worst_us === null || ev.max_us > s.worst_us)) s.worst_us = ev.max_us;
      if (ev.by_key) addKeys(s.by_key, ev.by_key);
      if (ev.by_comm) addKeys(s.by_comm, ev.by_comm);
      break;
    }
    case 'kernel.event': {
      const s = subsystem(state, ev.subsystem, ev.ts_ms);
      s.alerts++;
      s.worst_severity = worseSeverity(s.worst_severity, ev.severity);
      if (!s.last_title || ev.ts_ms >= s.last_title.ts_ms) s.last_title = { title: ev.title, ts_ms: ev.ts_ms };
      if (ev.value_us !== undefined && (s.worst_us === null || ev.value_us > s.worst_us)) s.worst_us = ev.value_us;
      if (!ev.in_tick) {
        countAt(s, ev.ts_ms, 1);
        if (ev.value_us !== undefined) addValue(s.hist_us, ev.value_us);
      }
      state.recent.push(ev);
      break;
    }
    case 'source.diag':
      state.diags.push(ev);
      break;
    case 'parse.error':
      state.parse_errors[ev.source] = (state.parse_errors[ev.source] ?? 0) + ev.count;
      break;
    case 'kmsg.record':
      state.kmsg.records.push(ev.record);
      state.kmsg.last_seq = ev.record.seq;
      break;
    case 'kmsg.lost':
      state.kmsg.lost += ev.lost;
      break;
    case 'job.progress':
    case 'job.result':
    case 'clock':
    case 'cpu.topology':
      break;
  }
  return state;
}

/** The `c` key: forget counts and histograms, keep probe states, session and thresholds. */
export function clearCounters(state: StoreState, now_ms: number): StoreState {
  state.subsystems.clear();
  state.recent.clear();
  state.parse_errors = {};
  state.kmsg.lost = 0;
  state.xid.rows.clear();
  clearCpus(state.cpus);
  state.started_ms = now_ms;
  state.version++;
  return state;
}
