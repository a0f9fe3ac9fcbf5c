import type { KernelEvent, KmsgRecord, Log2Bucket, ProbeStatusEvent, SessionInfoEvent, SourceDiagEvent, Status } from '../events.js';
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

export function takeSnapshot(state: StoreState): Snapshot {
  let parseErrors = 0;
  for (const n of Object.values(state.parse_errors)) parseErrors += n;
  return {
    version: state.version,
    now_ms: state.now_ms,
    started_ms: state.started_ms,
    duration_s: durationS(state),
    session: state.session,
    overall: selectOverallStatus(state),
    subsystems: selectSubsystems(state),
    findings: selectFindings(state),
    probes: selectProbes(state),
    histograms: selectHistograms(state),
    recent: state.recent.toArray(),
    recentTotal: state.recent.total,
    kmsgRecords: state.kmsg.records.toArray(),
    kmsgTotal: state.kmsg.records.total,
    kmsgLost: state.kmsg.lost,
    diags: state.diags.toArray(),
    parseErrors,
    xid: selectXid(state),
  };
}
