import React from 'react';
import { Text } from 'ink';
import type { History, NodeSummary } from '../../fleet/node-detail.js';
import type { NodeRow } from '../../fleet/rows.js';
import { formatRate, formatUs, truncate } from '../text.js';
import { useTheme } from '../theme.js';
import { ageCell, xidCell } from './cells.js';
import { sparkline } from './sparkline.js';

export interface NodeDetailProps {
  row: NodeRow;
  history: History | { error: string } | null;
  summary: { summary: NodeSummary } | { error: string } | null;
  width: number;
  height: number;
  unicode: boolean;
}

const CHARTS: { key: string; label: string; fmt: (v: number) => string }[] = [
  { key: 'runq_p99_s', label: 'run-queue p99', fmt: (v) => formatUs(v * 1e6) },
  { key: 'bio_p99_s', label: 'block I/O p99', fmt: (v) => formatUs(v * 1e6) },
  { key: 'retrans_per_s', label: 'retransmits/s', fmt: formatRate },
  { key: 'oom_per_min', label: 'OOM kills/min', fmt: (v) => formatRate(v) },
  { key: 'xid_per_min', label: 'Xids/min', fmt: (v) => formatRate(v) },
  { key: 'log_findings_per_min', label: 'log findings/min', fmt: (v) => formatRate(v) },
];
const LABEL_W = 17;

/** The lines of one node's view: what the row says, the last hour as charts, the exporter's findings. */
export function NodeDetail({ row, history, summary, width, height, unicode }: NodeDetailProps) {
  const theme = useTheme();
  const lines: { text: string; style?: object }[] = [];
  const push = (text: string, style?: object) => lines.push({ text: truncate(text, width, theme.glyphs.ellipsis), style });
  const labels = Object.entries(row.labels)
    .filter(([k]) => k !== 'instance')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  push(`${row.node}  ${row.instance}  ${labels}${row.kernel_release ? `  kernel ${row.kernel_release}` : ''}`, { bold: true });
  const why = row.worst.length ? ` (${row.worst.join(', ')})` : '';
  const strag = row.straggler.length
    ? `  straggler: ${row.straggler.map((f) => (f === 'runq' ? 'run queue' : 'block I/O')).join(', ')}`
    : '';
  lines.push({
    text: truncate(
      `status ${row.status}${why}${strag}  newest sample: ${ageCell(row)}${row.down ? ', scrape failing (up == 0)' : ''}`,
      width,
    ),
    style: row.status === 'STALE' ? theme.alert : row.status === 'OK' ? theme.status('OK') : theme.status(row.status),
  });
  push(
    `Xid/1h ${xidCell(row)}   kernel log/1h ${row.log_finding ? `${row.log_finding.class} x${row.log_finding.count}${row.log_finding.title ? ` (${row.log_finding.title})` : ''}` : '-'}   probes not attached ${row.probes_not_attached.join(', ') || '-'}`,
  );
  push('');
  if (history === null) push('last hour: asking Prometheus...', theme.dim);
  else if ('error' in history) push(`last hour: ${history.error}`, theme.alert);
  else {
    push(`the last hour (${history.step_s} s steps), now at the right; the value is the latest`, theme.dim);
    const chartW = Math.max(4, width - LABEL_W - 10);
    for (const c of CHARTS) {
      const v = history.series[c.key] ?? [];
      const lastVal = [...v].reverse().find((x) => x !== null) ?? null;
      const hasData = v.some((x) => x !== null);
      push(
        `${c.label.padEnd(LABEL_W)}${hasData ? sparkline(v, chartW, unicode) : 'no data'.padEnd(chartW)} ${lastVal === null ? '-' : c.fmt(lastVal)}`,
      );
    }
  }
  push('');
  if (summary === null) push('/summary.json: asking the exporter...', theme.dim);
  else if ('error' in summary) push(`/summary.json not reachable from here (${summary.error})`, theme.dim);
  else {
    push(`/summary.json: ${summary.summary.status} over the last ${Math.round(summary.summary.duration_s)} s`, { bold: true });
    if (!summary.summary.findings.length) push('  no findings', theme.dim);
    for (const f of summary.summary.findings) {
      push(
        `  ${f.status} ${f.subsystem}: ${f.message}`,
        f.status === 'CRITICAL' || f.status === 'WARNING' ? theme.status(f.status) : undefined,
      );
      if (f.advice) push(`    -> ${f.advice}`, theme.dim);
    }
  }
  return (
    <>
      {lines.slice(0, height).map((l, i) => (
        <Text key={i} wrap="truncate" {...l.style}>
          {l.text || ' '}
        </Text>
      ))}
    </>
  );
}
