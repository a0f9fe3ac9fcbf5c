import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { KerntopEvent } from '../../events.js';
import type { Emit, EventSource } from '../source.js';
import { isHeader, RECORDING_VERSION, type RecordingHeader } from './format.js';

const EVENT_TYPES = new Set(['clock', 'probe.status', 'probe.tick', 'kernel.event', 'source.diag', 'parse.error', 'kmsg.record', 'kmsg.lost', 'job.progress', 'job.result', 'session.info', 'cpu.topology']);

export function isEvent(v: unknown): v is KerntopEvent {
  return !!v && typeof v === 'object' && EVENT_TYPES.has((v as { type: string }).type) && typeof (v as { ts_ms: unknown }).ts_ms === 'number';
}

/** Reads a whole recording into memory (tests, small files). Bad lines are counted, not fatal. */
export async function readRecording(path: string): Promise<{ header: RecordingHeader; events: KerntopEvent[]; bad: number }> {
  const events: KerntopEvent[] = [];
  let header: RecordingHeader | null = null;
  let bad = 0;
  for await (const item of recordingLines(path)) {
    if ('header' in item) header = item.header;
    else if ('event' in item) events.push(item.event);
    else bad++;
  }
  if (!header) throw new Error(`${path} is not a kerntop recording (no header line)`);
  return { header, events, bad };
}

type Item = { header: RecordingHeader } | { event: KerntopEvent } | { bad: string };

async function* recordingLines(path: string): AsyncGenerator<Item> {
  if (!existsSync(path)) throw new Error(`recording ${path} does not exist`);
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let first = true;
  for await (const line of rl) {
    if (!line.trim()) continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      yield { bad: line };
      continue;
    }
    if (first) {
      first = false;
      if (!isHeader(v)) throw new Error(`${path} is not a kerntop recording (first line is not a header)`);
      if (v.kerntop_recording > RECORDING_VERSION) throw new Error(`${path} is recording format ${v.kerntop_recording}; this kerntop reads up to ${RECORDING_VERSION}: upgrade kerntop`);
      yield { header: v };
      continue;
    }
    yield isEvent(v) ? { event: v } : { bad: line };
  }
}

export interface ReplayOptions {
  /** 1 = recorded pace, 2 = twice as fast, 0 = as fast as possible. */
  speed: number;
  onHeader?: (h: RecordingHeader) => void;
}

/** Feeds a recording through the same store as live sources. Events keep their recorded ts_ms. */
export class ReplaySource implements EventSource {
  readonly name = 'replay';
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  /** Resolves when the whole recording has been emitted (or stop() was called). */
  done: Promise<void> = Promise.resolve();
  header: RecordingHeader | null = null;

  constructor(
    private readonly path: string,
    private readonly opts: ReplayOptions,
  ) {}

  async start(emit: Emit): Promise<void> {
    const it = recordingLines(this.path);
    const first = await it.next();
    if (first.done || !('header' in first.value)) throw new Error(`${this.path} is empty`);
    this.header = first.value.header;
    this.opts.onHeader?.(this.header);
    const h = this.header;
    emit({ type: 'session.info', ts_ms: h.start_ms, host: h.host, kernel_release: h.kernel_release, thresholds: h.thresholds, replay: true });
    this.done = this.pump(it, emit, h.start_ms);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }

  private async pump(it: AsyncGenerator<Item>, emit: Emit, t0: number): Promise<void> {
    const wall0 = Date.now();
    let n = 0;
    let bad = 0;
    for await (const item of it) {
      if (this.stopped) break;
      if ('bad' in item) {
        bad++;
        continue;
      }
      if (!('event' in item)) continue;
      const ev = item.event;
      if (this.opts.speed > 0) {
        const due = wall0 + (ev.ts_ms - t0) / this.opts.speed;
        const wait = due - Date.now();
        if (wait > 1) await this.sleep(wait);
      } else if (++n % 2000 === 0) {
        // As fast as possible, yet let the UI and signals in.
        await new Promise((r) => setImmediate(r));
      }
      if (this.stopped) break;
      emit(ev);
    }
    if (bad > 0) emit({ type: 'parse.error', ts_ms: Date.now(), source: 'replay', count: bad });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
  }
}
