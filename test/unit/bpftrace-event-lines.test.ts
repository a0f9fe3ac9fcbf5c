import { describe, expect, it } from 'vitest';
import { CATALOG, EVENT_LINES, eventLine } from '../../src/sources/bpftrace/catalog.js';
import { loadFragment } from '../../src/sources/bpftrace/compose.js';
import { decoderFor } from '../../src/sources/bpftrace/decoders.js';
import { printfFormat, readEventLine } from '../../src/sources/bpftrace/event-line.js';

/** Every `printf("EV <family> <format>\n", args...)` of a fragment, with its arguments split at top-level commas. */
function evPrintfs(src: string): { family: string; format: string; args: string[] }[] {
  const out: { family: string; format: string; args: string[] }[] = [];
  for (const m of src.matchAll(/printf\("EV (\w+) ?([^"]*?)\\n"/g)) {
    const args: string[] = [];
    let depth = 0;
    let cur = '';
    let i = m.index + m[0].length;
    for (; i < src.length; i++) {
      const c = src[i];
      if (c === '(') depth++;
      if (c === ')' && depth-- === 0) break;
      if (c === ',' && depth === 0) {
        if (cur.trim()) args.push(cur.trim());
        cur = '';
      } else cur += c;
    }
    if (cur.trim()) args.push(cur.trim());
    out.push({ family: m[1], format: m[2], args });
  }
  return out;
}

describe('EV lines: one contract per family, shared by fragment and decoder', () => {
  it("every fragment prints its family's EV line with the declared conversions and one argument per field", () => {
    for (const entry of CATALOG)
      for (const s of entry.strategies) {
        const line = eventLine(entry.family);
        const printfs = evPrintfs(loadFragment(s));
        // A family either prints EV lines in every strategy and declares them, or neither.
        expect(printfs.length > 0, `${s.script}: EV printf vs EVENT_LINES.${entry.family}`).toBe(line !== undefined);
        for (const p of printfs) {
          expect(p.family, s.script).toBe(entry.family);
          expect(p.format, `${s.script}: printf format`).toBe(printfFormat(line!));
          expect(p.args, `${s.script}: printf arguments`).toHaveLength(line!.length);
        }
      }
  });

  it('every declared line has a family in the catalog and a decoder that reads it', () => {
    for (const [family, line] of Object.entries(EVENT_LINES)) {
      const f = family as keyof typeof EVENT_LINES;
      expect(CATALOG.some((c) => c.family === f)).toBe(true);
      expect(decoderFor(f)?.event?.line).toBe(line);
      // A text field (comm, may hold spaces) can only be last.
      expect(line.slice(0, -1).every((x) => x.type !== 'text')).toBe(true);
    }
    for (const c of CATALOG) if (!eventLine(c.family)) expect(decoderFor(c.family)?.event).toBeUndefined();
  });

  it('reads words by name and type; too few, too many or non-numeric words do not fit', () => {
    expect(readEventLine(EVENT_LINES.sched, ['1200', '42', 'Web', 'Content'])).toEqual({
      runq_latency_us: 1200,
      pid: 42,
      comm: 'Web Content',
    });
    expect(readEventLine(EVENT_LINES.vfs, ['5440', 'tracepoint:syscalls:sys_exit_read', '8964', 'dd'])).toEqual({
      latency_us: 5440,
      probe: 'tracepoint:syscalls:sys_exit_read',
      pid: 8964,
      comm: 'dd',
    });
    expect(readEventLine(EVENT_LINES.sched, ['x', '42', 'a'])).toBeNull();
    expect(readEventLine(EVENT_LINES.bio, ['1', '7', '0', '8'])).toBeNull();
    expect(readEventLine(EVENT_LINES.tcp_retrans, ['1', '2', '3', 'a', 'b', 'c'])).toBeNull();
  });

  it('the printf checker splits arguments at top-level commas only', () => {
    expect(
      evPrintfs('printf("EV tcp_retrans %d %d %d %s %s\\n", args->state, f(a, b), args->dport, ntop(args->saddr_v6), x);'),
    ).toEqual([
      {
        family: 'tcp_retrans',
        format: '%d %d %d %s %s',
        args: ['args->state', 'f(a, b)', 'args->dport', 'ntop(args->saddr_v6)', 'x'],
      },
    ]);
  });
});
