// The fleet table's columns as text: one definition for the screen and for `kerntop fleet -q`.
import type { NodeRow } from '../../fleet/rows.js';
import type { SortKey } from '../../fleet/sort.js';
import { formatCount, formatDuration, formatRate, formatUs } from '../text.js';

export interface FleetColumn {
  key: string;
  header: string;
  /** 1 is always kept; higher numbers are dropped first on a narrow terminal. */
  priority: number;
  align?: 'left' | 'right';
  minWidth?: number;
  maxWidth?: number;
  flex?: boolean;
  /** The sort key this column orders by, if any. */
  sort?: SortKey;
  cell: (r: NodeRow) => string;
}

const mark = (r: NodeRow, f: 'runq' | 'bio') => (r.straggler.includes(f) ? ' S' : '');
const dash = (v: number | null, f: (n: number) => string) => (v === null ? '-' : f(v));

export function xidCell(r: NodeRow): string {
  const x = r.xid;
  if (!x.drain_reset && !x.application && !x.other) return '-';
  const parts = [
    x.drain_reset ? `${x.drain_reset} drain` : '',
    x.application ? `${x.application} app` : '',
    x.other ? `${x.other} other` : '',
  ].filter(Boolean);
  // The PCI domain is 0000 on nearly every machine: shown only when it is not.
  return `${parts.join(' ')} ${x.gpus.map((g) => g.replace(/^0000:/, '')).join(',')}`;
}

export function ageCell(r: NodeRow): string {
  if (r.age_s === null) return 'never';
  return r.age_s < 1 ? 'now' : formatDuration(r.age_s);
}

/**
 * Probe families that should run and do not: FAILED, or still STARTING. SKIPPED ones were not
 * started on purpose (opt-in families, --probes) and would fill every row; the node view lists them.
 */
export function probesCell(r: NodeRow): string {
  const down = r.probes_not_attached.map((p) => p.split(':') as [string, string]).filter(([, st]) => st !== 'SKIPPED');
  if (!down.length) return '-';
  down.sort((a, b) => Number(b[1] === 'FAILED') - Number(a[1] === 'FAILED'));
  return down.map(([f, st]) => `${f}:${st === 'FAILED' ? 'FAIL' : st === 'STARTING' ? 'START' : st}`).join(',');
}

export const FLEET_COLUMNS: readonly FleetColumn[] = [
  { key: 'node', header: 'NODE', priority: 1, minWidth: 10, maxWidth: 28, sort: 'node', cell: (r) => r.node },
  {
    key: 'status',
    header: 'STATUS',
    priority: 1,
    minWidth: 8,
    sort: 'status',
    cell: (r) => (r.down && r.status === 'STALE' ? 'STALE/DN' : r.status),
  },
  {
    key: 'worst',
    header: 'WORST',
    priority: 2,
    minWidth: 6,
    maxWidth: 16,
    cell: (r) => (r.worst.length ? r.worst.join(',') : '-'),
  },
  {
    key: 'runq',
    header: 'RUNQ p99',
    priority: 1,
    align: 'right',
    minWidth: 9,
    sort: 'runq',
    cell: (r) => dash(r.runq_p99_us, formatUs) + mark(r, 'runq'),
  },
  {
    key: 'bio',
    header: 'BIO p99',
    priority: 2,
    align: 'right',
    minWidth: 9,
    sort: 'bio',
    cell: (r) => dash(r.bio_p99_us, formatUs) + mark(r, 'bio'),
  },
  { key: 'oom', header: 'OOM/1h', priority: 2, align: 'right', sort: 'oom', cell: (r) => dash(r.oom_kills_1h, formatCount) },
  {
    key: 'retrans',
    header: 'RETX/s',
    priority: 3,
    align: 'right',
    sort: 'retrans',
    cell: (r) => dash(r.retrans_per_s, formatRate),
  },
  { key: 'xid', header: 'XID/1h', priority: 2, minWidth: 6, maxWidth: 26, sort: 'xid', cell: xidCell },
  {
    key: 'log',
    header: 'LOG/1h',
    priority: 3,
    minWidth: 6,
    maxWidth: 16,
    cell: (r) =>
      r.log_finding
        ? `${r.log_finding.class} x${r.log_finding.count}${r.log_finding.title ? ` ${r.log_finding.title}` : ''}`
        : '-',
  },
  { key: 'probes', header: 'PROBES', priority: 4, minWidth: 6, maxWidth: 20, cell: probesCell },
  { key: 'age', header: 'AGE', priority: 1, align: 'right', minWidth: 5, sort: 'age', cell: ageCell },
];
