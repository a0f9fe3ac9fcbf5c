import type { KerntopEvent, ProbeFamily } from '../../events.js';
import { decoderFor, familyOfMap, type DecodeContext, type MapValue } from './decoders.js';
import { RunningTotals } from './deltas.js';
import { parseLine } from './parser.js';

export interface AssembleResult {
  events: KerntopEvent[];
  ready: boolean;
  /** The line was the interval's TICK marker: the child is alive and reporting. */
  tick?: boolean;
  malformed?: string;
}

/**
 * Turns bpftrace output lines into events. Maps printed during one interval are gathered per family
 * and become one probe.tick per active family when the TICK marker arrives, so a quiet family still
 * reports a zero count and its rate stays honest.
 */
export class OutputAssembler {
  private pending = new Map<ProbeFamily, Map<string, MapValue>>();
  private lastTickMs: number | null = null;
  private readonly runningTotals = new RunningTotals();
  private readonly totals: ReadonlySet<string>;

  /** totals: maps the program never clears (Composed.totals); each tick reports their difference since the last. */
  constructor(
    private readonly families: readonly ProbeFamily[],
    private readonly ctx: DecodeContext,
    private readonly now: () => number = Date.now,
    totals: Iterable<string> = [],
  ) {
    this.totals = new Set(totals);
  }

  feed(line: string): AssembleResult {
    const p = parseLine(line);
    const ts = this.now();
    switch (p.kind) {
      case 'ready':
        // A new child: its maps start empty.
        this.runningTotals.reset();
        this.lastTickMs = ts;
        return { events: [], ready: true };
      case 'map':
      case 'hist': {
        const fam = familyOfMap(p.name);
        if (!fam) return { events: [], ready: false };
        const raw = p.kind === 'hist' ? p.buckets : p.value;
        const value = this.totals.has(p.name) ? this.runningTotals.difference(p.name, raw) : raw;
        if (value === null) return { events: [], ready: false };
        let m = this.pending.get(fam);
        if (!m) this.pending.set(fam, (m = new Map()));
        m.set(p.name, value);
        return { events: [], ready: false };
      }
      case 'tick': {
        const interval_ms = this.lastTickMs === null ? 1000 : Math.max(1, ts - this.lastTickMs);
        this.lastTickMs = ts;
        const events: KerntopEvent[] = [];
        for (const fam of this.families) {
          const d = decoderFor(fam);
          if (!d) continue;
          const r = d.tick(this.pending.get(fam) ?? new Map(), this.ctx, ts, interval_ms);
          events.push(r.tick, ...r.events);
        }
        this.pending.clear();
        return { events, ready: false, tick: true };
      }
      case 'event': {
        const d = decoderFor(p.family as ProbeFamily);
        const ev = d?.event?.decode(p.fields, this.ctx, ts) ?? null;
        if (!ev) return { events: [], ready: false, malformed: line };
        return { events: [ev], ready: false };
      }
      case 'lost':
        return {
          events: [
            {
              type: 'source.diag',
              ts_ms: ts,
              source: 'bpftrace',
              level: 'warning',
              message: `bpftrace lost ${p.events} events (perf buffer full); counts from maps are still exact`,
            },
          ],
          ready: false,
        };
      case 'malformed':
        return { events: [], ready: false, malformed: p.line };
      case 'ignored':
        return { events: [], ready: false };
    }
  }
}
