import { DEFAULT_THRESHOLDS } from '../events.js';
import { formatCpuList } from '../knowledge/cpulist.js';
import {
  adviceFor,
  IRQ_ADVICE,
  latencyStatus,
  NOHZ_SHARED_ADVICE,
  OWN_TASK_ADVICE,
  RT_LATENCY_ADVICE,
  SOFTIRQ_ADVICE,
  TASK_ADVICE,
  VECTOR_ADVICE,
  type AdviceRow,
} from '../knowledge/rt-advice.js';
import { housekeepingCpus, selectCpuRows, type CpuRow, type CpuSourceRow } from './cpus-select.js';
import type { Finding } from './rules.js';
import type { StoreState } from './state.js';

/** Sources of each kind (IRQ, softirq, vector, task) judged per CPU, most time first, so one noisy CPU does not bury the rest. */
const PER_KIND = 2;

const num = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: n < 10 ? 1 : 0 });
const ms = (x: number) => (x >= 1 ? `${num(x)} ms` : `${num(x * 1000)} us`);

function isolatedWord(r: CpuRow): string {
  return r.nohz_full && !r.isolated && !r.partition ? 'nohz_full' : 'isolated';
}

function what(s: CpuSourceRow): { table: readonly AdviceRow[]; label: string } {
  switch (s.kind) {
    case 'irq':
      return { table: IRQ_ADVICE, label: `IRQ ${s.id}${s.name && s.name !== `IRQ ${s.id}` ? ` (${s.name})` : ''}` };
    case 'softirq':
      return { table: SOFTIRQ_ADVICE, label: `softirq ${s.name}` };
    case 'vector':
      return { table: VECTOR_ADVICE, label: `${s.name} interrupt` };
    default:
      if (s.own) return { table: OWN_TASK_ADVICE, label: `${s.name} (kerntop)` };
      return { table: TASK_ADVICE, label: s.id.startsWith('kworker/') ? 'kworker' : s.id };
  }
}

/** Noise seen on CPUs kept for RT work (isolcpus, nohz_full, isolated cpuset partitions), with the fix. */
export function selectCpuFindings(state: StoreState): Finding[] {
  const cs = state.cpus;
  if (cs.cpus.size === 0) return [];
  const rows = selectCpuRows(cs, { window: 'run', top: PER_KIND, perKind: true });
  const hk = formatCpuList(housekeepingCpus(cs));
  const warn = state.thresholds.noise_warn_us ?? DEFAULT_THRESHOLDS.noise_warn_us!;
  const secs = cs.measured_ms / 1000;
  const out: Finding[] = [];
  let allTasks: Map<number, CpuSourceRow[]> | undefined;
  for (const r of rows) {
    if (r.rt_p99_us !== null && r.rt_p99_us >= warn) {
      const top = r.top[0] ? `${what(r.top[0]).label} (${ms(r.top[0].total_ms)} in all)` : null;
      out.push({
        subsystem: 'cpus',
        status: latencyStatus(r.rt_p99_us, warn),
        message: `RT wakeup latency p99 ${r.rt_p99_us} us on CPU ${r.cpu} (max ${r.rt_max_us} us, ${r.rt_wakeups} wakeups) is above ${warn} us`,
        advice: RT_LATENCY_ADVICE(r.cpu, top),
      });
    }
    if (!r.rt_cpu || !r.online) continue;
    for (const s of r.top) {
      const { table, label } = what(s);
      // Under one per second "N times in T s" says more than a rate of 0.1/s.
      const often = s.per_s >= 1 ? `${num(s.per_s)} times/s` : `${s.count} times in ${num(secs)} s`;
      const message =
        s.kind === 'task'
          ? `${label} ran ${ms(s.total_ms)} on ${isolatedWord(r)} CPU ${r.cpu} (${s.count} slices, longest ${num(s.max_us)} us)`
          : `${label} ran ${often} on ${isolatedWord(r)} CPU ${r.cpu} (${ms(s.total_ms)} in all, longest ${num(s.max_us)} us)`;
      const { fix, advice } = adviceFor(table, {
        cpu: r.cpu,
        hk,
        id: s.kind === 'softirq' || s.kind === 'vector' ? s.name : s.id,
      });
      out.push({ subsystem: 'cpus', status: 'WARNING', message: `${message}: ${fix}`, advice });
    }
    const tasks =
      (allTasks ??= new Map(
        selectCpuRows(cs, { window: 'run', top: 50, perKind: true }).map((x) => [x.cpu, x.top.filter((t) => t.kind === 'task')]),
      )).get(r.cpu) ?? [];
    if (r.nohz_full && tasks.length + (r.owner ? 1 : 0) >= 2) {
      const n = tasks.length + (r.owner ? 1 : 0);
      out.push({
        subsystem: 'cpus',
        status: 'WARNING',
        message: `${n} tasks ran on nohz_full CPU ${r.cpu} (${[r.owner, ...tasks.map((t) => t.id)].filter(Boolean).slice(0, 4).join(', ')}): the tick is on while more than one is runnable`,
        advice: NOHZ_SHARED_ADVICE(r.cpu, hk),
      });
    }
  }
  return out;
}
