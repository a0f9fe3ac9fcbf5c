import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, parseLine } from '../../src/sources/bpftrace/parser.js';

// Real output of bpftrace 0.17 running kerntop's composed program (see fixtures/bpftrace/README.md).
const capture = readFileSync(new URL('../../fixtures/bpftrace/all-families-0.17.jsonl', import.meta.url), 'utf8').split('\n');

describe('bpftrace JSON-line parser on real 0.17 output', () => {
  const parsed = capture.map(parseLine);

  it('classifies every captured line, none malformed', () => {
    expect(parsed.filter((p) => p.kind === 'malformed')).toEqual([]);
    expect(parsed.filter((p) => p.kind === 'ready')).toHaveLength(1);
    expect(parsed.filter((p) => p.kind === 'tick').length).toBeGreaterThanOrEqual(2);
  });

  it('reads log2 histograms with inclusive max', () => {
    const h = parsed.find((p) => p.kind === 'hist' && p.name === 'sched_lat_us');
    expect(h).toBeDefined();
    if (h?.kind !== 'hist') return;
    expect(h.buckets[0]).toEqual({ min: 1, max: 1, count: 33 });
    expect(h.buckets.every((b) => b.max >= b.min)).toBe(true);
  });

  it('reads keyed maps, scalar maps and EV lines (comm last, may hold spaces)', () => {
    const comm = parsed.find((p) => p.kind === 'map' && p.name === 'faults_comm');
    expect(comm?.kind === 'map' && typeof comm.value === 'object' && comm.value['tmux: client']).toBe(348);
    const ev = parsed.find((p) => p.kind === 'event' && p.family === 'sched');
    expect(ev).toMatchObject({ kind: 'event', family: 'sched', fields: ['7366', '8621', 'node'] });
    expect(parsed.find((p) => p.kind === 'event' && p.family === 'vfs' && p.fields.length > 4)).toEqual({
      kind: 'event',
      family: 'vfs',
      fields: ['6143', 'tracepoint:syscalls:sys_exit_write', '9476', 'npm', 'exec', 'vitest'],
    });
    expect(parseLine('{"type": "printf", "data": "EV sched 1200 42 Web Content\\n"}')).toEqual({
      kind: 'event',
      family: 'sched',
      fields: ['1200', '42', 'Web', 'Content'],
    });
  });

  it('skips the empty lines bpftrace prints at exit, and tolerates newer versions', () => {
    expect(parseLine('')).toEqual({ kind: 'ignored' });
    expect(parseLine('{"type": "attached_probes", "count": 3, "data": {"probes": 3}}')).toEqual({ kind: 'ignored' });
    expect(parseLine('{"type": "tseries", "data": {"@a": []}}')).toEqual({ kind: 'ignored' });
    // 0.24+ may send big integers as strings.
    expect(parseLine('{"type": "map", "data": {"@drops_n": "18446744073709551615"}}')).toMatchObject({
      kind: 'map',
      name: 'drops_n',
    });
    expect(parseLine('{"type": "lost_events", "data": {"events": 12}}')).toEqual({ kind: 'lost', events: 12 });
  });

  it('reports truncated and garbage lines as malformed, never throws', () => {
    expect(parseLine('{"type": "hist", "data": {"@sched_lat_us": [{"min": 1, "max"')).toMatchObject({ kind: 'malformed' });
    expect(parseLine('ERROR: something')).toMatchObject({ kind: 'malformed' });
    expect(parseLine('{"type": "map", "data": {"@a": {"k": "x"}}}')).toMatchObject({ kind: 'malformed' });
    expect(parseLine('null')).toMatchObject({ kind: 'malformed' });
    fc.assert(fc.property(fc.string(), (s) => typeof parseLine(s).kind === 'string'));
    // Real lines cut at every position.
    for (const line of capture.slice(0, 40))
      for (let i = 0; i < line.length; i += 7) expect(() => parseLine(line.slice(0, i))).not.toThrow();
  });

  it('splits chunks into lines at any boundary', () => {
    const text = capture.join('\n');
    const s = new LineSplitter();
    const got: string[] = [];
    for (let i = 0; i < text.length; i += 97) got.push(...s.push(text.slice(i, i + 97)));
    got.push(...s.end());
    expect(got).toEqual(capture.filter((_, i) => i < capture.length - 1 || capture[i] !== ''));
  });
});
