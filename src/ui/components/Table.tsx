import React from 'react';
import { Text } from 'ink';
import { fit, width as textWidth } from '../text.js';
import { useTheme, type Style } from '../theme.js';

// A small table: ink-table 3.x cannot be loaded next to ink 6 (ERR_REQUIRE_ASYNC_MODULE), and a top-like
// view needs what it lacks anyway: columns that drop by priority when the terminal is narrow.

export interface Column<R> {
  key: string;
  header: string;
  /** 1 is always kept; higher numbers are dropped first when the width is short. */
  priority: number;
  align?: 'left' | 'right';
  /** Fixed width; without it the column fits its header and cells, within minWidth..maxWidth. */
  width?: number;
  minWidth?: number;
  maxWidth?: number;
  /** Takes the width left over by the other columns (use on one column at most). */
  flex?: boolean;
  cell: (row: R) => string;
  style?: (row: R) => Style | undefined;
}

export interface FittedColumn<R> {
  column: Column<R>;
  width: number;
}

export const COLUMN_GAP = 1;

function naturalWidth<R>(c: Column<R>, rows: readonly R[]): number {
  if (c.width !== undefined) return c.width;
  let w = textWidth(c.header);
  for (const r of rows) w = Math.max(w, textWidth(c.cell(r)));
  const min = c.minWidth ?? textWidth(c.header);
  const max = c.maxWidth ?? 40;
  return Math.max(min, Math.min(max, w));
}

/**
 * Chooses the columns that fit in `total` cells, by priority, keeping their declared order. A flex
 * column counts at its minimum while choosing and then takes the remaining width.
 */
export function fitColumns<R>(
  columns: readonly Column<R>[],
  rows: readonly R[],
  total: number,
  gap = COLUMN_GAP,
): FittedColumn<R>[] {
  const natural = new Map(columns.map((c) => [c, c.flex ? (c.minWidth ?? 8) : naturalWidth(c, rows)] as const));
  const byPriority = columns.map((c, i) => ({ c, i })).sort((a, b) => a.c.priority - b.c.priority || a.i - b.i);
  const chosen = new Set<Column<R>>();
  let used = 0;
  for (const { c } of byPriority) {
    const w = natural.get(c)! + (chosen.size > 0 ? gap : 0);
    if (used + w > total) {
      if (chosen.size === 0) {
        chosen.add(c);
        used = total;
      }
      continue;
    }
    chosen.add(c);
    used += w;
  }
  const kept = columns.filter((c) => chosen.has(c));
  const fitted = kept.map((c) => ({ column: c, width: Math.min(total, natural.get(c)!) }));
  const flex = fitted.find((f) => f.column.flex);
  const sum = fitted.reduce((a, f) => a + f.width, 0) + gap * Math.max(0, fitted.length - 1);
  if (flex && sum < total) flex.width += total - sum;
  return fitted;
}

export function formatRow<R>(fitted: readonly FittedColumn<R>[], row: R, ellipsis = '…'): string[] {
  return fitted.map((f) => fit(f.column.cell(row), f.width, f.column.align ?? 'left', ellipsis));
}

export function headerLine<R>(fitted: readonly FittedColumn<R>[]): string {
  return fitted.map((f) => fit(f.column.header, f.width, f.column.align ?? 'left')).join(' '.repeat(COLUMN_GAP));
}

function Cells<R>({ fitted, row, rowStyle }: { fitted: FittedColumn<R>[]; row: R; rowStyle?: Style }) {
  const theme = useTheme();
  const cells = formatRow(fitted, row, theme.glyphs.ellipsis);
  return (
    <Text wrap="truncate" {...rowStyle}>
      {cells.map((s, i) => {
        const st = fitted[i].column.style?.(row);
        const sep = i > 0 ? ' '.repeat(COLUMN_GAP) : '';
        return st ? (
          <React.Fragment key={fitted[i].column.key}>
            {sep}
            <Text {...st}>{s}</Text>
          </React.Fragment>
        ) : (
          <React.Fragment key={fitted[i].column.key}>{sep + s}</React.Fragment>
        );
      })}
    </Text>
  );
}

export interface TableProps<R> {
  columns: readonly Column<R>[];
  rows: readonly R[];
  width: number;
  showHeader?: boolean;
  rowKey: (row: R, index: number) => string;
  rowStyle?: (row: R) => Style | undefined;
  /** Rows used to size columns (all rows, when `rows` is only the visible window). */
  sizingRows?: readonly R[];
}

export function Table<R>({ columns, rows, width, showHeader = true, rowKey, rowStyle, sizingRows }: TableProps<R>) {
  const fitted = fitColumns(columns, sizingRows ?? rows, width);
  return (
    <>
      {showHeader ? (
        <Text wrap="truncate" bold dimColor>
          {headerLine(fitted)}
        </Text>
      ) : null}
      {rows.map((r, i) => (
        <Cells key={rowKey(r, i)} fitted={fitted} row={r} rowStyle={rowStyle?.(r)} />
      ))}
    </>
  );
}
