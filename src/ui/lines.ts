import type { KernelEvent, KmsgRecord, Severity } from '../events.js';
import type { Snapshot } from './snapshot.js';

// The stream panes' lines, built from a snapshot: pure, so filtering and merging are tested alone.

export interface EventLine {
  id: string;
  ev: KernelEvent;
}

export type KlogLine =
  | { id: string; time_ms: number; kind: 'record'; rec: KmsgRecord }
  | { id: string; time_ms: number; kind: 'finding'; ev: KernelEvent };

/** Sources whose events belong to the kernel log pane: Xid reports and log findings (soft lockups, OOM, Oops). */
export const KLOG_SOURCES: ReadonlySet<string> = new Set(['xid', 'log', 'kmsg']);

function matcher(filter: string): ((hay: string) => boolean) | null {
  const f = filter.trim().toLowerCase();
  if (f === '') return null;
  return (hay) => hay.toLowerCase().includes(f);
}

function eventText(ev: KernelEvent): string {
  const fields = ev.fields ? Object.values(ev.fields).join(' ') : '';
  const x = ev.xid
    ? ` ${ev.xid.xid} ${ev.xid.gpu.pci ?? ''} ${ev.xid.gpu.uuid ?? ''} ${ev.xid.name} ${ev.xid.class} ${ev.xid.message}`
    : '';
  return `${ev.severity} ${ev.subsystem} ${ev.source} ${ev.title} ${ev.comm ?? ''} ${ev.pid ?? ''} ${fields}${x}`;
}

export function eventLines(s: Snapshot, filter: string): EventLine[] {
  const base = s.recentTotal - s.recent.length;
  const m = matcher(filter);
  const out: EventLine[] = [];
  for (let i = 0; i < s.recent.length; i++) {
    const ev = s.recent[i];
    if (m && !m(eventText(ev))) continue;
    out.push({ id: `e${base + i}`, ev });
  }
  return out;
}

/** Wall-clock time of a record: when it was read live, else its dmesg -T time. */
export function recordTime(rec: KmsgRecord): number | null {
  if (rec.arrival_ms !== undefined) return rec.arrival_ms;
  if (rec.wall) {
    const t = Date.parse(rec.wall);
    if (Number.isFinite(t)) return t;
  }
  return null;
}

/**
 * Raw kernel log records and the findings drawn from them (log and Xid events), merged by time; a
 * record comes before a finding of the same millisecond, since the finding is read from it.
 */
export function klogLines(s: Snapshot, filter: string): KlogLine[] {
  const m = matcher(filter);
  const recs: KlogLine[] = [];
  let last = 0;
  for (const rec of s.kmsgRecords) {
    const t = recordTime(rec) ?? last;
    last = t;
    if (m && !m(`${rec.text} ${rec.subsystem ?? ''} ${rec.device ?? ''}`)) continue;
    recs.push({ id: `r${rec.seq}`, time_ms: t, kind: 'record', rec });
  }
  const base = s.recentTotal - s.recent.length;
  const finds: KlogLine[] = [];
  for (let i = 0; i < s.recent.length; i++) {
    const ev = s.recent[i];
    if (!KLOG_SOURCES.has(ev.source)) continue;
    if (m && !m(eventText(ev))) continue;
    finds.push({ id: `e${base + i}`, time_ms: ev.ts_ms, kind: 'finding', ev });
  }
  const out: KlogLine[] = [];
  let a = 0;
  let b = 0;
  while (a < recs.length || b < finds.length) {
    if (b >= finds.length || (a < recs.length && recs[a].time_ms <= finds[b].time_ms)) out.push(recs[a++]);
    else out.push(finds[b++]);
  }
  return out;
}

export interface XidRow {
  id: string;
  /** When this Xid was last seen on this GPU. */
  ts_ms: number;
  gpu: string;
  xid: number;
  /** Occurrences in all: a storm of one Xid is one row with its count (xN). */
  count: number;
  name: string;
  action: string;
  severity: Severity;
}

/**
 * The Xid table: the store's Xid slice (one row per GPU and Xid, as the summary shows it), newest
 * last so the rows kept when the table is short are the latest.
 */
export function xidRows(s: Snapshot, filter: string): XidRow[] {
  const m = matcher(filter);
  const out: XidRow[] = [];
  for (const g of s.xid.gpus) {
    const gpu = g.pci ?? 'unknown';
    for (const r of g.rows) {
      if (
        m &&
        !m(
          `${gpu} ${g.uuid ?? ''} ${g.name ?? ''} ${r.xid} ${r.name} ${r.class} ${r.severity} ${r.action} ${r.last_message} ${r.last_comm ?? ''} ${r.last_pid ?? ''}`,
        )
      )
        continue;
      out.push({
        id: `x${gpu}|${r.xid}`,
        ts_ms: r.last_ms,
        gpu,
        xid: r.xid,
        count: r.total,
        name: r.name,
        action: r.action,
        severity: r.severity,
      });
    }
  }
  return out.sort((a, b) => a.ts_ms - b.ts_ms || a.xid - b.xid);
}

const ATTENTION: Record<string, number> = { CRITICAL: 0, FAILED: 0, STALLED: 0, WARNING: 1, STARTING: 2 };

/**
 * When a pane cannot show every row, the rows that need attention (CRITICAL, WARNING, FAILED) come
 * first so they are never the ones cut off; otherwise the given order is kept.
 */
export function attentionFirst<R>(rows: readonly R[], room: number, stateOf: (r: R) => string): R[] {
  if (rows.length <= room) return rows.slice();
  return rows
    .map((r, i) => ({ r, i, rank: ATTENTION[stateOf(r)] ?? 3 }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map((x) => x.r);
}
