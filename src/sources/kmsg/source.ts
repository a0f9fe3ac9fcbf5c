import type { KernelEvent, KmsgRecord } from '../../events.js';
import { XidTracker, type GpuInfo, type XidEvent } from '../../knowledge/xid/tracker.js';
import { xidToKernelEvent } from './xid-event.js';
import { LogStream } from './log-stream.js';
import type { Emit, EventSource } from '../source.js';
import { readBootId, type CursorStore } from './cursor.js';
import { DMESG_POLL_MS, DmesgFollower, readDmesgOnce } from './dmesg.js';
import { KmsgUnavailableError } from './errors.js';
import { KMSG_PATH, KmsgReader } from './reader.js';
import { BootClock } from './walltime.js';

/** Per-record hook into the log classifier: soft lockups, hung tasks, OOM kills, oopses, I/O errors. */
export interface LogClassifier {
  push(text: string, meta?: { level?: number; ts_ms?: number; seq?: number }): KernelEvent[];
  flush(ts_ms?: number): KernelEvent[];
}

export interface KmsgSourceOptions {
  /** auto: /dev/kmsg, else dmesg; kmsg or dmesg: only that one. */
  source?: 'auto' | 'kmsg' | 'dmesg';
  path?: string;
  follow?: boolean;
  /** oldest: the whole buffer; new: after the saved cursor; end: only records written from now on. */
  start?: 'oldest' | 'new' | 'end';
  /**
   * With start 'end': also show the last N records already in the buffer, as context for a screen.
   * They are shown only (kmsg.record), never judged: what happened before this run is not current.
   */
  context?: number;
  /** Where (boot_id, seq) of the last record read is kept; null: not kept. */
  cursor?: CursorStore | null;
  /** Turn NVRM lines into Xid events (default true). */
  xid?: boolean;
  gpus?: GpuInfo[];
  /** The log classifier fed with every record; default: a fresh LogStream; null: none. */
  classify?: LogClassifier | null;
  dmesgBin?: string;
  bootIdPath?: string;
  /** Called for each Xid (besides the KernelEvent emitted for the store). */
  onXid?(ev: XidEvent): void;
}

/** A short, human name of where records come from, for headers and diagnostics. */
export type KmsgOrigin = 'kmsg' | 'dmesg';

const CURSOR_SAVE_MS = 1000;
/** A crash report ends where the log goes quiet: flush the classifier after this long without records. */
const CLASSIFY_QUIET_MS = 1500;

/**
 * The kernel log as events: kmsg.record for every record, kmsg.lost for sequence gaps, source.diag for
 * its own health (which source, why a fallback, reopen), and kernel.event for Xids and for what the
 * log classifier recognizes. Reads /dev/kmsg, or `dmesg -S` when the device is unavailable.
 */
export class KmsgSource implements EventSource {
  readonly name = 'kmsg';
  origin: KmsgOrigin | null = null;
  readonly xids: XidTracker;
  private reader: KmsgReader | null = null;
  private emit: Emit = () => {};
  private readonly clock = new BootClock();
  private readonly bootId: string;
  private cursorTimer: NodeJS.Timeout | null = null;
  private cursorDirty = false;
  private lastSeq: number | null = null;
  private dmesgTimer: NodeJS.Timeout | null = null;
  private dmesgAbort = new AbortController();
  private stopped = false;
  private readonly classify: LogClassifier | null;
  private quietTimer: NodeJS.Timeout | null = null;
  private resolveDone!: () => void;
  private resolveBacklog!: (n: number) => void;
  /** Resolves when reading ends: after the backlog without follow, or after stop(). */
  readonly done: Promise<void>;
  /** Resolves with the number of records once the backlog has been read. */
  readonly backlogDone: Promise<number>;

  constructor(private readonly opts: KmsgSourceOptions = {}) {
    this.xids = new XidTracker(opts.gpus ?? []);
    this.classify = opts.classify === undefined ? new LogStream() : opts.classify;
    this.bootId = readBootId(opts.bootIdPath);
    this.done = new Promise((r) => (this.resolveDone = r));
    this.backlogDone = new Promise((r) => (this.resolveBacklog = r));
  }

  private diag(level: 'info' | 'warning' | 'error', message: string): void {
    this.emit({ type: 'source.diag', ts_ms: Date.now(), source: 'kmsg', level, message });
  }

  async start(emit: Emit): Promise<void> {
    this.emit = emit;
    const mode = this.opts.source ?? 'auto';
    let why: KmsgUnavailableError | null = null;
    if (mode !== 'dmesg') {
      try {
        this.startKmsg();
        return;
      } catch (e) {
        if (!(e instanceof KmsgUnavailableError) || mode === 'kmsg') throw e;
        why = e;
        this.diag('warning', `${e.message}; falling back to \`dmesg -S\` (syslog interface)`);
      }
    }
    try {
      await this.startDmesg();
    } catch (e) {
      if (why)
        throw new KmsgUnavailableError(
          why.code,
          why.path,
          `${why.message}; the dmesg fallback failed too: ${(e as Error).message}`,
        );
      throw e;
    }
  }

  private startKmsg(): void {
    const path = this.opts.path ?? KMSG_PATH;
    let afterSeq: number | null = null;
    if (this.opts.start === 'new') {
      const c = this.opts.cursor?.load() ?? null;
      if (c && c.boot_id === this.bootId) afterSeq = c.seq;
      else if (c)
        this.diag(
          'info',
          `kernel rebooted since the last read (boot id ${c.boot_id} -> ${this.bootId}): reading the whole buffer`,
        );
    }
    const reader = new KmsgReader({
      path,
      follow: this.opts.follow ?? false,
      afterSeq,
      startAtEnd: this.opts.start === 'end' && !this.opts.context,
      onRecord: (rec, live) => (!live && this.opts.start === 'end' ? this.keepContext(rec) : this.onRecord(rec, 'kmsg', live)),
      onLost: (n, why) => {
        this.emit({ type: 'kmsg.lost', ts_ms: Date.now(), lost: n });
        this.diag('warning', `${n} records lost (${why})`);
      },
      onDiag: (level, message) => this.diag(level, message),
      onParseError: (sample) => this.emit({ type: 'parse.error', ts_ms: Date.now(), source: 'kmsg', count: 1, sample }),
      onBacklogDone: (n) => {
        this.emitContext();
        this.flushClassifier();
        this.resolveBacklog(n);
      },
    });
    reader.start(); // throws KmsgUnavailableError before anything is read
    this.reader = reader;
    this.origin = 'kmsg';
    this.diag('info', `reading ${path}${afterSeq !== null ? ` after seq ${afterSeq}` : ''}`);
    void reader.done.then(
      () => this.finish(),
      (e: Error) => {
        this.diag('error', e.message);
        this.finish();
      },
    );
  }

  private async startDmesg(): Promise<void> {
    const bin = this.opts.dmesgBin ?? 'dmesg';
    this.origin = 'dmesg';
    const follower = new DmesgFollower();
    const all = await readDmesgOnce(bin, this.dmesgAbort.signal); // throws DmesgUnavailableError
    this.diag(
      'info',
      `reading the kernel log with \`${bin} -S\`${this.opts.follow ? `, re-read every ${DMESG_POLL_MS / 1000} s` : ''}`,
    );
    let fresh = follower.take(all);
    if (this.opts.start === 'end') fresh = [];
    for (const r of fresh) this.onRecord(r, 'dmesg', false);
    // The end of the backlog is a quiet point: end a crash report that closes the buffer.
    this.flushClassifier();
    this.resolveBacklog(fresh.length);
    if (!this.opts.follow) {
      this.finish();
      return;
    }
    const tick = async () => {
      this.dmesgTimer = null;
      if (this.stopped) return;
      try {
        for (const r of follower.take(await readDmesgOnce(bin, this.dmesgAbort.signal))) this.onRecord(r, 'dmesg', true);
      } catch (e) {
        if (!this.stopped) this.diag('warning', (e as Error).message);
      }
      if (!this.stopped) this.dmesgTimer = setTimeout(() => void tick(), DMESG_POLL_MS);
    };
    this.dmesgTimer = setTimeout(() => void tick(), DMESG_POLL_MS);
  }

  private context: KmsgRecord[] = [];

  /** A backlog record kept only as context (start 'end' with context > 0): the newest N survive. */
  private keepContext(rec: KmsgRecord): void {
    this.context.push(rec);
    if (this.context.length > 2 * (this.opts.context ?? 0)) this.context = this.context.slice(-(this.opts.context ?? 0));
  }

  private emitContext(): void {
    const now = Date.now();
    for (const rec of this.context.slice(-(this.opts.context ?? 0))) {
      rec.wall = this.clock.wallIso(rec.ts_us);
      this.emit({ type: 'kmsg.record', ts_ms: now, source: 'kmsg', record: rec });
    }
    this.context = [];
  }

  private onRecord(rec: KmsgRecord, origin: KmsgOrigin, live: boolean): void {
    const now = Date.now();
    rec.wall = this.clock.wallIso(rec.ts_us);
    if (live && rec.arrival_ms === undefined) rec.arrival_ms = now;
    this.emit({ type: 'kmsg.record', ts_ms: now, source: origin, record: rec });
    if (origin === 'kmsg') {
      this.lastSeq = rec.seq;
      this.scheduleCursorSave();
    }
    const when = rec.arrival_ms ?? this.clock.wallMs(rec.ts_us);
    if (this.opts.xid !== false) {
      for (const x of this.xids.process(rec)) {
        this.opts.onXid?.(x);
        this.emit(xidToKernelEvent(x, now));
      }
    }
    const c = this.classify;
    if (c) {
      try {
        for (const ev of c.push(rec.text, { level: rec.level, ts_ms: when, seq: rec.seq })) this.emit(ev);
      } catch (e) {
        this.emit({ type: 'parse.error', ts_ms: now, source: 'log-classifier', count: 1, sample: (e as Error).message });
      }
      if (live) this.armQuietFlush();
    }
  }

  private armQuietFlush(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => {
      this.quietTimer = null;
      this.flushClassifier();
    }, CLASSIFY_QUIET_MS);
    this.quietTimer.unref();
  }

  private flushClassifier(): void {
    const c = this.classify;
    if (!c) return;
    try {
      for (const ev of c.flush(Date.now())) this.emit(ev);
    } catch {
      // A classifier failure must not stop the log.
    }
  }

  private scheduleCursorSave(): void {
    if (!this.opts.cursor) return;
    this.cursorDirty = true;
    if (this.cursorTimer) return;
    this.cursorTimer = setTimeout(() => {
      this.cursorTimer = null;
      this.saveCursor();
    }, CURSOR_SAVE_MS);
    this.cursorTimer.unref();
  }

  /** Writes (boot_id, last seq) now; called on a timer, at the end and on stop. */
  saveCursor(): void {
    if (!this.opts.cursor || !this.cursorDirty || this.lastSeq === null) return;
    this.cursorDirty = false;
    if (!this.opts.cursor.save({ boot_id: this.bootId, seq: this.lastSeq }))
      this.diag('warning', 'cannot save the read position (no writable state directory): --new will repeat records');
  }

  private finish(): void {
    if (this.cursorTimer) clearTimeout(this.cursorTimer);
    this.cursorTimer = null;
    this.saveCursor();
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = null;
    this.flushClassifier();
    this.resolveBacklog(0);
    this.resolveDone();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.dmesgTimer) clearTimeout(this.dmesgTimer);
    this.dmesgAbort.abort();
    if (this.reader) this.reader.close();
    else this.finish();
    await this.done;
  }
}
