import React from 'react';
import { Text } from 'ink';
import type { SubsystemRow } from '../../store/index.js';
import { Table, type Column } from '../components/Table.js';
import { attentionFirst } from '../lines.js';
import { formatCount, formatRate, formatUs } from '../text.js';
import type { Theme } from '../theme.js';
import { useTheme } from '../theme.js';

export function summaryColumns(theme: Theme): Column<SubsystemRow>[] {
  return [
    { key: 'name', header: 'SUBSYSTEM', priority: 1, minWidth: 9, maxWidth: 16, cell: (r) => r.name },
    {
      key: 'events',
      header: 'EVENTS',
      priority: 2,
      align: 'right',
      minWidth: 6,
      maxWidth: 8,
      cell: (r) => formatCount(r.events),
    },
    { key: 'rate', header: 'RATE/s', priority: 4, align: 'right', minWidth: 6, maxWidth: 7, cell: (r) => formatRate(r.rate_10s) },
    {
      key: 'alerts',
      header: 'ALERTS',
      priority: 6,
      align: 'right',
      minWidth: 6,
      maxWidth: 7,
      cell: (r) => formatCount(r.alerts),
    },
    { key: 'p50', header: 'P50', priority: 7, align: 'right', minWidth: 6, maxWidth: 7, cell: (r) => formatUs(r.p50_us) },
    { key: 'p99', header: 'P99', priority: 3, align: 'right', minWidth: 6, maxWidth: 7, cell: (r) => formatUs(r.p99_us) },
    { key: 'worst', header: 'WORST', priority: 5, align: 'right', minWidth: 6, maxWidth: 7, cell: (r) => formatUs(r.worst_us) },
    {
      key: 'peak',
      header: 'PEAK/s',
      priority: 8,
      align: 'right',
      minWidth: 6,
      maxWidth: 7,
      cell: (r) => formatCount(r.peak_per_s),
    },
    { key: 'status', header: 'STATUS', priority: 1, width: 8, cell: (r) => r.status, style: (r) => theme.status(r.status) },
  ];
}

export interface SummaryProps {
  rows: SubsystemRow[];
  width: number;
  /** Content lines, header included. */
  lines: number;
  offset: number;
}

/** Memoised: re-renders only when its own props change. */
export const Summary = React.memo(function Summary({ rows, width, lines, offset }: SummaryProps) {
  const theme = useTheme();
  if (rows.length === 0) return <Text dimColor>{'waiting for the first events…'.slice(0, width)}</Text>;
  const room = Math.max(0, lines - 1);
  const start = Math.max(0, Math.min(offset, rows.length - room));
  const ordered = attentionFirst(rows, room, (r) => r.status);
  return (
    <Table
      columns={summaryColumns(theme)}
      rows={ordered.slice(start, start + room)}
      sizingRows={rows}
      width={width}
      rowKey={(r) => r.name}
    />
  );
});
