import type { Thresholds } from '../events.js';
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

export interface ProbePlan {
  host: HostCapabilities;
  decisions: ProbeDecision[];
  source: BpftraceSource | null;
}

/** Capability check, then one bpftrace source for every family that can attach here. */
export async function planProbes(sel: ProbeSelection, thresholds: Thresholds): Promise<ProbePlan> {
  const host = await checkHost();
  const decisions = decide(host, sel);
  const source =
    host.bpftrace && decisions.some((d) => d.attach)
      ? new BpftraceSource({
          bpftrace: host.bpftrace.path,
          decisions,
          thresholds,
          ctx: { thresholds, dropReasons: readDropReasons(host.tracefs), deviceName: blockDeviceNamer() },
        })
      : null;
  return { host, decisions, source };
}
