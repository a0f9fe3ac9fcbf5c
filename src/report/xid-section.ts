import type { XidSummary } from '../store/xid.js';

/** The Xid part of the quiet summary: text lines and a JSON object, from selectXid's result. */
export interface XidSection {
  lines: string[];
  json: {
    window_s: number;
    total: number;
    in_window: number;
    worst_severity: string | null;
    gpus: Array<{
      pci: string | null;
      uuid: string | null;
      index: number | null;
      name: string | null;
      xids: Array<{
        xid: number;
        name: string;
        class: string;
        severity: string;
        action: string;
        count_window: number;
        total: number;
        last_seen: string;
        last_message: string;
        pid: number | null;
        process: string | null;
      }>;
    }>;
  };
}

function ago(now_ms: number, t_ms: number): string {
  const s = Math.max(0, Math.round((now_ms - t_ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${(s / 3600).toFixed(1)}h ago`;
  return `${(s / 86400).toFixed(1)}d ago`;
}

function windowLabel(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${Math.round(ms / 1000)}s`;
}

export function xidSection(sum: XidSummary): XidSection {
  const lines: string[] = [];
  const json: XidSection['json'] = {
    window_s: Math.round(sum.window_ms / 1000),
    total: sum.total,
    in_window: sum.count_window,
    worst_severity: sum.worst_severity,
    gpus: [],
  };
  if (sum.total === 0) {
    lines.push('Xid: none seen');
    return { lines, json };
  }
  lines.push(
    `Xid: ${sum.total} event(s), ${sum.count_window} in the last ${windowLabel(sum.window_ms)}, worst ${sum.worst_severity}`,
  );
  for (const g of sum.gpus) {
    const who = [g.index !== null ? `#${g.index}` : null, g.name, g.uuid].filter(Boolean).join(' ');
    lines.push(`  GPU ${g.pci ?? 'unknown'}${who ? ` (${who})` : ''}`);
    const xids: XidSection['json']['gpus'][number]['xids'] = [];
    for (const r of g.rows) {
      const times = r.total > 1 ? ` x${r.total}` : '';
      const win = r.count_window !== r.total ? ` (${r.count_window} in window)` : '';
      const proc = r.last_comm ? ` ${r.last_comm}${r.last_pid !== null ? `[${r.last_pid}]` : ''}` : '';
      lines.push(`    Xid ${r.xid}${times}${win} ${r.severity} ${r.class}: ${r.name}; last ${ago(sum.now_ms, r.last_ms)}${proc}`);
      lines.push(`      -> ${r.action}`);
      xids.push({
        xid: r.xid,
        name: r.name,
        class: r.class,
        severity: r.severity,
        action: r.action,
        count_window: r.count_window,
        total: r.total,
        last_seen: new Date(r.last_ms).toISOString(),
        last_message: r.last_message,
        pid: r.last_pid,
        process: r.last_comm,
      });
    }
    json.gpus.push({ pci: g.pci, uuid: g.uuid, index: g.index, name: g.name, xids });
  }
  return { lines, json };
}
