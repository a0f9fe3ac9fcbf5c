import type { ProbeStatusEvent, Thresholds } from '../events.js';
import { readDropReasons } from '../knowledge/drop-reasons.js';
import {
  checkHost,
  decide,
  type HostCapabilities,
  type ProbeDecision,
  type ProbeSelection,
} from '../sources/bpftrace/capability.js';
import { blockDeviceNamer } from '../sources/bpftrace/devices.js';
import { BpftraceSource } from '../sources/bpftrace/runner.js';
import { irqNamer } from '../knowledge/interrupts.js';

export interface ProbePlan {
  host: HostCapabilities;
  decisions: ProbeDecision[];
  source: BpftraceSource | null;
}

/** Capability check, then one bpftrace source for every family that can attach here. */
export async function planProbes(sel: ProbeSelection, thresholds: Thresholds, cpus?: number[]): Promise<ProbePlan> {
  const host = await checkHost();
  const decisions = decide(host, sel);
  const source =
    host.bpftrace && decisions.some((d) => d.attach)
      ? new BpftraceSource({
          bpftrace: host.bpftrace.path,
          decisions,
          thresholds,
          cpus,
          ctx: { thresholds, dropReasons: readDropReasons(host.tracefs), deviceName: blockDeviceNamer(), irqName: irqNamer() },
        })
      : null;
  return { host, decisions, source };
}

/** The SKIPPED status of every family when no bpftrace child is started (nothing could attach). */
export function skippedStatuses(plan: ProbePlan, ts_ms: number): ProbeStatusEvent[] {
  return plan.decisions.map((d) => ({
    type: 'probe.status',
    ts_ms,
    family: d.family,
    state: 'SKIPPED',
    ...(d.method ? { method: d.method } : {}),
    reason: d.reason,
  }));
}
