import type { Key } from 'ink';

// One-line text fields for the job windows (a kernel path, a memory size, a dump directory): typing
// appends, Backspace deletes the last character, Ctrl+U empties the field. A paste arrives as one
// input of several characters and is taken whole.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** The value after `input`, or null when the key is not an edit (a move, Enter, Esc). */
export function editText(value: string, input: string, key: Key): string | null {
  if (key.backspace || key.delete) return value.slice(0, -1);
  if (key.ctrl && input === 'u') return '';
  if (key.ctrl || key.meta || key.tab || key.return || key.escape) return null;
  if (key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown || key.home || key.end) return null;
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
