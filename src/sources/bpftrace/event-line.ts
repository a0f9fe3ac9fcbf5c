/**
 * The contract of an `EV <family> ...` line: its fields by name and type, in printf order. A family's
 * fragment prints them with one printf and its decoder reads them by name, so both follow one table
 * (test/unit/bpftrace-event-lines.test.ts checks every fragment's printf against it).
 */

/** int: printed with %d. word: %s without spaces (a probe name, an address). text: %s that may hold spaces (comm); last only. */
export type EventFieldType = 'int' | 'word' | 'text';

export interface EventField {
  readonly name: string;
  readonly type: EventFieldType;
}

export type EventLine = readonly EventField[];

/** The decoded fields of one line, typed by its contract. */
export type EventRecord<L extends EventLine> = {
  readonly [F in L[number] as F['name']]: F['type'] extends 'int' ? number : string;
};

/** The printf conversion each field type is printed with. */
export const PRINTF_CONVERSION: Readonly<Record<EventFieldType, string>> = { int: '%d', word: '%s', text: '%s' };

/** The printf format of a line after `EV <family> `, e.g. "%d %d %s". */
export const printfFormat = (line: EventLine): string => line.map((f) => PRINTF_CONVERSION[f.type]).join(' ');

/** Reads the space-separated words after `EV <family>` by the contract; null when they do not fit it. */
export function readEventLine<L extends EventLine>(line: L, words: readonly string[]): EventRecord<L> | null {
  const out: Record<string, number | string> = {};
  for (let i = 0; i < line.length; i++) {
    const f = line[i];
    if (f.type === 'text') {
      if (i !== line.length - 1) return null;
      out[f.name] = words.slice(i).join(' ');
      return out as EventRecord<L>;
    }
    const w = words[i];
    if (w === undefined) return null;
    if (f.type === 'int') {
      if (!/^-?\d+$/.test(w)) return null;
      out[f.name] = Number(w);
    } else out[f.name] = w;
  }
  return words.length === line.length ? (out as EventRecord<L>) : null;
}
