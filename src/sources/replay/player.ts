import { constants, createReadStream, existsSync, openSync, statSync } from 'node:fs';
import { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { checkEvent } from '../../event-schemas.js';
import { upgradeEvent } from './upgrade.js';
import type { KerntopEvent } from '../../events.js';
import type { Emit, EventSource } from '../source.js';
import { isHeader, RECORDING_VERSION, sessionEvent, type RecordingHeader } from './format.js';

/** Longest piece of a bad line kept as a sample. */
const SAMPLE_CHARS = 200;

/** Reads a whole recording into memory (tests, small files). Bad lines are counted, not fatal. */
export async function readRecording(path: string): Promise<{ header: RecordingHeader; events: KerntopEvent[]; bad: number }> {
  const events: KerntopEvent[] = [];
  let header: RecordingHeader | null = null;
  let bad = 0;
  for await (const item of recordingLines(path, openRecording(path))) {
    if ('header' in item) header = item.header;
    else if ('event' in item) events.push(item.event);
    else bad++;
  }
  if (!header) throw new Error(`${path} is empty: not a kerntop recording (record one with kerntop --record FILE)`);
  return { header, events, bad };
}

type Item = { header: RecordingHeader } | { event: KerntopEvent } | { bad: string; line: number; reason: string };

/**
 * The recording as a stream. A FIFO is opened without blocking and read through the event loop: a
 * blocking open() waits for a writer in Node's thread pool, and a process cannot exit (not even on
 * SIGTERM) while one of those threads is stuck.
 */
function openRecording(path: string): Readable {
  if (!existsSync(path)) throw new Error(`recording ${path} does not exist`);
  const st = statSync(path);
  if (st.isDirectory()) throw new Error(`${path} is a directory, not a kerntop recording`);
  if (st.isFIFO())
    return new Socket({ fd: openSync(path, constants.O_RDONLY | constants.O_NONBLOCK), readable: true, writable: false });
  return createReadStream(path, 'utf8');
}

async function* recordingLines(path: string, input: Readable): AsyncGenerator<Item> {
  input.setEncoding('utf8');
  const rl = createInterface({ input, crlfDelay: Infinity });
  const notRecording = `${path} is not a kerntop recording (its first line is not a kerntop header; record one with kerntop --record FILE)`;
  let n = 0;
  let first = true;
  try {
    for await (const line of rl) {
      n++;
      if (!line.trim()) continue;
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        if (first) throw new Error(notRecording);
        yield { bad: line, line: n, reason: 'not JSON (a truncated or corrupted line)' };
        continue;
      }
      if (first) {
        first = false;
        if (!isHeader(v)) throw new Error(notRecording);
        if (v.kerntop_recording > RECORDING_VERSION)
          throw new Error(
            `${path} is recording format ${v.kerntop_recording}; this kerntop reads up to ${RECORDING_VERSION}: upgrade kerntop`,
          );
        yield { header: v };
        continue;
      }
      const c = checkEvent(v);
      yield c.ok ? { event: upgradeEvent(c.event) } : { bad: line, line: n, reason: c.reason };
    }
  } finally {
    rl.close();
    input.destroy();
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
  private input: Readable | null = null;
  /** Resolves when the whole recording has been emitted (or stop() was called). */
  done: Promise<void> = Promise.resolve();
  header: RecordingHeader | null = null;

  constructor(
    private readonly path: string,
    private readonly opts: ReplayOptions,
  ) {}

  async start(emit: Emit): Promise<void> {
    this.input = openRecording(this.path);
    const it = recordingLines(this.path, this.input);
    const first = await it.next();
    if (this.stopped) return;
    if (first.done || !('header' in first.value))
      throw new Error(`${this.path} is empty: not a kerntop recording (record one with kerntop --record FILE)`);
    this.header = first.value.header;
    this.opts.onHeader?.(this.header);
    const h = this.header;
    emit(sessionEvent(h));
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
    // The recording's own clock: a bad line is stamped with the time of the event before it, never
    // with the wall clock of whoever replays it (that would stretch the session to today).
    let recorded_ms = t0;
    let n = 0;
    let bad = 0;
    for await (const item of it) {
      if (this.stopped) break;
      if ('bad' in item) {
        if (++bad === 1)
          emit({
            type: 'source.diag',
            ts_ms: recorded_ms,
            source: 'replay',
            level: 'warning',
            message: `recording line ${item.line} skipped: ${item.reason}; further bad lines are counted as parse errors`,
          });
        emit({ type: 'parse.error', ts_ms: recorded_ms, source: 'replay', count: 1, sample: item.bad.slice(0, SAMPLE_CHARS) });
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
      if (ev.ts_ms > recorded_ms) recorded_ms = ev.ts_ms;
      emit(ev);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    // Ends a read that waits for more (a FIFO whose writer has not come or not finished).
    this.input?.destroy();
  }
}
