// Shared by the noise tests (cpus.test.ts, noise-totals.test.ts): decoding a real bpftrace capture
// (fixtures/bpftrace) the way the monitor does, and the two-CPU topology those captures came from.
import { readFileSync } from 'node:fs';
import { DEFAULT_THRESHOLDS, type CpuTopologyEvent, type KerntopEvent } from '../../src/events.js';
import { parseInterrupts } from '../../src/knowledge/interrupts.js';
import { OutputAssembler } from '../../src/sources/bpftrace/assembler.js';
import { runningTotals, splitInterval } from '../../src/sources/bpftrace/compose.js';

export const bpftraceFixture = (f: string) => readFileSync(new URL(`../../fixtures/bpftrace/${f}`, import.meta.url), 'utf8');
export const thresholds = { ...DEFAULT_THRESHOLDS };
const irqNames = parseInterrupts(bpftraceFixture('interrupts-2cpu.txt'));

/**
 * The events of a capture of the noise family, its IRQ numbers named from the capture host's
 * /proc/interrupts; the program that printed it says which maps are running totals. Each line's
 * result goes to `onLine` (a test may require that none is malformed).
 */
export function decodeNoiseCapture(
  capture: string,
  program: string,
  onLine?: (r: ReturnType<OutputAssembler['feed']>) => void,
): KerntopEvent[] {
  let t = 1_000_000;
  const a = new OutputAssembler(
    ['noise'],
    { thresholds, dropReasons: new Map(), deviceName: () => undefined, irqName: (n) => irqNames.get(n) },
    () => (t += 100),
    runningTotals(splitInterval(bpftraceFixture(program)).tick),
  );
  const out: KerntopEvent[] = [];
  for (const l of bpftraceFixture(capture).split('\n')) {
    const r = a.feed(l);
    onLine?.(r);
    out.push(...r.events);
  }
  return out;
}

/** The capture host's CPUs: two, both online. */
export const twoCpuTopology = (over: Partial<CpuTopologyEvent> = {}): CpuTopologyEvent => ({
  type: 'cpu.topology',
  ts_ms: 1_000_000,
  present: [0, 1],
  online: [0, 1],
  isolated: [],
  nohz_full: [],
  partitions: {},
  measured: null,
  ...over,
});
