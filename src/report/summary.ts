import { hostname } from 'node:os';
import type { ProbeStatusEvent, Status } from '../events.js';
import {
  durationS,
  selectFindings,
  selectHistograms,
  selectOverallStatus,
  selectProbes,
  selectSubsystems,
  type StoreState,
  type SubsystemRow,
} from '../store/index.js';
import type { Finding } from '../store/index.js';
import { selectXid } from '../store/xid.js';
import { histogramLines } from './histogram-text.js';
import { xidSection } from './xid-section.js';
import { STATUS_RANK } from '../knowledge/severity.js';

/**
 * The quiet-mode summary as a stable object. Documented in README ("Quiet mode"); fields are only
 * ever added. Exit code follows status: OK 0, WARNING 1, CRITICAL 2.
 */
export interface SummaryJson {
  kerntop_summary: 1;
  host: string;
  kernel_release: string;
  started: string;
  duration_s: number;
  status: Status;
  subsystems: {
    name: string;
    events: number;
    alerts: number;
    rate_per_s: number;
    peak_per_s: number;
    worst_us: number | null;
    p50_us: number | null;
    p95_us: number | null;
    p99_us: number | null;
    status: Status;
    by_key?: Record<string, number>;
    top_comm?: Record<string, number>;
  }[];
  probes: { family: string; state: string; method: string | null; reason: string | null }[];
  histograms: Record<string, { min: number; max: number; count: number }[]>;
  findings: Finding[];
  kmsg?: { records: number; lost: number };
  diagnostics: { source: string; level: string; message: string }[];
  parse_errors: Record<string, number>;
  /** Extra sections contributed by other sources (e.g. "xid"). */
  [section: string]: unknown;
}

/** The exit code of a quiet run is the status's rank. */
export const STATUS_EXIT_CODE: Readonly<Record<Status, number>> = STATUS_RANK;

/** Sections beyond the subsystem table, each with text lines and a JSON value. */
interface SummarySection {
  name: string;
  text(state: StoreState): string[];
  json(state: StoreState): unknown;
}
const sections: SummarySection[] = [
  {
    name: 'xid',
    // On hosts without NVIDIA GPUs the text says nothing rather than "none seen".
    text: (state) => {
      const x = selectXid(state);
      return x.total ? xidSection(x).lines : [];
    },
    json: (state) => xidSection(selectXid(state)).json,
  },
];

function top(r: Record<string, number>, n: number): Record<string, number> | undefined {
  const e = Object.entries(r)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n);
  return e.length ? Object.fromEntries(e) : undefined;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export function summaryJson(state: StoreState, opts: { histograms: boolean }): SummaryJson {
  const rows = selectSubsystems(state);
  const out: SummaryJson = {
    kerntop_summary: 1,
    host: state.session?.host ?? hostname(),
    kernel_release: state.session?.kernel_release ?? '',
    started: new Date(state.started_ms).toISOString(),
    duration_s: round2(durationS(state)),
    status: selectOverallStatus(state),
    subsystems: rows.map((r) => {
      const s = state.subsystems.get(r.name)!;
      return {
        name: r.name,
        events: r.events,
        alerts: r.alerts,
        rate_per_s: round2(r.rate_per_s),
        peak_per_s: r.peak_per_s,
        worst_us: r.worst_us,
        p50_us: r.p50_us,
        p95_us: r.p95_us,
        p99_us: r.p99_us,
        status: r.status,
        ...(Object.keys(r.by_key).length ? { by_key: top(r.by_key, 20) } : {}),
        ...(Object.keys(s.by_comm).length ? { top_comm: top(s.by_comm, 5) } : {}),
      };
    }),
    probes: selectProbes(state).map((p: ProbeStatusEvent) => ({
      family: p.family,
      state: p.state,
      method: p.method ?? null,
      reason: p.reason ?? null,
    })),
    histograms: opts.histograms ? selectHistograms(state) : {},
    findings: selectFindings(state),
    diagnostics: state.diags.toArray().map((d) => ({ source: d.source, level: d.level, message: d.message })),
    parse_errors: { ...state.parse_errors },
  };
  if (state.kmsg.records.total > 0 || state.kmsg.lost > 0)
    out.kmsg = { records: state.kmsg.records.total, lost: state.kmsg.lost };
  for (const s of sections) out[s.name] = s.json(state);
  return out;
}

const fmt = (v: number | null) => (v === null ? '-' : String(v));

function table(rows: SubsystemRow[]): string[] {
  const head = ['SUBSYSTEM', 'EVENTS', 'RATE/s', 'WORST us', 'P99 us', 'STATUS'];
  const body = rows.map((r) => [r.name, String(r.events), r.rate_per_s.toFixed(1), fmt(r.worst_us), fmt(r.p99_us), r.status]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(w[i]) : c.padStart(w[i])))
      .join('  ')
      .trimEnd();
  return [line(head), ...body.map(line)];
}

/** Names of histogrammed families, for headings. */
const HIST_TITLES: Record<string, string> = { sched: 'run-queue latency', bio: 'block I/O latency', vfs: 'read/write latency' };

export function summaryText(state: StoreState, opts: { histograms: boolean }): string {
  const j = summaryJson(state, opts);
  const out: string[] = [];
  out.push(`kerntop summary: ${j.host}, kernel ${j.kernel_release || 'unknown'}, ${j.duration_s.toFixed(1)} s from ${j.started}`);
  out.push(`status: ${j.status}`);
  out.push('');
  const rows = selectSubsystems(state);
  out.push(...(rows.length ? table(rows) : ['(no events)']));
  if (j.probes.length) {
    out.push('', 'PROBES');
    const fw = Math.max(...j.probes.map((p) => p.family.length));
    for (const p of j.probes)
      out.push(`  ${p.family.padEnd(fw)}  ${p.state.padEnd(8)}  ${(p.method ?? '-').padEnd(10)}  ${p.reason ?? ''}`.trimEnd());
  }
  if (opts.histograms) {
    for (const [name, buckets] of Object.entries(j.histograms)) {
      if (!(name in HIST_TITLES)) continue;
      const r = rows.find((x) => x.name === name);
      out.push(
        '',
        `${HIST_TITLES[name]} (${name}), us: p50 ${fmt(r?.p50_us ?? null)}, p99 ${fmt(r?.p99_us ?? null)}, worst ${fmt(r?.worst_us ?? null)}`,
      );
      out.push(...histogramLines(buckets).map((l) => `  ${l}`));
    }
  }
  for (const s of sections) {
    const lines = s.text(state);
    if (lines.length) out.push('', ...lines);
  }
  if (j.kmsg) out.push('', `kernel log: ${j.kmsg.records} records read${j.kmsg.lost ? `, ${j.kmsg.lost} records lost` : ''}`);
  out.push('', 'FINDINGS');
  if (j.findings.length === 0) out.push('  none: every measured subsystem is within its thresholds');
  for (const f of j.findings) out.push(`  ${f.status.padEnd(8)} ${f.subsystem}: ${f.message}`, `           advice: ${f.advice}`);
  const errs = Object.entries(j.parse_errors);
  if (errs.length) out.push('', `unparsed lines skipped: ${errs.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const diags = j.diagnostics.filter((d) => d.level !== 'info');
  if (diags.length) out.push('', 'DIAGNOSTICS', ...diags.slice(-10).map((d) => `  ${d.level}: ${d.message}`));
  return out.join('\n') + '\n';
}
