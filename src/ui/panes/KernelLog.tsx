import React from 'react';
import { Text } from 'ink';
import { Table, type Column } from '../components/Table.js';
import type { KlogLine, XidRow } from '../lines.js';
import { streamWindow, type StreamScroll } from '../scroll.js';
import { formatClock, sanitize, truncate } from '../text.js';
import type { Theme } from '../theme.js';
import { useTheme } from '../theme.js';
import { SEVERITY_TAG } from './Events.js';

/** "79", or "79 x12" for a storm of one Xid, as the summary counts it. */
export function xidCell(r: XidRow): string {
  return r.count > 1 ? `${r.xid} x${r.count}` : String(r.xid);
}

export function xidColumns(theme: Theme): Column<XidRow>[] {
  return [
    { key: 'time', header: 'TIME', priority: 4, width: 8, cell: (r) => formatClock(r.ts_ms), style: () => theme.dim },
    { key: 'gpu', header: 'GPU', priority: 1, minWidth: 3, maxWidth: 16, cell: (r) => r.gpu },
    {
      key: 'xid',
      header: 'XID',
      priority: 1,
      align: 'right',
      minWidth: 3,
      maxWidth: 10,
      cell: (r) => xidCell(r),
      style: (r) => theme.severity(r.severity),
    },
    { key: 'name', header: 'NAME', priority: 2, minWidth: 12, maxWidth: 32, cell: (r) => sanitize(r.name) },
    { key: 'action', header: 'ACTION', priority: 3, flex: true, minWidth: 16, cell: (r) => sanitize(r.action) },
  ];
}

const LEVEL_TAG = ['EMRG', 'ALRT', 'CRIT', 'ERR ', 'WARN', 'NOTE', 'info', 'dbg '];

export interface KernelLogProps {
  lines: KlogLine[];
  xids: XidRow[];
  scroll: StreamScroll;
  width: number;
  height: number;
  filter: string;
}

/** Lines the Xid table takes at the top of the pane (header included), 0 when there is no Xid. */
export function xidTableLines(xids: number, height: number): number {
  if (xids === 0 || height < 6) return 0;
  return 1 + Math.min(xids, Math.max(1, Math.floor(height / 3) - 1));
}

function KlogRow({ line, width }: { line: KlogLine; width: number }) {
  const theme = useTheme();
  const time = formatClock(line.time_ms);
  const showTime = width >= 60;
  const prefix = showTime ? `${time} ` : '';
  if (line.kind === 'record') {
    const tag = LEVEL_TAG[line.rec.level] ?? 'info';
    const text = sanitize(line.rec.text);
    return (
      <Text wrap="truncate">
        <Text dimColor>{prefix}</Text>
        <Text {...theme.kmsgLevel(line.rec.level)}>{tag}</Text>
        <Text {...(line.rec.level >= 5 ? theme.dim : {})}>
          {' ' + truncate(text, Math.max(0, width - prefix.length - 5), theme.glyphs.ellipsis)}
        </Text>
      </Text>
    );
  }
  const ev = line.ev;
  const label = `${ev.subsystem}: `;
  return (
    <Text wrap="truncate">
      <Text dimColor>{prefix}</Text>
      <Text {...theme.severity(ev.severity)} inverse={ev.severity === 'critical'}>
        {SEVERITY_TAG[ev.severity]}
      </Text>
      <Text {...theme.severity(ev.severity)}>
        {' ' + truncate(label + sanitize(ev.title), Math.max(0, width - prefix.length - 5), theme.glyphs.ellipsis)}
      </Text>
    </Text>
  );
}

/** Memoised: re-renders only when its own props change. */
export const KernelLog = React.memo(function KernelLog({ lines, xids, scroll, width, height, filter }: KernelLogProps) {
  const theme = useTheme();
  const xl = xidTableLines(xids.length, height);
  const logH = Math.max(0, height - xl);
  const win = streamWindow(lines, (l) => l.id, scroll, logH);
  return (
    <>
      {xl > 0 ? <Table columns={xidColumns(theme)} rows={xids.slice(-(xl - 1))} width={width} rowKey={(r) => r.id} /> : null}
      {lines.length === 0 ? (
        <Text dimColor>{(filter ? `no kernel log lines match "${filter}"` : 'no kernel log lines yet').slice(0, width)}</Text>
      ) : (
        win.visible.map((l) => <KlogRow key={l.id} line={l} width={width} />)
      )}
    </>
  );
});
