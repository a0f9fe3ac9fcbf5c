import type { CpuNoiseSource, Log2Bucket } from '../events.js';
import { quantile, toBuckets, type Log2Hist } from './histogram.js';
import type { CpuAcc, CpusState } from './cpus.js';
import { PER_CPU_KTHREAD } from '../knowledge/rt-advice.js';
import { formatCpuList } from '../knowledge/cpulist.js';

/** One noise source of one CPU, as views show it. */
export interface CpuSourceRow {
  kind: CpuNoiseSource['kind'];
  id: string;
  name: string;
  count: number;
  per_s: number;
  total_ms: number;
  max_us: number;
  rt: boolean;
  /** kerntop's own node process or bpftrace child: it takes the CPU too, so it is listed, labelled. */
  own: boolean;
}

/** One CPU, as the cpus pane and the summary show it. Rates per second over the window asked for. */
export interface CpuRow {
  cpu: number;
  online: boolean;
  isolated: boolean;
  nohz_full: boolean;
  /** cgroup of the isolated cpuset partition holding it, if any. */
  partition: string | null;
  /** Isolated one way or another: where noise matters. */
  rt_cpu: boolean;
  rq_p50_us: number | null;
  rq_p99_us: number | null;
  rq_max_us: number | null;
  rt_wakeups: number;
  rt_p50_us: number | null;
  rt_p99_us: number | null;
  rt_max_us: number | null;
  irq_ms_per_s: number;
  softirq_ms_per_s: number;
  /** Time of tasks other than the CPU's own (see owner). */
  task_ms_per_s: number;
  noise_ms_per_s: number;
  ctx_switches_per_s: number;
  irqs_per_s: number;
  ipis_per_s: number;
  /** The task the CPU is for: the RT task with the most time on it, else a task that held it most of the time. */
  owner: string | null;
  /** Noise sources, most time first: IRQs, softirqs, vectors, tasks other than the owner. */
  top: CpuSourceRow[];
  /** Work functions run by kworkers on this CPU, most time first. */
  work: CpuSourceRow[];
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** A log2 bucket's upper edge can exceed the largest value seen; never report more than that. */
function q(h: Log2Hist, p: number, max: number | null): number | null {
  const v = quantile(h, p);
  return v !== null && max !== null ? Math.min(v, max) : v;
}

function ownerOf(sources: CpuNoiseSource[], window_ns: number): string | null {
  // Per-CPU kernel threads run with RT priority too (migration, threaded IRQs): they are noise, never the owner.
  const tasks = sources.filter((s) => s.kind === 'task' && !PER_CPU_KTHREAD.test(s.id));
  const rt = tasks.filter((s) => s.rt).sort((a, b) => b.total_ns - a.total_ns)[0];
  if (rt) return rt.id;
  const top = tasks.sort((a, b) => b.total_ns - a.total_ns)[0];
  return top && window_ns > 0 && top.total_ns >= window_ns / 2 ? top.id : null;
}

export interface CpuWindow {
  /** 'run': totals since the start; 'last': the last interval (live view rates). Latencies are always since the start. */
  window: 'run' | 'last';
  /** Sources listed per CPU. */
  top?: number;
  /** List up to `top` of each kind (IRQs, softirqs, vectors, tasks), rather than `top` in all. */
  perKind?: boolean;
}

function rowOf(s: CpusState, a: CpuAcc | undefined, cpu: number, w: CpuWindow): CpuRow {
  const t = s.topology;
  const isolated = t?.isolated.includes(cpu) ?? false;
  const nohz_full = t?.nohz_full.includes(cpu) ?? false;
  const partition = t ? (Object.entries(t.partitions).find(([, cpus]) => cpus.includes(cpu))?.[0] ?? null) : null;
  const online = t ? t.online.includes(cpu) : true;
  const last = w.window === 'last';
  const ms = last ? (a?.last_interval_ms ?? 0) : s.measured_ms;
  const perS = (n: number) => (ms > 0 ? (n * 1000) / ms : 0);
  const lt = a?.last;
  const sources = a ? (last ? (lt?.sources ?? []) : [...a.sources.values()]) : [];
  const owner = ownerOf(sources, ms * 1e6);
  const n = w.top ?? 5;
  const rows = (kinds: CpuNoiseSource['kind'][]) =>
    (w.perKind
      ? kinds.flatMap((k) => pick([k]).slice(0, n)).sort((x, y) => y.total_ns - x.total_ns)
      : pick(kinds).slice(0, n)
    ).map((x) => ({
      kind: x.kind,
      id: x.id,
      name: x.name,
      count: x.count,
      per_s: round(perS(x.count)),
      total_ms: round(x.total_ns / 1e6, 3),
      max_us: round(x.max_ns / 1000, 1),
      rt: x.rt === true,
      own: x.own === true,
    }));
  function pick(kinds: CpuNoiseSource['kind'][]) {
    return sources
      .filter((x) => kinds.includes(x.kind) && !(x.kind === 'task' && x.id === owner))
      .sort((x, y) => y.total_ns - x.total_ns);
  }
  const taskNs = sources.filter((x) => x.kind === 'task' && x.id !== owner).reduce((n, x) => n + x.total_ns, 0);
  const irq_ns = last ? (lt?.irq_ns ?? 0) : (a?.irq_ns ?? 0);
  const softirq_ns = last ? (lt?.softirq_ns ?? 0) : (a?.softirq_ns ?? 0);
  const msPerS = (ns: number) => round(perS(ns) / 1e6, 3);
  return {
    cpu,
    online,
    isolated,
    nohz_full,
    partition,
    rt_cpu: isolated || nohz_full || partition !== null,
    rq_p50_us: a ? q(a.rq_hist, 0.5, a.rq_max_us) : null,
    rq_p99_us: a ? q(a.rq_hist, 0.99, a.rq_max_us) : null,
    rq_max_us: a?.rq_max_us ?? null,
    rt_wakeups: a ? a.rt_hist.reduce((n, c) => n + c, 0) : 0,
    rt_p50_us: a ? q(a.rt_hist, 0.5, a.rt_max_us) : null,
    rt_p99_us: a ? q(a.rt_hist, 0.99, a.rt_max_us) : null,
    rt_max_us: a?.rt_max_us ?? null,
    irq_ms_per_s: msPerS(irq_ns),
    softirq_ms_per_s: msPerS(softirq_ns),
    task_ms_per_s: msPerS(taskNs),
    noise_ms_per_s: msPerS(irq_ns + softirq_ns + taskNs),
    ctx_switches_per_s: round(perS(last ? (lt?.ctx_switches ?? 0) : (a?.ctx_switches ?? 0)), 1),
    irqs_per_s: round(perS(last ? (lt?.irqs ?? 0) : (a?.irqs ?? 0)), 1),
    ipis_per_s: round(perS(last ? (lt?.ipis ?? 0) : (a?.ipis ?? 0)), 1),
    owner,
    top: rows(['irq', 'vector', 'softirq', 'task']),
    work: rows(['work']),
  };
}

/** The CPUs to list: those measured (all present ones by default), RT CPUs first. */
export function cpuNumbers(s: CpusState): number[] {
  const t = s.topology;
  const seen = [...s.cpus.keys()];
  const base = t ? (t.measured ?? t.present) : seen;
  const all = [...new Set([...base, ...seen.filter((c) => !t?.measured || t.measured.includes(c))])].sort((a, b) => a - b);
  const rt = new Set([...(t?.isolated ?? []), ...(t?.nohz_full ?? []), ...Object.values(t?.partitions ?? {}).flat()]);
  return [...all.filter((c) => rt.has(c)), ...all.filter((c) => !rt.has(c))];
}

export function selectCpuRows(s: CpusState, w: CpuWindow = { window: 'run' }): CpuRow[] {
  return cpuNumbers(s).map((c) => rowOf(s, s.cpus.get(c), c, w));
}

/** Run-queue or RT wakeup latency histogram of one CPU (µs), for the histogram pane. */
export function selectCpuHistogram(s: CpusState, cpu: number, which: 'rq' | 'rt'): Log2Bucket[] {
  const a = s.cpus.get(cpu);
  return a ? toBuckets(which === 'rq' ? a.rq_hist : a.rt_hist) : [];
}

/** CPUs that are not the RT ones: where IRQs and housekeeping should go. */
export function housekeepingCpus(s: CpusState): number[] {
  const t = s.topology;
  if (!t) return [];
  const rt = new Set([...t.isolated, ...t.nohz_full, ...Object.values(t.partitions).flat()]);
  return t.present.filter((c) => !rt.has(c));
}

/** "isolated 2-3, nohz_full 2-3, partition /rt 4": what the header names; '' when the host isolates nothing. */
export function isolationText(s: CpusState): string {
  const t = s.topology;
  if (!t) return '';
  const parts = [
    t.isolated.length ? `isolated ${formatCpuList(t.isolated)}` : '',
    t.nohz_full.length ? `nohz_full ${formatCpuList(t.nohz_full)}` : '',
    ...Object.entries(t.partitions).map(([p, c]) => `partition ${p} ${formatCpuList(c)}`),
  ];
  const off = t.present.filter((c) => !t.online.includes(c));
  if (off.length) parts.push(`offline ${formatCpuList(off)}`);
  return parts.filter(Boolean).join(', ');
}

/** Every CPU's histograms keyed as the histogram pane names them: "cpuN" (run-queue), "cpuN-rt" (RT wakeup). */
export function cpuHistograms(s: CpusState): Record<string, Log2Bucket[]> {
  const out: Record<string, Log2Bucket[]> = {};
  for (const [cpu, a] of s.cpus) {
    const rq = toBuckets(a.rq_hist);
    const rt = toBuckets(a.rt_hist);
    if (rq.length) out[`cpu${cpu}`] = rq;
    if (rt.length) out[`cpu${cpu}-rt`] = rt;
  }
  return out;
}
