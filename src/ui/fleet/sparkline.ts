// Small inline charts: one cell per time slot, eight heights (Unicode blocks) or five (ASCII).
const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const ASCII = ['_', '.', '-', '=', '#'];

/**
 * `values` squeezed (or stretched) into `width` cells, each the maximum of its slot (a spike stays
 * visible). Empty slots (no data) are spaces; zero is the lowest mark; the top is the series' maximum.
 */
export function sparkline(values: readonly (number | null)[], width: number, unicode = true): string {
  if (width <= 0 || values.length === 0) return '';
  const marks = unicode ? BLOCKS : ASCII;
  const cells: (number | null)[] = [];
  for (let c = 0; c < width; c++) {
    const from = Math.floor((c * values.length) / width);
    const to = Math.max(from + 1, Math.floor(((c + 1) * values.length) / width));
    let m: number | null = null;
    for (let i = from; i < to && i < values.length; i++) {
      const v = values[i];
      if (v !== null && Number.isFinite(v) && (m === null || v > m)) m = v;
    }
    cells.push(m);
  }
  const max = Math.max(0, ...cells.filter((v): v is number => v !== null));
  return cells
    .map((v) =>
      v === null ? ' ' : max <= 0 ? marks[0] : marks[Math.min(marks.length - 1, Math.round((v / max) * (marks.length - 1)))],
    )
    .join('');
}
