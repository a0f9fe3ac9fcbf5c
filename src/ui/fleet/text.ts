// `kerntop fleet -q`: the same rows as the screen, as plain text for scripts and cron mail.
import type { FleetJson } from '../../fleet/json.js';
import { fitColumns, formatRow, headerLine } from '../components/Table.js';
import { formatUs } from '../text.js';
import { FLEET_COLUMNS } from './cells.js';

export function fleetText(j: FleetJson, width: number): string[] {
  const rows = j.rows;
  const fitted = fitColumns(FLEET_COLUMNS, rows, width);
  const med = `fleet median p99: run queue ${formatUs(j.medians.runq_p99_us)}, block I/O ${formatUs(j.medians.bio_p99_us)}`;
  return [
    `kerntop fleet  ${j.prometheus}${j.selector ? ` ${j.selector}` : ''}  ${j.time}`,
    `status ${j.status}  ${j.nodes} nodes, ${j.stale} stale  ${med}; S = straggler (p99 over ${j.straggler_factor}x the median)`,
    '',
    headerLine(fitted).trimEnd(),
    ...rows.map((r) => formatRow(fitted, r).join(' ').trimEnd()),
  ];
}
