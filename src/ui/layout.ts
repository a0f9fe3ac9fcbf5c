// Where each pane goes for a terminal of a given size. Pure, so every size can be tested without a
// terminal. Heights count lines including each pane's title line.

export const PANES = ['summary', 'hist', 'events', 'kmsg', 'probes'] as const;
export type PaneName = (typeof PANES)[number];

export const PANE_TITLES: Record<PaneName, string> = {
  summary: 'Subsystems',
  hist: 'Latency',
  events: 'Events',
  kmsg: 'Kernel log',
  probes: 'Probes',
};

/** Two columns from this width; below it the panes stack. */
export const WIDE_COLUMNS = 120;
/** Below this width tables drop low-priority columns and lines are shortened (tmux panes). */
export const COMPACT_COLUMNS = 80;
/** Below this height only the summary and the events are shown. */
export const SHORT_ROWS = 20;

export type LayoutMode = 'single' | 'wide' | 'stacked' | 'compact' | 'short';

export interface PaneBox {
  name: PaneName;
  width: number;
  height: number;
}

export interface LayoutPlan {
  mode: LayoutMode;
  columns: number;
  /** Lines the app draws: one less than the terminal so Ink redraws only changed lines, never clears. */
  height: number;
  header: number;
  footer: number;
  /** One column of panes, or the left one when wide. */
  left: PaneBox[];
  right: PaneBox[];
  leftWidth: number;
}

export interface LayoutInput {
  columns: number;
  rows: number;
  pane?: PaneName;
  /** Header lines wanted (the status line, plus one for alerts when there are some). */
  headerLines: number;
  /** Content lines each pane would like, without its title. */
  want: { summary: number; hist: number; probes: number };
}

interface Want {
  name: PaneName;
  min: number;
  /** Lines it can use; Infinity for panes that scroll (they take what is left, by weight). */
  want: number;
  weight: number;
}

/**
 * Gives each pane its minimum, drops panes from the end of the list while even the minimums do not
 * fit, then fills panes with a fixed want in list order and shares the rest by weight.
 */
export function allocate(items: Want[], lines: number): { name: PaneName; height: number }[] {
  let kept = items.slice();
  while (kept.length > 1 && kept.reduce((a, i) => a + i.min, 0) > lines) {
    // Drop the least important pane: the last one that is not the first.
    kept = kept.slice(0, -1);
  }
  const h = new Map(kept.map((i) => [i.name, Math.min(i.min, lines)] as const));
  let left = lines - kept.reduce((a, i) => a + h.get(i.name)!, 0);
  for (const i of kept) {
    if (left <= 0) break;
    if (!Number.isFinite(i.want)) continue;
    const add = Math.min(left, Math.max(0, i.want - h.get(i.name)!));
    h.set(i.name, h.get(i.name)! + add);
    left -= add;
  }
  const flex = kept.filter((i) => !Number.isFinite(i.want) && i.weight > 0);
  const totalW = flex.reduce((a, i) => a + i.weight, 0);
  if (left > 0 && totalW > 0) {
    let given = 0;
    flex.forEach((i, n) => {
      const add = n === flex.length - 1 ? left - given : Math.floor((left * i.weight) / totalW);
      h.set(i.name, h.get(i.name)! + add);
      given += add;
    });
  } else if (left > 0 && kept.length > 0) {
    // Nothing scrolls: the last pane absorbs the slack so the frame keeps its height.
    const last = kept[kept.length - 1];
    h.set(last.name, h.get(last.name)! + left);
  }
  return kept.map((i) => ({ name: i.name, height: h.get(i.name)! }));
}

export function planLayout(input: LayoutInput): LayoutPlan {
  const columns = Math.max(20, input.columns);
  const height = Math.max(3, input.rows - 1);
  const short = input.rows < SHORT_ROWS;
  const header = short ? 1 : Math.max(1, input.headerLines);
  const footer = 1;
  const body = Math.max(1, height - header - footer);
  const title = 1;
  const summary = { min: title + 2, want: title + 1 + Math.max(1, input.want.summary), weight: 0 };
  const hist = { min: title + 3, want: title + Math.max(3, input.want.hist), weight: 1 };
  const probes = { min: title + 1, want: title + Math.max(1, input.want.probes), weight: 0 };

  if (input.pane) {
    return {
      mode: 'single',
      columns,
      height,
      header,
      footer,
      left: [{ name: input.pane, width: columns, height: body }],
      right: [],
      leftWidth: columns,
    };
  }

  if (short) {
    const boxes = allocate(
      [
        {
          name: 'summary',
          min: summary.min,
          want: Math.min(summary.want, Math.max(summary.min, Math.floor(body / 2))),
          weight: 0,
        },
        { name: 'events', min: title + 1, want: Infinity, weight: 1 },
      ],
      body,
    );
    return {
      mode: 'short',
      columns,
      height,
      header,
      footer,
      left: boxes.map((b) => ({ ...b, width: columns })),
      right: [],
      leftWidth: columns,
    };
  }

  if (columns >= WIDE_COLUMNS) {
    const leftWidth = Math.min(90, Math.max(56, Math.floor(columns * 0.45)));
    const rightWidth = columns - leftWidth - 1;
    // Left: the numbers (summary, histogram, probes); right: the streams (events, kernel log).
    const left = allocate(
      [
        { name: 'summary', ...summary, want: Math.min(summary.want, Math.floor(body * 0.5)) },
        { name: 'probes', ...probes, want: Math.min(probes.want, Math.floor(body * 0.3)) },
        { name: 'hist', min: hist.min, want: Infinity, weight: 1 },
      ],
      body,
    );
    // Keep the visual order summary, histogram, probes.
    const order: PaneName[] = ['summary', 'hist', 'probes'];
    left.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    const right = allocate(
      [
        { name: 'events', min: title + 3, want: Infinity, weight: 3 },
        { name: 'kmsg', min: title + 3, want: Infinity, weight: 2 },
      ],
      body,
    );
    return {
      mode: 'wide',
      columns,
      height,
      header,
      footer,
      left: left.map((b) => ({ ...b, width: leftWidth })),
      right: right.map((b) => ({ ...b, width: rightWidth })),
      leftWidth,
    };
  }

  // Stacked: most important first, so a short terminal drops from the bottom of this list.
  const stacked = allocate(
    [
      // The summary is what the tool is for: it keeps its rows (up to 45% of the height) and the
      // panes below it are dropped first when the terminal is short.
      { name: 'summary', ...summary, min: Math.min(summary.want, Math.max(summary.min, Math.floor(body * 0.45))) },
      { name: 'events', min: title + 3, want: Infinity, weight: 3 },
      { name: 'hist', min: hist.min, want: Math.min(hist.want, Math.max(hist.min, Math.floor(body * 0.25))), weight: 0 },
      { name: 'kmsg', min: title + 2, want: Infinity, weight: 2 },
      { name: 'probes', ...probes, want: Math.min(probes.want, 4) },
    ],
    body,
  );
  const order: PaneName[] = ['summary', 'hist', 'events', 'kmsg', 'probes'];
  stacked.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  return {
    mode: columns < COMPACT_COLUMNS ? 'compact' : 'stacked',
    columns,
    height,
    header,
    footer,
    left: stacked.map((b) => ({ ...b, width: columns })),
    right: [],
    leftWidth: columns,
  };
}

/** Panes in Tab order for a plan. */
export function focusOrder(plan: LayoutPlan): PaneName[] {
  const shown = new Set([...plan.left, ...plan.right].map((b) => b.name));
  return PANES.filter((p) => shown.has(p));
}
