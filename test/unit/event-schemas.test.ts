// Every event type of the union in src/events.ts has a schema, real recorded events pass it, and an
// event without its fields does not.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkEvent, EVENT_SCHEMAS, EVENT_TYPES } from '../../src/event-schemas.js';

const EVENTS_TS = readFileSync(new URL('../../src/events.ts', import.meta.url), 'utf8');
const SESSION = new URL('../../fixtures/sessions/busy-host.jsonl', import.meta.url).pathname;

/** The `type: '...'` literals of the interfaces that are members of the KerntopEvent union. */
function unionTypes(): string[] {
  const union = /export type KerntopEvent =([^;]+);/.exec(EVENTS_TS)![1];
  const members = union
    .split('|')
    .map((m) => m.trim())
    .filter(Boolean);
  return members.map((m) => {
    const body = new RegExp(`export interface ${m} \\{([\\s\\S]*?)\\n\\}`).exec(EVENTS_TS)![1];
    return /\btype: '([^']+)'/.exec(body)![1];
  });
}

describe('event schemas', () => {
  it('one schema per event type of the union in src/events.ts, and no other', () => {
    const types = unionTypes();
    expect(types.length).toBeGreaterThan(10);
    expect([...EVENT_TYPES].sort()).toEqual([...types].sort());
    for (const t of types) expect(EVENT_SCHEMAS[t as keyof typeof EVENT_SCHEMAS], t).toBeDefined();
  });

  it('every event of a real recording passes its schema', () => {
    const lines = readFileSync(SESSION, 'utf8').split('\n').filter(Boolean).slice(1);
    const seen = new Set<string>();
    for (const l of lines) {
      const r = checkEvent(JSON.parse(l));
      expect(r.ok, l.slice(0, 200)).toBe(true);
      seen.add(JSON.parse(l).type);
    }
    expect(seen.size).toBeGreaterThan(4);
  });

  it('an event without its fields, of an unknown type or of the wrong shape is refused with the reason', () => {
    expect(checkEvent({ type: 'kmsg.record', ts_ms: 1, source: 'kmsg' })).toEqual({
      ok: false,
      reason: expect.stringMatching(/^kmsg\.record: record: /),
    });
    expect(checkEvent({ type: 'kmsg.record', ts_ms: 1 })).toMatchObject({ ok: false });
    expect(checkEvent({ type: 'probe.tick', ts_ms: 1, family: 'sched', interval_ms: 1000, count: '3' })).toEqual({
      ok: false,
      reason: expect.stringMatching(/^probe\.tick: count: /),
    });
    expect(checkEvent({ type: 'nope', ts_ms: 1 })).toEqual({ ok: false, reason: 'unknown event type "nope"' });
    expect(checkEvent({ type: 'clock' })).toMatchObject({ ok: false });
    expect(checkEvent([1])).toMatchObject({ ok: false });
    expect(checkEvent(null)).toMatchObject({ ok: false });
  });

  it('fields a newer kerntop adds are kept', () => {
    const ev = { type: 'kmsg.lost', ts_ms: 1, lost: 2, added_later: 'x' };
    expect(checkEvent(ev)).toEqual({ ok: true, event: ev });
  });
});
