import React from 'react';
import { Text } from 'ink';
import { TextField } from '../components/TextField.js';
import { fitSegments, type Segment } from '../segments.js';
import { useTheme } from '../theme.js';

export interface FooterProps {
  width: number;
  /** Text being typed after '/', or null when not editing the filter. */
  editing: string | null;
  filter: string;
  message: string | null;
}

/** Memoised: re-renders only when its own props change. */
export const Footer = React.memo(function Footer({ width, editing, filter, message }: FooterProps) {
  const theme = useTheme();
  if (editing !== null) {
    return (
      <Text wrap="truncate">
        <Text {...theme.accent}>/</Text>
        <TextField value={editing} width={Math.max(8, width - 46)} focused boxed={false} style={{}} />
        <Text dimColor>{'  Enter apply  Ctrl+U empties  Esc clear'}</Text>
      </Text>
    );
  }
  const keys: Segment[] = [
    ...(message ? [{ text: message, priority: 0, style: theme.accent }] : []),
    ...(filter ? [{ text: `filter: ${filter}`, priority: 1, style: theme.accent }] : []),
    { text: 'q quit', priority: 1 },
    { text: '? help', priority: 1 },
    { text: 'Tab focus', priority: 2 },
    { text: 'p pause', priority: 2 },
    { text: '/ filter', priority: 3 },
    { text: '1-7 hist', priority: 4 },
    { text: 'c clear', priority: 5 },
    { text: 'arrows/PgUp/PgDn scroll', priority: 6 },
  ];
  const shown = fitSegments(keys, width);
  return (
    <Text wrap="truncate">
      {shown.map((s, i) => (
        <React.Fragment key={i}>
          {i > 0 ? '  ' : ''}
          <Text {...(s.style ?? theme.dim)}>{s.text}</Text>
        </React.Fragment>
      ))}
    </Text>
  );
});
