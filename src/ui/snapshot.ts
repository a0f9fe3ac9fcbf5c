import { isDeepStrictEqual } from 'node:util';
import type {
  KernelEvent,
  KmsgRecord,
  Log2Bucket,
  ProbeStatusEvent,
  SessionInfoEvent,
  SourceDiagEvent,
  Status,
} from '../events.js';
import {
  durationS,
  selectFindings,
  selectHistograms,
  selectOverallStatus,
  selectProbes,
  selectSubsystems,
  type Finding,
  type StoreState,
  type SubsystemRow,
} from '../store/index.js';
import { selectXid, type XidSummary } from '../store/xid.js';

/**
 * What one frame shows, read from the store through its selectors. The panes see only this: a plain,
 * immutable copy, so a frame never mixes two versions of the state.
 */
export interface Snapshot {
  version: number;
  now_ms: number;
  started_ms: number;
  duration_s: number;
  session?: SessionInfoEvent;
  overall: Status;
  subsystems: SubsystemRow[];
  findings: Finding[];
  probes: ProbeStatusEvent[];
  histograms: Record<string, Log2Bucket[]>;
  /** Newest last; recentTotal counts every event ever pushed, so recentTotal - recent.length scrolled away. */
  recent: KernelEvent[];
  recentTotal: number;
  kmsgRecords: KmsgRecord[];
  kmsgTotal: number;
  kmsgLost: number;
  diags: SourceDiagEvent[];
  parseErrors: number;
  /** The store's Xid slice: one row per GPU and Xid, a storm counted (xN), as the summary shows it. */
  xid: XidSummary;
}

/** `next` when it differs from `prev` in content, else `prev` itself, so unchanged panes see the same object. */
function same<T>(prev: T | undefined, next: T): T {
  return prev !== undefined && isDeepStrictEqual(prev, next) ? prev : next;
}

/** A ring buffer's copy: the previous one while nothing was pushed (same total, same newest item). */
function sameRing<T>(prev: T[] | undefined, prevTotal: number | undefined, next: T[], total: number): T[] {
  return prev !== undefined && prevTotal === total && prev.length === next.length && prev.at(-1) === next.at(-1) ? prev : next;
}

/**
 * The store's state as one frame shows it. Given the previous snapshot, every part whose content did
 * not change is that snapshot's own object, so the panes fed by it skip their render; and when nothing
 * a pane shows changed (the clocks shown move by whole seconds), `prev` itself comes back and the
 * screen is not redrawn at all.
 */
export function takeSnapshot(state: StoreState, prev?: Snapshot): Snapshot {
  let parseErrors = 0;
  for (const n of Object.values(state.parse_errors)) parseErrors += n;
  const next: Snapshot = {
    version: state.version,
    now_ms: state.now_ms,
    started_ms: state.started_ms,
    duration_s: durationS(state),
    session: same(prev?.session, state.session),
    overall: selectOverallStatus(state),
    subsystems: same(prev?.subsystems, selectSubsystems(state)),
    findings: same(prev?.findings, selectFindings(state)),
    probes: same(prev?.probes, selectProbes(state)),
    histograms: same(prev?.histograms, selectHistograms(state)),
    recent: sameRing(prev?.recent, prev?.recentTotal, state.recent.toArray(), state.recent.total),
    recentTotal: state.recent.total,
    kmsgRecords: sameRing(prev?.kmsgRecords, prev?.kmsgTotal, state.kmsg.records.toArray(), state.kmsg.records.total),
    kmsgTotal: state.kmsg.records.total,
    kmsgLost: state.kmsg.lost,
    diags: same(prev?.diags, state.diags.toArray()),
    parseErrors,
    xid: selectXid(state),
  };
  if (prev === undefined) return next;
  const sec = (ms: number) => Math.floor(ms / 1000);
  const unchanged =
    sec(next.now_ms) === sec(prev.now_ms) &&
    next.started_ms === prev.started_ms &&
    Math.floor(next.duration_s) === Math.floor(prev.duration_s) &&
    next.overall === prev.overall &&
    next.recentTotal === prev.recentTotal &&
    next.kmsgTotal === prev.kmsgTotal &&
    next.kmsgLost === prev.kmsgLost &&
    next.parseErrors === prev.parseErrors &&
    (['session', 'subsystems', 'findings', 'probes', 'histograms', 'recent', 'kmsgRecords', 'diags'] as const).every(
      (k) => next[k] === prev[k],
    );
  return unchanged ? prev : next;
}
