// How bad a finding is, and the status a subsystem shows for it: the one ranking every room uses.

export type Severity = 'info' | 'warning' | 'critical';
export type Status = 'OK' | 'WARNING' | 'CRITICAL';

/** Severities from least to most severe; a severity's rank is its index. */
export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];
/** Statuses from good to worst, in step with SEVERITIES; the exit code of a quiet run is the rank. */
export const STATUSES: readonly Status[] = ['OK', 'WARNING', 'CRITICAL'];

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };
export const STATUS_RANK: Readonly<Record<Status, number>> = { OK: 0, WARNING: 1, CRITICAL: 2 };

/** The status a subsystem judged by its events shows for its worst severity. */
export const SEVERITY_STATUS: Readonly<Record<Severity, Status>> = { info: 'OK', warning: 'WARNING', critical: 'CRITICAL' };

/** The worse of two severities; null counts as none yet. */
export function worseSeverity(a: Severity | null, b: Severity): Severity {
  return a === null || SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a;
}

/** The worst of some statuses; OK when there are none. */
export function worstStatus(statuses: Iterable<Status>): Status {
  let w: Status = 'OK';
  for (const s of statuses) if (STATUS_RANK[s] > STATUS_RANK[w]) w = s;
  return w;
}
