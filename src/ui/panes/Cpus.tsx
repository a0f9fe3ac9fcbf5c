import React from 'react';
import { Text } from 'ink';
import type { CpuRow, CpuSourceRow } from '../../store/cpus-select.js';
import { Table, type Column } from '../components/Table.js';
import { fit, formatCount, formatUs, truncate } from '../text.js';
import type { Theme } from '../theme.js';
import { useTheme } from '../theme.js';

/** "12.3" ms/s, or "-" for nothing at all. */
export function formatMsPerS(ms: number): string {
  if (!(ms > 0)) return '0';
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/** A noise source as one short label: "IRQ 36 virtio1-req.0", "NET_RX", "LOC", "kworker/1:1". */
export function sourceLabel(s: CpuSourceRow): string {
  switch (s.kind) {
    case 'irq':
      return s.name.startsWith('IRQ ') ? s.name : `IRQ ${s.id} ${s.name}`;
    case 'softirq':
      return `softirq ${s.name}`;
    case 'vector':
      return s.name;
    default:
      return s.own ? `${s.name} (kerntop)` : s.name;
  }
}

export function cpuMark(r: CpuRow): string {
  if (!r.online) return 'off';
  return [r.isolated ? 'iso' : '', r.nohz_full ? 'nohz' : '', r.partition ? 'part' : ''].filter(Boolean).join(',');
}

export function cpuColumns(theme: Theme, selected: number | null): Column<CpuRow>[] {
  const sel = (r: CpuRow) => (r.cpu === selected ? { inverse: true } : undefined);
  return [
    { key: 'cpu', header: 'CPU', priority: 1, width: 4, cell: (r) => String(r.cpu), style: sel },
    {
      key: 'mark',
      header: 'ISOL',
      priority: 2,
      minWidth: 4,
      maxWidth: 12,
      cell: cpuMark,
      style: (r) => (!r.online ? theme.alert : r.rt_cpu ? theme.accent : undefined),
    },
    { key: 'rq50', header: 'RQ P50', priority: 8, align: 'right', minWidth: 6, maxWidth: 7, cell: (r) => formatUs(r.rq_p50_us) },
    { key: 'rq99', header: 'RQ P99', priority: 3, align: 'right', minWidth: 6, maxWidth: 7, cell: (r) => formatUs(r.rq_p99_us) },
    { key: 'rqmax', header: 'RQ MAX', priority: 7, align: 'right', minWidth: 6, maxWidth: 7, cell: (r) => formatUs(r.rq_max_us) },
    { key: 'rt99', header: 'RT P99', priority: 2, align: 'right', minWidth: 6, maxWidth: 7, cell: (r) => formatUs(r.rt_p99_us) },
    { key: 'rtmax', header: 'RT MAX', priority: 4, align: 'right', minWidth: 6, maxWidth: 7, cell: (r) => formatUs(r.rt_max_us) },
    {
      key: 'irq',
      header: 'IRQ',
      priority: 5,
      align: 'right',
      minWidth: 5,
      maxWidth: 6,
      cell: (r) => formatMsPerS(r.irq_ms_per_s),
    },
    {
      key: 'sirq',
      header: 'SIRQ',
      priority: 5,
      align: 'right',
      minWidth: 5,
      maxWidth: 6,
      cell: (r) => formatMsPerS(r.softirq_ms_per_s),
    },
    {
      key: 'task',
      header: 'TASK',
      priority: 5,
      align: 'right',
      minWidth: 5,
      maxWidth: 6,
      cell: (r) => formatMsPerS(r.task_ms_per_s),
    },
    {
      key: 'noise',
      header: 'NOISE',
      priority: 2,
      align: 'right',
      minWidth: 5,
      maxWidth: 6,
      cell: (r) => formatMsPerS(r.noise_ms_per_s),
    },
    {
      key: 'cs',
      header: 'CS/s',
      priority: 6,
      align: 'right',
      minWidth: 5,
      maxWidth: 7,
      cell: (r) => formatCount(Math.round(r.ctx_switches_per_s)),
    },
    {
      key: 'irqs',
      header: 'IRQ/s',
      priority: 6,
      align: 'right',
      minWidth: 5,
      maxWidth: 7,
      cell: (r) => formatCount(Math.round(r.irqs_per_s)),
    },
    {
      key: 'top',
      header: 'TOP NOISE',
      priority: 9,
      flex: true,
      minWidth: 10,
      cell: (r) => (r.top[0] ? sourceLabel(r.top[0]) : ''),
    },
  ];
}

export interface CpusProps {
  rows: CpuRow[];
  /** The CPU chosen with the arrow keys; its noise sources are listed below the table. */
  selected: number | null;
  width: number;
  height: number;
  /** Why there is nothing to show (noise family not running), or undefined. */
  why?: string;
}

/** Lines the pane would like: table header and rows, a rule, the chosen CPU's sources. */
export function cpusLinesWanted(n: number): number {
  return n === 0 ? 1 : n + 2 + 6;
}

/**
 * One row per CPU (isolated ones first, marked): run-queue and RT wakeup latency since the start,
 * noise in ms per second over the last second (IRQ, softirq, tasks other than the CPU's own), and
 * below it the chosen CPU's top noise sources with count, total and worst duration.
 */
export const Cpus = React.memo(function Cpus({ rows, selected, width, height, why }: CpusProps) {
  const theme = useTheme();
  const g = theme.glyphs;
  if (rows.length === 0)
    return <Text dimColor>{truncate(why ?? 'waiting for the first per-CPU figures…', width, g.ellipsis)}</Text>;
  const chosen = rows.find((r) => r.cpu === selected) ?? rows[0];
  const detail = [...chosen.top, ...chosen.work.slice(0, 2)];
  // The table keeps at least its header and the chosen CPU's row; the sources take what is left.
  const tableRows = Math.max(1, Math.min(rows.length, height - 1 - Math.min(detail.length + 1, Math.max(0, height - 4))));
  const i = Math.max(0, rows.indexOf(chosen));
  const start = Math.max(0, Math.min(rows.length - tableRows, i - tableRows + 1));
  const shown = rows.slice(start, start + tableRows);
  const room = height - 1 - shown.length;
  const countW = 7;
  const totalW = 9;
  const maxW = 9;
  const nameW = Math.max(8, width - countW - totalW - maxW - 3);
  return (
    <>
      <Table columns={cpuColumns(theme, chosen.cpu)} rows={shown} sizingRows={rows} width={width} rowKey={(r) => String(r.cpu)} />
      {room >= 2 ? (
        <Text dimColor wrap="truncate">
          {`${fit(`CPU ${chosen.cpu}${chosen.owner ? ` for ${chosen.owner}` : ''}${chosen.online ? '' : ' (offline)'}`, nameW)} ${fit('COUNT', countW, 'right')} ${fit('TOTAL', totalW, 'right')} ${fit('WORST', maxW, 'right')}`}
        </Text>
      ) : null}
      {room >= 2 && detail.length === 0 ? (
        <Text dimColor>{truncate('  no noise seen on this CPU', width, g.ellipsis)}</Text>
      ) : null}
      {room >= 2
        ? detail.slice(0, room - 1).map((s) => (
            <Text key={`${s.kind}:${s.id}`} wrap="truncate">
              {`${fit(`  ${s.kind === 'work' ? `work ${s.name}` : sourceLabel(s)}`, nameW)} ${fit(formatCount(s.count), countW, 'right')} ${fit(formatUs(Math.round(s.total_ms * 1000)), totalW, 'right')} ${fit(formatUs(Math.round(s.max_us)), maxW, 'right')}`}
            </Text>
          ))
        : null}
    </>
  );
});
