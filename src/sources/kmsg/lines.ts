import type { Readable } from 'node:stream';

/** Longest line kept whole; a longer one (no log line is) is passed on in pieces of this size. */
export const MAX_LINE = 1 << 20;

/**
 * Calls onLine with each line of a text stream (without its newline), as the stream is read: memory
 * stays bounded by the longest line, whatever the size of the input. Rejects with the stream's error
 * (ENOENT, EISDIR, ...).
 */
export async function eachLine(input: Readable, onLine: (line: string) => void, maxLine = MAX_LINE): Promise<void> {
  input.setEncoding('utf8');
  let rest = '';
  for await (const chunk of input as AsyncIterable<string>) {
    const s = rest + chunk;
    let start = 0;
    for (let nl = s.indexOf('\n'); nl >= 0; nl = s.indexOf('\n', start)) {
      onLine(s.slice(start, nl));
      start = nl + 1;
    }
    rest = s.slice(start);
    while (rest.length > maxLine) {
      onLine(rest.slice(0, maxLine));
      rest = rest.slice(maxLine);
    }
  }
  if (rest !== '') onLine(rest);
}
