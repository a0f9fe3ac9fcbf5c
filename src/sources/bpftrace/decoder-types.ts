// The shapes a family's decoder has: what it reads (maps, EV lines) and what it is given.
import type { KernelEvent, Log2Bucket, ProbeFamily, ProbeTickEvent, Thresholds } from '../../events.js';
import type { EventLine } from './event-line.js';

export type MapValue = number | Record<string, number> | Log2Bucket[] | Record<string, Log2Bucket[]>;

export interface DecodeContext {
  thresholds: Thresholds;
  dropReasons: ReadonlyMap<number, string>;
  /** Block device name for major:minor (e.g. "loop3"), if known. */
  deviceName(major: number, minor: number): string | undefined;
  /** IRQ name for an IRQ number ("virtio2-input.0"), if known. */
  irqName?(irq: number): string | undefined;
}

/** Reads a family's `EV` lines by their contract (EVENT_LINES in catalog.ts). */
export interface EventDecoder {
  line: EventLine;
  /** The words after `EV <family>`; null when they do not fit the line. */
  decode(words: readonly string[], ctx: DecodeContext, ts_ms: number): KernelEvent | null;
}

/** How one family's bpftrace output becomes events: a table row per family. */
export interface FamilyDecoder {
  family: ProbeFamily;
  /** An `EV <family> ...` line. */
  event?: EventDecoder;
  /** The family's maps printed in one interval. */
  tick(
    maps: ReadonlyMap<string, MapValue>,
    ctx: DecodeContext,
    ts_ms: number,
    interval_ms: number,
  ): { tick: ProbeTickEvent; events: KernelEvent[] };
}
