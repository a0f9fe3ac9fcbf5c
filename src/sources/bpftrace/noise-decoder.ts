import type { CpuNoiseSource, CpuTick, KernelEvent, Log2Bucket, ProbeTickEvent } from '../../events.js';
import { DEFAULT_THRESHOLDS } from '../../events.js';
import { softirqName, vectorName } from '../../knowledge/interrupts.js';
import { EVENT_LINES } from './catalog.js';
import type { DecodeContext, FamilyDecoder, MapValue } from './decoder-types.js';
import { readEventLine } from './event-line.js';

// The noise family's maps (bpf-scripts/noise.*.bt) become one probe.tick with a CpuTick per CPU.
// Two-key maps print their key as "cpu,second" (bpftrace 0.17 joins keys with ","): the CPU never
// holds a comma, so everything after the first one is the second key, commas in a comm included.

type Counts = Record<string, number>;

const counts = (v: MapValue | undefined): Counts => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  const out: Counts = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'number') out[k] = x;
  return out;
};
const hists = (v: MapValue | undefined): Record<string, Log2Bucket[]> => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  const out: Record<string, Log2Bucket[]> = {};
  for (const [k, x] of Object.entries(v)) if (Array.isArray(x)) out[k] = x;
  return out;
};
const splitKey = (k: string): [string, string] => {
  const i = k.indexOf(',');
  return i < 0 ? [k, ''] : [k.slice(0, i), k.slice(i + 1)];
};
const isInt = (s: string) => /^\d+$/.test(s);

function emptyCpu(): CpuTick {
  return { ctx_switches: 0, irqs: 0, irq_ns: 0, softirqs: 0, softirq_ns: 0, sources: [] };
}

/** Sources of one kind from its count, total and max maps. */
function sourcesOf(
  maps: ReadonlyMap<string, MapValue>,
  prefix: string,
  kind: CpuNoiseSource['kind'],
  name: (id: string) => string,
  rt?: Counts,
): Map<string, CpuNoiseSource[]> {
  const n = counts(maps.get(`${prefix}_n`));
  const ns = counts(maps.get(`${prefix}_ns`));
  const max = counts(maps.get(`${prefix}_max_ns`));
  const out = new Map<string, CpuNoiseSource[]>();
  for (const key of new Set([...Object.keys(n), ...Object.keys(ns)])) {
    const [cpu, id] = splitKey(key);
    if (!isInt(cpu)) continue;
    const src: CpuNoiseSource = { kind, id, name: name(id), count: n[key] ?? 0, total_ns: ns[key] ?? 0, max_ns: max[key] ?? 0 };
    if (rt && rt[key]) src.rt = true;
    let list = out.get(cpu);
    if (!list) out.set(cpu, (list = []));
    list.push(src);
  }
  return out;
}

function ownSources(m: Map<string, CpuNoiseSource[]>): Map<string, CpuNoiseSource[]> {
  for (const list of m.values()) for (const s of list) Object.assign(s, { id: `kerntop:${s.id}`, own: true });
  return m;
}

function irqLabel(id: string, ctx: DecodeContext): string {
  const name = isInt(id) ? ctx.irqName?.(Number(id)) : undefined;
  return name ?? `IRQ ${id}`;
}

export const NOISE_DECODER: FamilyDecoder = {
  family: 'noise',
  event: {
    line: EVENT_LINES.noise,
    decode(words, ctx, ts_ms): KernelEvent | null {
      const f = readEventLine(EVENT_LINES.noise, words);
      if (!f) return null;
      const { kind, cpu, duration_us: value_us, id, comm } = f;
      const base = { type: 'kernel.event' as const, ts_ms, source: 'noise', subsystem: 'noise', value_us, cpu, in_tick: true };
      // The task the interruption took the CPU from (absent in captures from before it was printed).
      const on = comm ? `, interrupting ${comm}` : '';
      const warn = ctx.thresholds.noise_warn_us ?? DEFAULT_THRESHOLDS.noise_warn_us!;
      switch (kind) {
        case 'irq': {
          const name = ctx.irqName?.(id);
          return {
            ...base,
            severity: 'info',
            title: `hard IRQ ${id}${name ? ` (${name})` : ''} ran ${value_us} us on CPU ${cpu}${on}`,
            fields: { kind: 'irq', irq: id, name: name ?? null, interrupted: comm || null },
          };
        }
        case 'softirq': {
          const vec = softirqName(id);
          return {
            ...base,
            severity: 'info',
            title: `softirq ${vec} ran ${value_us} us on CPU ${cpu}${on}`,
            fields: { kind: 'softirq', vector: vec, interrupted: comm || null },
          };
        }
        case 'rtwake':
          return {
            ...base,
            severity: value_us >= 10 * warn ? 'critical' : 'warning',
            title: `RT wakeup latency ${value_us} us on CPU ${cpu}: ${comm}[${id}]`,
            pid: id,
            comm,
          };
        default:
          return null;
      }
    },
  },
  tick(maps, ctx, ts_ms, interval_ms) {
    const by_cpu: Record<string, CpuTick> = {};
    const cpuOf = (c: string): CpuTick => (by_cpu[c] ??= emptyCpu());
    const add = (m: Map<string, CpuNoiseSource[]>, into: (t: CpuTick, s: CpuNoiseSource) => void) => {
      for (const [cpu, list] of m) {
        const t = cpuOf(cpu);
        for (const s of list) {
          t.sources.push(s);
          into(t, s);
        }
      }
    };
    add(
      sourcesOf(maps, 'noise_irq', 'irq', (id) => irqLabel(id, ctx)),
      (t, s) => ((t.irqs += s.count), (t.irq_ns += s.total_ns)),
    );
    add(
      sourcesOf(maps, 'noise_vec', 'vector', (id) => vectorName(Number(id))),
      (t, s) => ((t.irqs += s.count), (t.irq_ns += s.total_ns)),
    );
    add(
      sourcesOf(maps, 'noise_si', 'softirq', (id) => softirqName(Number(id))),
      (t, s) => ((t.softirqs += s.count), (t.softirq_ns += s.total_ns)),
    );
    add(
      sourcesOf(maps, 'noise_task', 'task', (id) => id, counts(maps.get('noise_task_rt'))),
      () => {},
    );
    // kerntop's own threads: tasks too, under an id of their own so a task of the same comm stays apart.
    add(ownSources(sourcesOf(maps, 'noise_own', 'task', (id) => id)), () => {});
    add(
      sourcesOf(maps, 'noise_wq', 'work', (id) => id),
      () => {},
    );
    for (const [cpu, n] of Object.entries(counts(maps.get('noise_cs')))) if (isInt(cpu)) cpuOf(cpu).ctx_switches = n;
    for (const [cpu, n] of Object.entries(counts(maps.get('noise_ipi')))) if (isInt(cpu)) cpuOf(cpu).ipis = n;
    for (const [cpu, h] of Object.entries(hists(maps.get('noise_rq_lat_us')))) if (isInt(cpu)) cpuOf(cpu).rq_hist_us = h;
    for (const [cpu, n] of Object.entries(counts(maps.get('noise_rq_max_us')))) if (isInt(cpu)) cpuOf(cpu).rq_max_us = n;
    for (const [cpu, h] of Object.entries(hists(maps.get('noise_rt_lat_us')))) if (isInt(cpu)) cpuOf(cpu).rt_hist_us = h;
    for (const [cpu, n] of Object.entries(counts(maps.get('noise_rt_max_us')))) if (isInt(cpu)) cpuOf(cpu).rt_max_us = n;

    let interruptions = 0;
    let worst_ns = 0;
    for (const t of Object.values(by_cpu)) {
      interruptions += t.irqs + t.softirqs;
      for (const s of t.sources) if (s.kind !== 'task' && s.kind !== 'work' && s.max_ns > worst_ns) worst_ns = s.max_ns;
    }
    const tick: ProbeTickEvent = { type: 'probe.tick', ts_ms, family: 'noise', interval_ms, count: interruptions };
    if (worst_ns > 0) tick.max_us = Math.round(worst_ns / 1000);
    if (Object.keys(by_cpu).length) tick.by_cpu = by_cpu;
    return { tick, events: [] };
  },
};
