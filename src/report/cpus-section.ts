import { formatCpuList } from '../knowledge/cpulist.js';
import { selectCpuRows, type CpuRow } from '../store/cpus-select.js';
import type { StoreState } from '../store/state.js';

/** The per-CPU part of the quiet summary (the noise family): JSON object and text lines. */
export interface CpusSectionJson {
  /** CPUs measured ("0-1"), or "all". */
  measured: string;
  isolated: number[];
  nohz_full: number[];
  partitions: Record<string, number[]>;
  offline: number[];
  cpus: CpuRow[];
}

export function cpusSectionJson(state: StoreState): CpusSectionJson | undefined {
  const cs = state.cpus;
  // Only where the noise family ran (or a recording carries its figures).
  const noise = state.probes.get('noise');
  if (cs.cpus.size === 0 && !(noise && noise.state !== 'SKIPPED')) return undefined;
  const t = cs.topology;
  return {
    measured: t?.measured ? formatCpuList(t.measured) : 'all',
    isolated: t?.isolated ?? [],
    nohz_full: t?.nohz_full ?? [],
    partitions: t?.partitions ?? {},
    offline: t ? t.present.filter((c) => !t.online.includes(c)) : [],
    cpus: selectCpuRows(cs, { window: 'run', top: 5, perKind: true }),
  };
}

const f = (v: number | null) => (v === null ? '-' : String(v));

export function cpusSectionText(state: StoreState): string[] {
  const j = cpusSectionJson(state);
  if (!j || j.cpus.length === 0) return [];
  const iso = [
    j.isolated.length ? `isolated ${formatCpuList(j.isolated)}` : '',
    j.nohz_full.length ? `nohz_full ${formatCpuList(j.nohz_full)}` : '',
    ...Object.entries(j.partitions).map(([p, c]) => `partition ${p} ${formatCpuList(c)}`),
  ].filter(Boolean);
  const out = [
    `CPUS (measured: ${j.measured}${iso.length ? `; ${iso.join('; ')}` : '; no isolated CPUs'}), latencies in us, noise in ms/s`,
  ];
  const head = ['CPU', 'RQ P50', 'RQ P99', 'RQ MAX', 'RT P99', 'RT MAX', 'IRQ', 'SIRQ', 'TASK', 'CS/s', 'IRQ/s'];
  const body = j.cpus.map((r) => [
    `${r.cpu}${r.rt_cpu ? '*' : ''}${r.online ? '' : ' off'}`,
    f(r.rq_p50_us),
    f(r.rq_p99_us),
    f(r.rq_max_us),
    f(r.rt_p99_us),
    f(r.rt_max_us),
    r.irq_ms_per_s.toFixed(2),
    r.softirq_ms_per_s.toFixed(2),
    r.task_ms_per_s.toFixed(2),
    r.ctx_switches_per_s.toFixed(0),
    r.irqs_per_s.toFixed(0),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ')}`.trimEnd();
  out.push(line(head), ...body.map(line));
  for (const r of j.cpus) {
    if (r.top.length === 0) continue;
    const top = r.top
      .slice(0, 6)
      .map(
        (s) =>
          `${s.kind === 'task' ? s.name : s.kind === 'irq' ? `IRQ ${s.id} ${s.name}` : `${s.kind} ${s.name}`} x${s.count} ${s.total_ms.toFixed(2)} ms max ${s.max_us} us`,
      );
    out.push(`  CPU ${r.cpu}${r.owner ? ` (for ${r.owner})` : ''}: ${top.join('; ')}`);
  }
  if (j.cpus.some((r) => r.rt_cpu)) out.push('  * isolated (isolcpus, nohz_full or an isolated cpuset partition)');
  return out;
}
