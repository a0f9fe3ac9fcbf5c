// One zod schema per event type of src/events.ts, to check what comes from outside (a recording) before
// the store sees it. The compile-time check at the bottom fails when an interface in events.ts and its
// schema here disagree, or when an event type has no schema.
import { z } from 'zod';
import { XID_ACTION_CODES, XID_CLASSES } from './knowledge/xid/catalog.js';
import { PROBE_FAMILIES, type KerntopEvent, type ProbeFamily } from './events.js';

const ts_ms = z.number().finite();
const count = z.number().finite().nonnegative();
const family = z.enum(PROBE_FAMILIES as [ProbeFamily, ...ProbeFamily[]]);
const severity = z.enum(['info', 'warning', 'critical']);
const thresholds = z.object({
  sched_warn_us: z.number(),
  bio_warn_us: z.number(),
  vfs_warn_us: z.number(),
  major_faults_warn_per_s: z.number(),
});
const log2Bucket = z.object({ min: z.number(), max: z.number(), count });
const counts = z.record(z.string(), z.number());

export const EVENT_SCHEMAS = {
  clock: z.object({ type: z.literal('clock'), ts_ms }),
  'probe.status': z.object({
    type: z.literal('probe.status'),
    ts_ms,
    family,
    state: z.enum(['STARTING', 'ATTACHED', 'SKIPPED', 'FAILED', 'STALLED']),
    method: z.string().optional(),
    reason: z.string().optional(),
  }),
  'probe.tick': z.object({
    type: z.literal('probe.tick'),
    ts_ms,
    family,
    interval_ms: count,
    count,
    hist_us: z.array(log2Bucket).optional(),
    max_us: z.number().optional(),
    by_key: counts.optional(),
    by_comm: counts.optional(),
  }),
  'kernel.event': z.object({
    xid: z
      .object({
        xid: z.number(),
        gpu: z.object({
          pci: z.string().nullable(),
          index: z.number().optional(),
          name: z.string().optional(),
          uuid: z.string().optional(),
        }),
        pid: z.number().nullable().optional(),
        process: z.string().nullable().optional(),
        message: z.string(),
        name: z.string(),
        class: z.enum(XID_CLASSES),
        severity,
        action: z.string(),
        action_code: z.enum(XID_ACTION_CODES),
        seq: z.number(),
        ts_us: z.number(),
        wall: z.string().optional(),
        time_ms: z.number().optional(),
        form: z.enum(['xid', 'fallen-off']),
        gpu_instance: z.number().optional(),
        compute_instance: z.number().optional(),
        caused_by: z.number().optional(),
        channel: z.string().optional(),
        nvlink: z
          .object({
            unit: z.string(),
            severity_word: z.string(),
            fatal: z.boolean(),
            xc: z.number(),
            instance: z.number(),
            link: z.number(),
            intrinfo: z.number().optional(),
            error_status: z.number().optional(),
            subunit: z.number().optional(),
            words: z.array(z.string()),
          })
          .optional(),
        recovery: z
          .object({ from: z.number(), from_name: z.string().optional(), to: z.number(), to_name: z.string().optional() })
          .optional(),
      })
      .optional(),
    type: z.literal('kernel.event'),
    ts_ms,
    source: z.string(),
    subsystem: z.string(),
    severity,
    title: z.string(),
    pid: z.number().optional(),
    comm: z.string().optional(),
    value_us: z.number().optional(),
    in_tick: z.boolean().optional(),
    fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  }),
  'source.diag': z.object({
    type: z.literal('source.diag'),
    ts_ms,
    source: z.string(),
    level: z.enum(['info', 'warning', 'error']),
    message: z.string(),
  }),
  'parse.error': z.object({ type: z.literal('parse.error'), ts_ms, source: z.string(), count, sample: z.string().optional() }),
  'kmsg.record': z.object({
    type: z.literal('kmsg.record'),
    ts_ms,
    source: z.enum(['kmsg', 'dmesg', 'file']),
    record: z.object({
      seq: z.number(),
      ts_us: z.number(),
      wall: z.string().optional(),
      level: z.number(),
      facility: z.number(),
      flags: z.string(),
      text: z.string(),
      caller: z.string().optional(),
      subsystem: z.string().optional(),
      device: z.string().optional(),
      arrival_ms: z.number().optional(),
    }),
  }),
  'kmsg.lost': z.object({ type: z.literal('kmsg.lost'), ts_ms, lost: count }),
  'job.progress': z.object({
    type: z.literal('job.progress'),
    ts_ms,
    job: z.string(),
    message: z.string(),
    stage: z.string().optional(),
    plugin: z
      .object({
        name: z.string(),
        status: z.enum(['waiting', 'running', 'ok', 'failed', 'not_run']),
        time_s: z.number().optional(),
        detail: z.string().optional(),
      })
      .optional(),
  }),
  'job.result': z.object({ type: z.literal('job.result'), ts_ms, job: z.string(), ok: z.boolean(), summary: z.string() }),
  'session.info': z.object({
    type: z.literal('session.info'),
    ts_ms,
    host: z.string(),
    kernel_release: z.string(),
    thresholds,
    replay: z.boolean().optional(),
  }),
} satisfies Record<KerntopEvent['type'], z.ZodType>;

export type EventType = keyof typeof EVENT_SCHEMAS;
export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as EventType[];

export type EventCheck = { ok: true; event: KerntopEvent } | { ok: false; reason: string };

/**
 * Checks one parsed JSON value against the schema of its type. The event passed on is the value as it
 * came (fields a newer kerntop added are kept), once its known fields have the right shape.
 */
export function checkEvent(v: unknown): EventCheck {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return { ok: false, reason: 'not an object' };
  const type = (v as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(EVENT_SCHEMAS, type))
    return { ok: false, reason: `unknown event type ${JSON.stringify(type)}` };
  const r = EVENT_SCHEMAS[type as EventType].safeParse(v);
  if (r.success) return { ok: true, event: v as KerntopEvent };
  const issue = r.error.issues[0];
  return { ok: false, reason: `${type}: ${issue.path.join('.') || '(event)'}: ${issue.message}` };
}

// Compile-time: each schema's type equals its interface in events.ts, both ways.
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// Mutually assignable is not enough: { a } and { a, b? } are assignable to each other. Objects are
// compared by their field names too, down to the leaves.
type Same<A, B> =
  Mutual<A, B> extends true
    ? [A] extends [readonly (infer EA)[]]
      ? [B] extends [readonly (infer EB)[]]
        ? Same<EA, EB>
        : false
      : [A] extends [object]
        ? Mutual<keyof A, keyof B> extends true
          ? { [K in keyof A]-?: Same<NonNullable<A[K]>, NonNullable<B[K & keyof B]>> }[keyof A] extends true
            ? true
            : false
          : false
        : true
    : false;
type Drifted = {
  [T in KerntopEvent['type']]: Same<z.infer<(typeof EVENT_SCHEMAS)[T]>, Extract<KerntopEvent, { type: T }>> extends true
    ? never
    : T;
}[KerntopEvent['type']];
const noDrift: [Drifted] extends [never] ? true : { drifted: Drifted } = true;
void noDrift;
