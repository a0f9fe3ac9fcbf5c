import React from 'react';
import { Text, type Key } from 'ink';
import { fit, truncate } from '../text.js';
import { useTheme, type Style } from '../theme.js';

// One-line text fields (the `/` filter, a kernel path, a memory size, a dump directory): typing
// appends, Backspace deletes the last character, Ctrl+U empties the field. A paste arrives as one
// input of several characters and is taken whole. editText is how a key changes the value; TextField
// is how the value is shown.

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** The value after `input`, or null when the key is not an edit (a move, Enter, Esc). */
export function editText(value: string, input: string, key: Key): string | null {
  if (key.backspace || key.delete) return value.slice(0, -1);
  if (key.ctrl && input === 'u') return '';
  if (key.ctrl || key.meta || key.tab || key.return || key.escape) return null;
  if (key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown || key.home || key.end)
    return null;
  if (!input) return null;
  // A pasted line may end with a newline; control characters would move the cursor of the terminal.
  const clean = input.replace(CONTROL, '');
  return clean ? value + clean : null;
}

export const TEXT_KEYS_HINT = 'Backspace deletes  Ctrl+U empties';

/**
 * Several keys in one read (keys typed faster than a frame, tmux send-keys, a paste) arrive as one
 * input with no flags set; Ink splits escape sequences but not text. Taken one by one, as if typed:
 * Enter, Tab, Backspace and Ctrl+U keep their meaning, other control characters are dropped.
 */
export function splitKeys(input: string, key: Key): [string, Key][] {
  const plain = !key.ctrl && !key.meta && !key.tab && !key.return && !key.escape && !key.backspace && !key.delete;
  if (!plain || input.length <= 1) return [[input, key]];
  const none: Key = { ...key, shift: false };
  const out: [string, Key][] = [];
  let prev = '';
  for (const ch of input) {
    if (ch === '\r' || (ch === '\n' && prev !== '\r')) out.push(['', { ...none, return: true }]);
    else if (ch === '\t') out.push(['', { ...none, tab: true }]);
    else if (ch === '\u007f' || ch === '\b') out.push(['', { ...none, backspace: true }]);
    else if (ch === '\u0015') out.push(['u', { ...none, ctrl: true }]);
    else if (ch >= ' ') out.push([ch, { ...none, shift: /[A-Z]/.test(ch) }]);
    prev = ch;
  }
  return out;
}

export interface TextFieldProps {
  value: string;
  /** Cells for the value, the cursor included. */
  width: number;
  /** Being typed into: the cursor shows. */
  focused: boolean;
  /** The whole value is selected: the first character typed replaces it (shown inverse, no cursor). */
  fresh?: boolean;
  /** In a box of fixed width, `[value   ]` (a form); false: the value as it is (the filter line). */
  boxed?: boolean;
  style?: Style;
}

/** A field's value as shown: the end of a long value is the part being typed, so it stays in view. */
export function fieldText(value: string, width: number, cursor: boolean, ellipsis = '…'): string {
  const shown = cursor ? `${value}_` : value;
  if (width <= 0) return '';
  return shown.length > width ? ellipsis + shown.slice(shown.length - width + 1) : shown;
}

export function TextField({ value, width, focused, fresh = false, boxed = true, style }: TextFieldProps) {
  const theme = useTheme();
  const text = fieldText(value, width, focused && !fresh, theme.glyphs.ellipsis);
  const look: Style = style ?? (focused && fresh ? { inverse: true } : focused ? { bold: true } : {});
  if (!boxed) return <Text {...look}>{truncate(text, width, theme.glyphs.ellipsis)}</Text>;
  return (
    <Text>
      [<Text {...look}>{fit(text, width)}</Text>]
    </Text>
  );
}
