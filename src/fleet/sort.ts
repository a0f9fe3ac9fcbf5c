// Orders and filters of the fleet's rows (pure): worst first by default, as top puts the busiest first.
import { NODE_STATUS_RANK, type NodeRow } from './rows.js';

export const SORT_KEYS = ['status', 'node', 'runq', 'bio', 'oom', 'retrans', 'xid', 'age'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

const num = (v: number | null) => (v === null ? -Infinity : v);
const xidWeight = (r: NodeRow) => r.xid.drain_reset * 1e6 + r.xid.other * 1e3 + r.xid.application;

/** Bigger is worse, for every key but node (alphabetical). */
const WORSE: Record<Exclude<SortKey, 'node'>, (r: NodeRow) => number> = {
  status: (r) => NODE_STATUS_RANK[r.status] * 10 + (r.straggler.length ? 1 : 0),
  runq: (r) => num(r.runq_p99_us),
  bio: (r) => num(r.bio_p99_us),
  oom: (r) => num(r.oom_kills_1h),
  retrans: (r) => num(r.retrans_per_s),
  xid: xidWeight,
  age: (r) => (r.age_s === null ? Infinity : r.age_s),
};

/** Ties fall back to status, then run-queue p99, then the name, so the order is stable between refreshes. */
export function sortRows(rows: readonly NodeRow[], key: SortKey = 'status', reverse = false): NodeRow[] {
  const byName = (a: NodeRow, b: NodeRow) =>
    a.node.localeCompare(b.node) || a.instance.localeCompare(b.instance) || a.job.localeCompare(b.job);
  const worse = (f: (r: NodeRow) => number) => (a: NodeRow, b: NodeRow) => f(b) - f(a);
  const tie = (a: NodeRow, b: NodeRow) => worse(WORSE.status)(a, b) || worse(WORSE.runq)(a, b) || byName(a, b);
  const primary = key === 'node' ? byName : worse(WORSE[key]);
  const out = [...rows].sort((a, b) => primary(a, b) || tie(a, b));
  return reverse ? out.reverse() : out;
}

/** Rows whose name, instance or any label (as name=value) contains the text, case-insensitively. */
export function filterRows(rows: readonly NodeRow[], text: string): NodeRow[] {
  const t = text.trim().toLowerCase();
  if (!t) return [...rows];
  return rows.filter((r) =>
    [r.node, r.instance, ...Object.entries(r.labels).map(([k, v]) => `${k}=${v}`)].some((s) => s.toLowerCase().includes(t)),
  );
}
