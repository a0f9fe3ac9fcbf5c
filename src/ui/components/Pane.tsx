import React from 'react';
import { Box, Text } from 'ink';
import { truncate, width as textWidth } from '../text.js';
import { useTheme } from '../theme.js';

export interface PaneProps {
  title: string;
  /** Shown after the title, dimmed: "sched", "12 of 480", "filter: oom". */
  info?: string;
  width: number;
  height: number;
  focused: boolean;
  children?: React.ReactNode;
}

/**
 * A pane is a title rule and `height - 1` lines of content. No side borders: they would cost two
 * columns on every line, which a 70-column tmux pane cannot spare.
 */
export function Pane({ title, info, width, height, focused, children }: PaneProps) {
  const theme = useTheme();
  const g = theme.glyphs;
  const head = ` ${title} `;
  const extra = info ? ` ${info} ` : '';
  const lead = focused ? '>' : g.rule;
  const room = Math.max(0, width - 1 - textWidth(head));
  const extraShown = truncate(extra, room, g.ellipsis);
  const tail = g.rule.repeat(Math.max(0, width - 1 - textWidth(head) - textWidth(extraShown)));
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate">
        <Text {...theme.title(focused)}>{lead}</Text>
        <Text {...theme.title(focused)}>{truncate(head, width - 1, g.ellipsis)}</Text>
        <Text dimColor>{extraShown}</Text>
        <Text dimColor>{tail}</Text>
      </Text>
      {height > 1 ? (
        <Box flexDirection="column" height={height - 1} overflow="hidden">
          {children}
        </Box>
      ) : null}
    </Box>
  );
}
