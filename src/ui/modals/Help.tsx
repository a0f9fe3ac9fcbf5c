import { useState } from 'react';
import { Text, useInput } from 'ink';
import { offsetMove } from '../scroll.js';
import { fit, truncate } from '../text.js';
import { useTheme } from '../theme.js';
import { MODALS, type ModalProps } from './registry.js';

export const HELP_KEYS: [string, string][] = [
  ['q, Ctrl+C', 'quit (the terminal is restored)'],
  ['Tab, Shift+Tab', 'move focus between panes'],
  ['Up, Down', 'scroll the focused pane by a line'],
  ['PgUp, PgDn', 'scroll by a page'],
  ['Home, End', 'go to the oldest line / follow the newest'],
  ['1-7, Left, Right', 'choose the histogram family'],
  ['p', 'pause the view (counting goes on)'],
  ['/', 'filter events and kernel log lines; Esc clears'],
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

export function HelpModal({ width, height }: ModalProps) {
  const theme = useTheme();
  const [offset, setOffset] = useState(0);
  // Every registered window gets its line, so a new modal is documented by registering it.
  const keys: [string, string][] = [...HELP_KEYS, ...Object.entries(MODALS).filter(([k]) => k !== '?').map(([k, m]): [string, string] => [k, m.title])];
  const keyW = Math.max(...keys.map(([k]) => k.length));
  const lines = [...keys.map(([k, d]) => `${fit(k, keyW)}  ${d}`), ...LEGEND];
  const room = Math.max(1, height - 1);
  useInput((_input, key) => {
    const move = key.upArrow ? 'up' : key.downArrow ? 'down' : key.pageUp ? 'pageUp' : key.pageDown ? 'pageDown' : key.home ? 'home' : key.end ? 'end' : null;
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
