import { isXidKernelEvent, type KerntopEvent, type Severity } from '../events.js';
import { SEVERITY_RANK } from '../knowledge/severity.js';

/**
 * The Xid slice of the store: per GPU and per Xid, how many in a sliding window, how many in all,
 * and when last seen, so a storm of one Xid is one row with a count (xN) rather than N lines.
 * Fed by the KernelEvents of source "xid", from their typed payload (ev.xid: the tracker's XidEvent).
 */
export const XID_WINDOW_MS = 60 * 60 * 1000;
/** Bounded memory: rows kept in all (each row keeps at most one count per second of the window). */
const MAX_ROWS = 1024;

export interface XidRowState {
  key: string;
  pci: string | null;
  uuid: string | null;
  gpu_index: number | null;
  gpu_name: string | null;
  xid: number;
  name: string;
  class: string;
  severity: Severity;
  action: string;
  total: number;
  /**
   * Events per second (epoch seconds in secs, counts in counts, oldest first) that may still fall
   * inside the window: exact counts in memory bounded by the window's length, however many arrive.
   */
  secs: number[];
  counts: number[];
  first_ms: number;
  last_ms: number;
  last_message: string;
  last_pid: number | null;
  last_comm: string | null;
}

export interface XidState {
  window_ms: number;
  rows: Map<string, XidRowState>;
}

export function createXidState(window_ms = XID_WINDOW_MS): XidState {
  return { window_ms, rows: new Map() };
}

/** Reducer: in place, no I/O, no clock (times come from the events). */
export function applyXid(s: XidState, ev: KerntopEvent): XidState {
  if (!isXidKernelEvent(ev)) return s;
  const x = ev.xid;
  if (!Number.isFinite(x.xid)) return s;
  const pci = x.gpu.pci;
  const key = `${pci ?? 'unknown'}|${x.xid}`;
  let row = s.rows.get(key);
  if (!row) {
    if (s.rows.size >= MAX_ROWS) {
      // Forget the row seen longest ago.
      let oldest: XidRowState | null = null;
      for (const r of s.rows.values()) if (!oldest || r.last_ms < oldest.last_ms) oldest = r;
      if (oldest) s.rows.delete(oldest.key);
    }
    row = {
      key,
      pci,
      uuid: null,
      gpu_index: null,
      gpu_name: null,
      xid: x.xid,
      name: x.name || `Xid ${x.xid}`,
      class: x.class,
      severity: ev.severity,
      action: x.action,
      total: 0,
      secs: [],
      counts: [],
      first_ms: ev.ts_ms,
      last_ms: ev.ts_ms,
      last_message: '',
      last_pid: null,
      last_comm: null,
    };
    s.rows.set(key, row);
  }
  row.total++;
  if (x.gpu.uuid) row.uuid = x.gpu.uuid;
  if (x.gpu.index !== undefined) row.gpu_index = x.gpu.index;
  if (x.gpu.name) row.gpu_name = x.gpu.name;
  // Xid 154 and NVLink5 severities vary per event: the row shows the latest advice and severity.
  row.severity = ev.severity;
  if (x.action) row.action = x.action;
  row.last_message = x.message;
  row.last_pid = ev.pid ?? null;
  row.last_comm = ev.comm ?? null;
  if (ev.ts_ms < row.first_ms) row.first_ms = ev.ts_ms;
  if (ev.ts_ms >= row.last_ms) row.last_ms = ev.ts_ms;
  countSecond(row, Math.floor(ev.ts_ms / 1000));
  // Seconds the window has passed for good (the store's clock never goes back before an event's time).
  const expired = lowerBound(row.secs, windowStartS(row.last_ms, s.window_ms) + 1);
  if (expired > 0) {
    row.secs.splice(0, expired);
    row.counts.splice(0, expired);
  }
  return s;
}

/** The second the window starts after: a second counts while it is later than this one. */
function windowStartS(now_ms: number, window_ms: number): number {
  return Math.floor((now_ms - window_ms) / 1000);
}

/** Keeps secs sorted: backlog events can arrive out of order across sources. */
function countSecond(row: XidRowState, sec: number): void {
  const n = row.secs.length;
  if (n === 0 || sec > row.secs[n - 1]) {
    row.secs.push(sec);
    row.counts.push(1);
    return;
  }
  const i = lowerBound(row.secs, sec);
  if (row.secs[i] === sec) row.counts[i]++;
  else {
    row.secs.splice(i, 0, sec);
    row.counts.splice(i, 0, 1);
  }
}

function lowerBound(a: number[], v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface XidRow {
  xid: number;
  name: string;
  class: string;
  severity: Severity;
  action: string;
  /** Occurrences inside the window ending at now_ms (its start taken to the whole second). */
  count_window: number;
  total: number;
  first_ms: number;
  last_ms: number;
  last_message: string;
  last_pid: number | null;
  last_comm: string | null;
}

export interface XidGpu {
  pci: string | null;
  uuid: string | null;
  index: number | null;
  name: string | null;
  rows: XidRow[];
}

export interface XidSummary {
  window_ms: number;
  now_ms: number;
  total: number;
  count_window: number;
  worst_severity: Severity | null;
  gpus: XidGpu[];
}

/** Pure view of the slice at now_ms: GPUs by index (then PCI), rows by last seen, newest first. */
export function summarizeXid(s: XidState, now_ms: number): XidSummary {
  const fromS = windowStartS(now_ms, s.window_ms);
  const byGpu = new Map<string, XidGpu>();
  let total = 0;
  let inWindow = 0;
  let worst: Severity | null = null;
  for (const r of s.rows.values()) {
    const gk = r.pci ?? 'unknown';
    let g = byGpu.get(gk);
    if (!g) {
      g = { pci: r.pci, uuid: r.uuid, index: r.gpu_index, name: r.gpu_name, rows: [] };
      byGpu.set(gk, g);
    }
    g.uuid ??= r.uuid;
    g.index ??= r.gpu_index;
    g.name ??= r.gpu_name;
    let count_window = 0;
    for (let i = lowerBound(r.secs, fromS + 1); i < r.secs.length; i++) count_window += r.counts[i];
    total += r.total;
    inWindow += count_window;
    if (worst === null || SEVERITY_RANK[r.severity] > SEVERITY_RANK[worst]) worst = r.severity;
    g.rows.push({
      xid: r.xid,
      name: r.name,
      class: r.class,
      severity: r.severity,
      action: r.action,
      count_window,
      total: r.total,
      first_ms: r.first_ms,
      last_ms: r.last_ms,
      last_message: r.last_message,
      last_pid: r.last_pid,
      last_comm: r.last_comm,
    });
  }
  const gpus = [...byGpu.values()].sort(
    (a, b) => (a.index ?? 1e9) - (b.index ?? 1e9) || String(a.pci).localeCompare(String(b.pci)),
  );
  for (const g of gpus) g.rows.sort((a, b) => b.last_ms - a.last_ms || a.xid - b.xid);
  return { window_ms: s.window_ms, now_ms, total, count_window: inWindow, worst_severity: worst, gpus };
}

/** Selector over the whole store state (which holds the slice as state.xid). */
export function selectXid(state: { xid: XidState; now_ms: number }): XidSummary {
  return summarizeXid(state.xid, state.now_ms);
}
