import { useState } from 'react';
import { Text, useInput } from 'ink';
import { keyMove, offsetMove } from '../scroll.js';
import { fit, truncate } from '../text.js';
import { useTheme } from '../theme.js';
import type { ModalProps } from './types.js';

export const HELP_KEYS: [string, string][] = [
  ['q, Ctrl+C', 'quit (the terminal is restored)'],
  ['Tab, Shift+Tab', 'move focus between panes'],
  ['Up, Down', 'scroll the focused pane by a line'],
  ['PgUp, PgDn', 'scroll by a page'],
  ['Home, End', 'go to the oldest line / follow the newest'],
  ['1-7, Left, Right', 'choose the histogram family'],
  ['p', 'pause the view (counting goes on)'],
  ['/', 'filter events and kernel log lines; Ctrl+U empties, Esc clears'],
  ['c', 'clear counters and histograms'],
  ['?', 'this help'],
  ['Esc', 'close a window'],
];

const LEGEND: string[] = [
  '',
  'STATUS is OK, WARNING or CRITICAL per subsystem; the header shows the worst.',
  'RATE/s is the mean over the last 10 s; P50/P99 are log2 bucket upper edges.',
  'Probes: ATTACHED runs, SKIPPED was not started here, FAILED died, STALLED stopped reporting (see REASON).',
  'Layout: two columns from 120 columns, stacked below, compact under 80;',
  'under 20 rows only the summary and events. --pane NAME shows one pane.',
];

export interface HelpModalProps extends ModalProps {
  /** The other windows' keys and titles, from the registry. */
  windows?: [string, string][];
}

export function HelpModal({ width, height, windows = [] }: HelpModalProps) {
  const theme = useTheme();
  const [offset, setOffset] = useState(0);
  const keys: [string, string][] = [...HELP_KEYS, ...windows];
  const keyW = Math.max(...keys.map(([k]) => k.length));
  const lines = [...keys.map(([k, d]) => `${fit(k, keyW)}  ${d}`), ...LEGEND];
  const room = Math.max(1, height - 1);
  useInput((_input, key) => {
    const move = keyMove(key);
    if (move) setOffset((o) => offsetMove(o, lines.length, room, move));
  });
  return (
    <>
      {lines.slice(offset, offset + room).map((l, i) => (
        <Text key={i} wrap="truncate" {...(i + offset < keys.length ? {} : theme.dim)}>
          {truncate(l, width, theme.glyphs.ellipsis)}
        </Text>
      ))}
    </>
  );
}
