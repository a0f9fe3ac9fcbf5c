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
import { cpuHistograms, isolationText, selectCpuRows, type CpuRow } from '../store/cpus-select.js';

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
  /** Per CPU (noise family): rates over the last second, latencies since the start; RT CPUs first. */
  cpus: CpuRow[];
  /** CPUs kept for RT work ("isolated 2-3, nohz_full 2-3"), for the header; '' when none. */
  isolation: string;
  /** Per-CPU latency histograms (µs) for the histogram pane: "cpuN" run-queue, "cpuN-rt" RT wakeup. */
  cpuHistograms: Record<string, Log2Bucket[]>;
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
    cpus: selectCpuRows(state.cpus, { window: 'last' }),
    isolation: isolationText(state.cpus),
    cpuHistograms: cpuHistograms(state.cpus),
  };
}
