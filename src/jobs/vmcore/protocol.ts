// The collector's stdout protocol: one JSON object per line, written by
// python/kerntop_vmcore/protocol.py. This schema is the contract; a line it refuses is kept as
// stray output for the log, never trusted half-read.
import { z } from 'zod';

const Hello = z.object({
  type: z.literal('hello'),
  protocol: z.number().int(),
  drgn_version: z.string(),
  python: z.string(),
  python_executable: z.string(),
  libkdumpfile: z.boolean(),
  helpers: z.record(z.string(), z.boolean()),
  pid: z.number().int(),
});
const Open = z.object({
  type: z.literal('open'),
  ok: z.boolean(),
  kind: z.string().optional(),
  error: z.string().optional(),
  time_s: z.number(),
});
const Debuginfo = z.object({
  type: z.literal('debuginfo'),
  ok: z.boolean(),
  vmlinux: z.string(),
  modules_loaded: z.array(z.string()).optional(),
  modules_missing: z.array(z.string()).optional(),
  warning: z.string().optional(),
  error: z.string().optional(),
  time_s: z.number().optional(),
});
const PluginStart = z.object({ type: z.literal('plugin.start'), name: z.string() });
const PluginEnd = z.object({
  type: z.literal('plugin.end'),
  name: z.string(),
  ok: z.boolean(),
  /** Not run at all (it needs debuginfo there is none of); error says why. */
  skipped: z.boolean().optional(),
  error: z.string().optional(),
  traceback: z.string().optional(),
  time_s: z.number(),
  files: z.array(z.string()),
  notes: z.array(z.string()),
  // What run(ctx) returned; a plugin returning None sends null.
  data: z.record(z.string(), z.unknown()).nullable().optional(),
});
const Done = z.object({ type: z.literal('done'), time_s: z.number() });
const Fatal = z.object({ type: z.literal('fatal'), kind: z.string(), message: z.string() });

export const CollectorEventSchema = z.discriminatedUnion('type', [Hello, Open, Debuginfo, PluginStart, PluginEnd, Done, Fatal]);

export type CollectorEvent = z.infer<typeof CollectorEventSchema>;
export type PluginEndEvent = z.infer<typeof PluginEnd>;

export type ParsedLine = { ok: true; event: CollectorEvent } | { ok: false; error: string };

/** One stdout line of the collector: the typed event, or why it is not one. */
export function parseCollectorLine(line: string): ParsedLine {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const r = CollectorEventSchema.safeParse(raw);
  return r.success ? { ok: true, event: r.data } : { ok: false, error: z.prettifyError(r.error).replace(/\n/g, '; ') };
}
