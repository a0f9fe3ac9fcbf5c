import React from 'react';
import { Text } from 'ink';
import type { ProbeStatusEvent, SourceDiagEvent } from '../../events.js';
import { Table, type Column } from '../components/Table.js';
import { attentionFirst } from '../lines.js';
import { formatClock, sanitize, truncate } from '../text.js';
import type { Theme } from '../theme.js';
import { useTheme } from '../theme.js';

export function probeColumns(theme: Theme): Column<ProbeStatusEvent>[] {
  return [
    { key: 'family', header: 'PROBE', priority: 1, minWidth: 5, maxWidth: 12, cell: (p) => p.family },
    { key: 'state', header: 'STATE', priority: 1, width: 8, cell: (p) => p.state, style: (p) => theme.probeState(p.state) },
    { key: 'method', header: 'METHOD', priority: 3, minWidth: 6, maxWidth: 12, cell: (p) => p.method ?? '' },
    { key: 'reason', header: 'REASON', priority: 2, flex: true, minWidth: 10, cell: (p) => sanitize(p.reason ?? '') },
  ];
}

export interface ProbesProps {
  probes: ProbeStatusEvent[];
  diags: SourceDiagEvent[];
  width: number;
  height: number;
  offset: number;
}

/** Rows the probes pane would like: a header, one per probe, then source diagnostics worth seeing. */
export function probeLinesWanted(probes: number, diags: SourceDiagEvent[]): number {
  return (probes > 0 ? 1 + probes : 1) + Math.min(5, diags.filter((d) => d.level !== 'info').length);
}

/** Memoised: re-renders only when its own props change. */
export const Probes = React.memo(function Probes({ probes, diags, width, height, offset }: ProbesProps) {
  const theme = useTheme();
  const diagLines = diags.filter((d) => d.level !== 'info');
  const tableRows = probes.length > 0 ? 1 + probes.length : 1;
  const start = Math.max(0, Math.min(offset, probes.length - Math.max(1, height - 1)));
  const probeRoom = Math.max(0, height - 1);
  const diagRoom = Math.max(0, height - tableRows);
  return (
    <>
      {probes.length === 0 ? (
        <Text dimColor>{truncate('no probe has reported yet', width)}</Text>
      ) : (
        <Table
          columns={probeColumns(theme)}
          rows={attentionFirst(probes, probeRoom, (p) => p.state).slice(start, start + probeRoom)}
          sizingRows={probes}
          width={width}
          rowKey={(p) => p.family}
        />
      )}
      {(diagRoom > 0 ? diagLines.slice(-diagRoom) : []).map((d, i) => (
        <Text key={i} wrap="truncate" {...(d.level === 'error' ? theme.alert : theme.severity('warning'))}>
          {truncate(`${formatClock(d.ts_ms)} ${d.source}: ${sanitize(d.message)}`, width, theme.glyphs.ellipsis)}
        </Text>
      ))}
    </>
  );
});
