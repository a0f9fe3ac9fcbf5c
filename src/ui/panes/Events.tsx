import React from 'react';
import { Text } from 'ink';
import { Table, type Column } from '../components/Table.js';
import type { EventLine } from '../lines.js';
import { streamWindow, type StreamScroll } from '../scroll.js';
import { formatClock, sanitize } from '../text.js';
import type { Theme } from '../theme.js';
import { useTheme } from '../theme.js';

export const SEVERITY_TAG = { critical: 'CRIT', warning: 'WARN', info: 'info' } as const;

export function eventColumns(theme: Theme): Column<EventLine>[] {
  return [
    { key: 'time', header: 'TIME', priority: 3, width: 8, cell: (l) => formatClock(l.ev.ts_ms), style: () => theme.dim },
    {
      key: 'sev',
      header: 'SEV',
      priority: 1,
      width: 4,
      cell: (l) => SEVERITY_TAG[l.ev.severity],
      style: (l) => theme.severity(l.ev.severity),
    },
    { key: 'sub', header: 'SUBSYSTEM', priority: 4, minWidth: 4, maxWidth: 12, cell: (l) => l.ev.subsystem },
    { key: 'title', header: 'EVENT', priority: 1, flex: true, minWidth: 16, cell: (l) => sanitize(l.ev.title) },
  ];
}

export interface EventsProps {
  lines: EventLine[];
  scroll: StreamScroll;
  width: number;
  height: number;
  filter: string;
}

/** Memoised: re-renders only when its own props change. */
export const Events = React.memo(function Events({ lines, scroll, width, height, filter }: EventsProps) {
  const theme = useTheme();
  if (lines.length === 0)
    return <Text dimColor>{(filter ? `no events match "${filter}"` : 'no events yet').slice(0, width)}</Text>;
  const win = streamWindow(lines, (l) => l.id, scroll, height);
  return (
    <Table
      columns={eventColumns(theme)}
      rows={win.visible}
      sizingRows={win.visible}
      width={width}
      showHeader={false}
      rowKey={(l) => l.id}
      rowStyle={(l) => (l.ev.severity === 'critical' ? { bold: true } : undefined)}
    />
  );
});
