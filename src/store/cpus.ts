import type { CpuNoiseSource, CpuTick, CpuTopologyEvent, KerntopEvent } from '../events.js';
import { addBuckets, emptyHist, type Log2Hist } from './histogram.js';

/**
 * The per-CPU slice of the store, fed by the noise family's ticks (a CpuTick per CPU) and by
 * cpu.topology events. Totals since the start (or the last clear), plus the last interval for the live
 * view. Memory is bounded: sources per CPU fold into "other" past MAX_SOURCES, CPUs past MAX_CPUS are
 * dropped.
 */
const MAX_SOURCES = 128;
const MAX_CPUS = 1024;

export interface CpuAcc {
  cpu: number;
  rq_hist: Log2Hist;
  rq_max_us: number | null;
  rt_hist: Log2Hist;
  rt_max_us: number | null;
  ctx_switches: number;
  irqs: number;
  irq_ns: number;
  softirqs: number;
  softirq_ns: number;
  ipis: number;
  /** kind:id -> totals. */
  sources: Map<string, CpuNoiseSource>;
  /** The CPU's last interval as the kernel reported it, and how long it was. */
  last: CpuTick | null;
  last_interval_ms: number;
  last_ts_ms: number;
}

export interface CpusState {
  topology: CpuTopologyEvent | null;
  cpus: Map<number, CpuAcc>;
  /** Time covered by noise ticks: the denominator of every per-second figure. */
  measured_ms: number;
  last_tick_ms: number | null;
}

export function createCpusState(): CpusState {
  return { topology: null, cpus: new Map(), measured_ms: 0, last_tick_ms: null };
}

function acc(s: CpusState, cpu: number): CpuAcc | null {
  let a = s.cpus.get(cpu);
  if (!a) {
    if (s.cpus.size >= MAX_CPUS) return null;
    a = {
      cpu,
      rq_hist: emptyHist(),
      rq_max_us: null,
      rt_hist: emptyHist(),
      rt_max_us: null,
      ctx_switches: 0,
      irqs: 0,
      irq_ns: 0,
      softirqs: 0,
      softirq_ns: 0,
      ipis: 0,
      sources: new Map(),
      last: null,
      last_interval_ms: 0,
      last_ts_ms: 0,
    };
    s.cpus.set(cpu, a);
  }
  return a;
}

const maxOf = (a: number | null, b: number | undefined) => (b === undefined ? a : a === null || b > a ? b : a);

function addSource(a: CpuAcc, src: CpuNoiseSource): void {
  let key = `${src.kind}:${src.id}`;
  let cur = a.sources.get(key);
  if (!cur && a.sources.size >= MAX_SOURCES) {
    key = `${src.kind}:other`;
    cur = a.sources.get(key) ?? { kind: src.kind, id: 'other', name: 'other', count: 0, total_ns: 0, max_ns: 0 };
    a.sources.set(key, cur);
  }
  if (!cur) {
    a.sources.set(key, { ...src });
    return;
  }
  cur.count += src.count;
  cur.total_ns += src.total_ns;
  if (src.max_ns > cur.max_ns) cur.max_ns = src.max_ns;
  if (src.rt) cur.rt = true;
  if (src.own) cur.own = true;
}

/** Reducer: in place, no I/O, no clock. */
export function applyCpus(s: CpusState, ev: KerntopEvent): CpusState {
  if (ev.type === 'cpu.topology') {
    s.topology = ev;
    return s;
  }
  if (ev.type !== 'probe.tick' || ev.family !== 'noise') return s;
  s.measured_ms += ev.interval_ms;
  s.last_tick_ms = ev.ts_ms;
  for (const [k, t] of Object.entries(ev.by_cpu ?? {})) {
    const cpu = Number(k);
    if (!Number.isInteger(cpu) || cpu < 0) continue;
    const a = acc(s, cpu);
    if (!a) continue;
    if (t.rq_hist_us) addBuckets(a.rq_hist, t.rq_hist_us);
    a.rq_max_us = maxOf(a.rq_max_us, t.rq_max_us);
    if (t.rt_hist_us) addBuckets(a.rt_hist, t.rt_hist_us);
    a.rt_max_us = maxOf(a.rt_max_us, t.rt_max_us);
    a.ctx_switches += t.ctx_switches;
    a.irqs += t.irqs;
    a.irq_ns += t.irq_ns;
    a.softirqs += t.softirqs;
    a.softirq_ns += t.softirq_ns;
    a.ipis += t.ipis ?? 0;
    for (const src of t.sources) addSource(a, src);
    a.last = t;
    a.last_interval_ms = ev.interval_ms;
    a.last_ts_ms = ev.ts_ms;
  }
  return s;
}

export function clearCpus(s: CpusState): void {
  s.cpus.clear();
  s.measured_ms = 0;
  s.last_tick_ms = null;
}
