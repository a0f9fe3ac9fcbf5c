import type { Log2Bucket, ProbeFamily, ProbeStatusEvent, Status } from '../events.js';
import { NOT_SELECTED_REASON, PROBE_FAMILIES } from '../events.js';
import { quantile, toBuckets } from './histogram.js';
import { RULES, type Finding, type SubsystemStats } from './rules.js';
import { SEVERITY_RANK, SEVERITY_STATUS, worstStatus } from '../knowledge/severity.js';
import type { StoreState, SubsystemState } from './state.js';

export interface SubsystemRow extends SubsystemStats {
  /** Events in the last complete second, and per second over the last 10 s. */
  rate_1s: number;
  rate_10s: number;
  p95_us: number | null;
  status: Status;
}

export function durationS(state: StoreState): number {
  return Math.max(0, (state.now_ms - state.started_ms) / 1000);
}

function windowRates(s: SubsystemState, now_ms: number): { rate_1s: number; rate_10s: number } {
  const nowSec = Math.floor(now_ms / 1000);
  let last = 0;
  let ten = 0;
  for (let i = 0; i < s.counts.length; i++) {
    const sec = s.second_base + i;
    if (sec === nowSec - 1) last = s.counts[i];
    if (sec >= nowSec - 10 && sec < nowSec) ten += s.counts[i];
  }
  return { rate_1s: last, rate_10s: ten / 10 };
}

/** A log2 bucket's upper edge can exceed the largest value actually seen; never report more than that. */
function q(s: SubsystemState, p: number): number | null {
  const v = quantile(s.hist_us, p);
  return v !== null && s.worst_us !== null ? Math.min(v, s.worst_us) : v;
}

export function statsOf(s: SubsystemState, duration_s: number): SubsystemStats {
  return {
    name: s.name,
    events: s.events,
    alerts: s.alerts,
    rate_per_s: duration_s > 0 ? s.events / duration_s : s.events,
    peak_per_s: s.peak_per_s,
    worst_us: s.worst_us,
    p50_us: q(s, 0.5),
    p99_us: q(s, 0.99),
    worst_severity: s.worst_severity,
    by_key: s.by_key,
  };
}

export function judge(stats: SubsystemStats, state: StoreState): { status: Status; finding: Finding | null } {
  const rule = RULES.find((r) => r.subsystem === stats.name);
  if (rule) {
    const finding = rule.judge(stats, state.thresholds);
    return { status: finding?.status ?? 'OK', finding };
  }
  const status: Status = stats.worst_severity ? SEVERITY_STATUS[stats.worst_severity] : 'OK';
  return { status, finding: null };
}

/**
 * A subsystem judged by its events (kernel log, Xid): the finding is its worst recent event, and the
 * advice the action that event carries, if any.
 */
function eventFinding(state: StoreState, s: SubsystemState, status: Status): Finding {
  const recent = state.recent.toArray().filter((e) => e.subsystem === s.name);
  const worst = recent.reduce<(typeof recent)[number] | undefined>(
    (w, e) => (!w || SEVERITY_RANK[e.severity] >= SEVERITY_RANK[w.severity] ? e : w),
    undefined,
  );
  const action = worst?.xid?.action ?? worst?.fields?.action;
  return {
    subsystem: s.name,
    status,
    message: `${s.alerts} event(s)${worst ? `; worst: ${worst.title}` : ''}`,
    advice: typeof action === 'string' && action ? action : 'see the kernel log (kerntop kmsg) around these events',
  };
}

/** Order: probe families in catalog order, then other subsystems by name. */
function orderedSubsystems(state: StoreState): SubsystemState[] {
  const fams = PROBE_FAMILIES.filter((f) => state.subsystems.has(f)).map((f) => state.subsystems.get(f)!);
  const others = [...state.subsystems.values()]
    .filter((s) => !PROBE_FAMILIES.includes(s.name as ProbeFamily))
    .sort((a, b) => a.name.localeCompare(b.name));
  return [...fams, ...others];
}

export function selectSubsystems(state: StoreState): SubsystemRow[] {
  const d = durationS(state);
  return orderedSubsystems(state).map((s) => {
    const stats = statsOf(s, d);
    return { ...stats, ...windowRates(s, state.now_ms), p95_us: q(s, 0.95), status: judge(stats, state).status };
  });
}

export function selectFindings(state: StoreState): Finding[] {
  const d = durationS(state);
  const out: Finding[] = [];
  for (const s of orderedSubsystems(state)) {
    const { status, finding } = judge(statsOf(s, d), state);
    if (finding) out.push(finding);
    else if (status !== 'OK') out.push(eventFinding(state, s, status));
  }
  out.push(...probeFindings(state));
  // Records overwritten before they were read were never judged: an error among them went unseen.
  if (state.kmsg.lost > 0) out.push(kmsgLostFinding(state.kmsg.lost));
  return out;
}

/**
 * What was not measured cannot be OK: a family that FAILED or STALLED warns, and so does a run in
 * which no probe family could run at all (every one SKIPPED: bpftrace missing, no privileges...).
 */
function probeFindings(state: StoreState): Finding[] {
  const probes = [...state.probes.values()];
  const out: Finding[] = [];
  for (const p of probes) {
    if (p.state === 'FAILED')
      out.push({
        subsystem: p.family,
        status: 'WARNING',
        message: `probe ${p.family} failed: ${p.reason ?? 'unknown reason'}`,
        advice: 'see `kerntop probes` for what this host supports',
      });
    if (p.state === 'STALLED')
      out.push({
        subsystem: p.family,
        status: 'WARNING',
        message: `probe ${p.family} stalled: ${p.reason ?? 'no output'}`,
        advice: 'its bpftrace child stopped reporting; see whether it was stopped (SIGSTOP, a debugger) or starved of CPU',
      });
  }
  if (probes.length > 0 && probes.every((p) => p.state === 'SKIPPED')) {
    const why = [...new Set(probes.map((p) => p.reason ?? '').filter((r) => r && r !== NOT_SELECTED_REASON))];
    out.push({
      subsystem: 'probes',
      status: 'WARNING',
      message: `no probe family could run${why.length ? `: ${why.slice(0, 2).join('; ')}` : ''}`,
      advice: 'only the kernel log was watched; see `kerntop probes` for what this host supports',
    });
  }
  return out;
}

export function kmsgLostFinding(lost: number): Finding {
  return {
    subsystem: 'kmsg',
    status: 'WARNING',
    message: `${lost} kernel-log record${lost === 1 ? '' : 's'} lost: overwritten in the kernel ring before they were read, so never judged`,
    advice:
      'a flood of kernel messages outran the reader: find its source (kerntop kmsg), and enlarge the ring with log_buf_len= on the kernel command line',
  };
}

export function selectOverallStatus(state: StoreState): Status {
  const rows = selectSubsystems(state).map((r) => r.status);
  return worstStatus([...rows, ...probeFindings(state).map((f) => f.status), state.kmsg.lost > 0 ? 'WARNING' : 'OK']);
}

export function selectProbes(state: StoreState): ProbeStatusEvent[] {
  return PROBE_FAMILIES.filter((f) => state.probes.has(f)).map((f) => state.probes.get(f)!);
}

/** Latency histograms (µs) of the families that have data. */
export function selectHistograms(state: StoreState): Record<string, Log2Bucket[]> {
  const out: Record<string, Log2Bucket[]> = {};
  for (const s of orderedSubsystems(state)) {
    const b = toBuckets(s.hist_us);
    if (b.length > 0) out[s.name] = b;
  }
  return out;
}
