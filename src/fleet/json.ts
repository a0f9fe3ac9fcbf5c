// `kerntop fleet --json`: the schema (its one definition; tests parse the output with it), the object
// and the exit code by the worst node.
import { z } from 'zod';
import type { Status } from '../events.js';
import { STATUS_RANK } from '../knowledge/severity.js';
import type { FleetSnapshot } from './fetch.js';
import { judgedStatus, type NodeRow } from './rows.js';

export const FLEET_JSON_VERSION = 1;

const nullableNumber = z.number().nullable();
export const NodeRowSchema = z.object({
  node: z.string(),
  job: z.string(),
  instance: z.string(),
  labels: z.record(z.string(), z.string()),
  kernel_release: z.string().nullable(),
  status: z.enum(['OK', 'WARNING', 'CRITICAL', 'STALE']),
  worst: z.array(z.string()),
  runq_p99_us: nullableNumber,
  bio_p99_us: nullableNumber,
  oom_kills_1h: nullableNumber,
  retrans_per_s: nullableNumber,
  xid: z.object({
    drain_reset: z.number(),
    application: z.number(),
    other: z.number(),
    gpus: z.array(z.string()),
    codes: z.array(z.number()),
  }),
  log_finding: z.object({ class: z.string(), count: z.number(), title: z.string().optional() }).nullable(),
  probes_not_attached: z.array(z.string()),
  age_s: nullableNumber,
  down: z.boolean(),
  straggler: z.array(z.enum(['runq', 'bio'])),
});

export const FleetJsonSchema = z.object({
  kerntop_fleet: z.literal(FLEET_JSON_VERSION),
  prometheus: z.string(),
  selector: z.string(),
  time: z.string(),
  status: z.enum(['OK', 'WARNING', 'CRITICAL']),
  nodes: z.number(),
  stale: z.number(),
  straggler_factor: z.number(),
  medians: z.object({ runq_p99_us: nullableNumber, bio_p99_us: nullableNumber }),
  requests: z.number(),
  rows: z.array(NodeRowSchema),
  error: z.string().optional(),
});
export type FleetJson = z.infer<typeof FleetJsonSchema>;

/** The worst node's status, a stale node counting as a warning (not measured is not OK). */
export function fleetStatus(rows: readonly NodeRow[]): Status {
  let w: Status = 'OK';
  for (const r of rows) {
    const s = judgedStatus(r.status);
    if (STATUS_RANK[s] > STATUS_RANK[w]) w = s;
  }
  return w;
}

/** 0 every node OK, 1 warnings or stale nodes, 2 a critical node (3 is for could-not-run, elsewhere). */
export function fleetExitCode(rows: readonly NodeRow[]): 0 | 1 | 2 {
  return STATUS_RANK[fleetStatus(rows)] as 0 | 1 | 2;
}

export function fleetJson(
  s: FleetSnapshot,
  o: { prometheus: string; selector: string; stragglerFactor: number },
  rows: readonly NodeRow[] = s.rows,
): FleetJson {
  return {
    kerntop_fleet: FLEET_JSON_VERSION,
    prometheus: o.prometheus,
    selector: o.selector,
    time: new Date(s.time_s * 1000).toISOString(),
    status: fleetStatus(rows),
    nodes: rows.length,
    stale: rows.filter((r) => r.status === 'STALE').length,
    straggler_factor: o.stragglerFactor,
    medians: s.medians,
    requests: s.requests,
    rows: [...rows],
  };
}
