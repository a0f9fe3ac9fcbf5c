// A long recording for load runs, made of copies of a real one (fixtures/sessions/busy-host.jsonl)
// laid end to end in time: the same events, shifted so the copies follow each other.
import { readFileSync, writeFileSync } from 'node:fs';
import type { KerntopEvent } from '../../../src/events.js';

export interface LoadRecording {
  path: string;
  /** Event lines written (the player adds one session.info from the header). */
  events: number;
  /** Recorded span, ms. */
  span_ms: number;
  /** --speed that replays it at events_per_s. */
  speed(events_per_s: number): number;
  /** What one copy counts per probe family (probe events), for checking that nothing was lost. */
  per_copy: Record<string, number>;
}

export function makeLoadRecording(src: string, out: string, copies: number): LoadRecording {
  const [header, ...lines] = readFileSync(src, 'utf8').split('\n').filter(Boolean);
  const evs = lines.map((l) => JSON.parse(l) as KerntopEvent);
  const t0 = evs[0].ts_ms;
  const span = evs[evs.length - 1].ts_ms - t0 + 1000;
  const per_copy: Record<string, number> = {};
  for (const e of evs) {
    if (e.type === 'probe.tick') per_copy[e.family] = (per_copy[e.family] ?? 0) + e.count;
    if (e.type === 'kernel.event' && !e.in_tick) per_copy[e.subsystem] = (per_copy[e.subsystem] ?? 0) + 1;
  }
  const parts: string[] = [header];
  let n = 0;
  for (let k = 0; k < copies; k++) {
    for (const e of evs) {
      // One session: its start stays the first copy's.
      if (k > 0 && e.type === 'session.info') continue;
      parts.push(JSON.stringify({ ...e, ts_ms: e.ts_ms + k * span }));
      n++;
    }
  }
  writeFileSync(out, `${parts.join('\n')}\n`);
  return { path: out, events: n, span_ms: span * copies, speed: (r) => r / (n / ((span * copies) / 1000)), per_copy };
}
