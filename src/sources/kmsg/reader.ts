import { closeSync, constants as FS, fstatSync, openSync, readSync } from 'node:fs';
import { Socket } from 'node:net';
import { explainKmsgError, KmsgUnavailableError } from './errors.js';
import { parseKmsgRecord, splitKmsgRecords, type ParsedKmsgRecord } from '../../knowledge/kernel-log/kmsg-record.js';

export const KMSG_PATH = '/dev/kmsg';
/** /dev/kmsg is character device 1:11 (drivers/char/mem.c). */
const KMSG_RDEV = { major: 1, minor: 11 };
/** One read returns one whole record; 8 KiB covers pre-6.3 kernels' 8192-byte formatted records. */
const READ_BUF = 16 * 1024;
/** Records handled per turn of the event loop while draining a backlog, so timers and signals still run. */
const BACKLOG_SLICE = 4096;
const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 5000;
/** Consecutive EINVALs after which the device is taken as unreadable rather than as oversized records. */
const MAX_EINVAL = 8;
/** Used only where Node offers no way to wait on the fd (see PipeWrap below). */
const POLL_FALLBACK_MS = 100;

export interface KmsgReaderOptions {
  path?: string;
  /** After the backlog, keep reading new records until close(). */
  follow: boolean;
  /** Skip records with seq <= afterSeq (a saved cursor). A gap after it counts as lost. */
  afterSeq?: number | null;
  /** Skip the whole backlog (tail -f): only records written after the reader opened. */
  startAtEnd?: boolean;
  onRecord(rec: ParsedKmsgRecord, live: boolean): void;
  onLost(n: number, why: string): void;
  onDiag(level: 'info' | 'warning' | 'error', message: string): void;
  onParseError?(sample: string): void;
  /** Called once the backlog has been read (before following). */
  onBacklogDone?(count: number): void;
}

interface PipeHandle {
  open(fd: number): number;
}
interface PipeWrap {
  Pipe: new (type: number) => PipeHandle;
  constants: { SOCKET: number };
}

/**
 * Node has no public way to wait for readiness on a character device: fs reads of a blocking fd
 * park a libuv threadpool thread in read(), which nothing can interrupt, so the process cannot exit
 * until the next record (measured: process.exit() hangs). libuv's pipe handle, though, accepts any
 * pollable fd and waits on it with epoll; each read() it makes returns one kmsg record. So following
 * costs nothing while the log is quiet and close() really closes. Where the binding is missing
 * (a future Node), the reader falls back to a non-blocking read every POLL_FALLBACK_MS.
 */
function pipeWrap(): PipeWrap | null {
  try {
    // process.binding is deprecated but still serves pipe_wrap on Node 20-24.
    const b = (process as unknown as { binding(name: string): unknown }).binding('pipe_wrap') as PipeWrap;
    return typeof b?.Pipe === 'function' ? b : null;
  } catch {
    return null;
  }
}

function errCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Reads /dev/kmsg: the backlog with non-blocking reads until EAGAIN, then (follow) new records as
 * they come. EPIPE (records overwritten before we read them) is counted from the sequence gap and
 * reading goes on; any other read error reopens the device with backoff and resumes after the last
 * sequence number, so the stream never ends silently.
 */
export class KmsgReader {
  readonly path: string;
  private fd: number | null = null;
  private sock: Socket | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private lastSeq: number | null;
  private epipe = false;
  private einval = false;
  private backoff = BACKOFF_MIN_MS;
  private readonly buf = Buffer.allocUnsafe(READ_BUF);
  private finish!: () => void;
  private fail!: (e: Error) => void;
  /** Resolves when the reader is done (backlog read without follow, or close()). */
  readonly done: Promise<void>;
  /** Mode in which new records are waited for: "epoll" (pipe handle) or "poll" (timer fallback). */
  waitMode: 'epoll' | 'poll' | null = null;

  constructor(private readonly opts: KmsgReaderOptions) {
    this.path = opts.path ?? KMSG_PATH;
    this.lastSeq = opts.afterSeq ?? null;
    this.done = new Promise<void>((res, rej) => {
      this.finish = res;
      this.fail = rej;
    });
    // A caller that only awaits start() must not see an unhandled rejection from done.
    this.done.catch(() => {});
  }

  get last_seq(): number | null {
    return this.lastSeq;
  }

  /** Opens the device (throws KmsgUnavailableError naming the fix) and starts reading. */
  start(): void {
    this.fd = this.openDevice();
    // The first slice is read here, so a device that opens but cannot be read (a kernel before 3.5
    // answers EINVAL to every read) is reported to the caller, which can fall back to dmesg.
    const first = this.readSlice(this.opts.startAtEnd === true);
    if (first.state === 'error' && first.records === 0) {
      this.closeFd();
      throw explainKmsgError(first.error, this.path);
    }
    void this.drainThenFollow(true, first);
  }

  private openDevice(): number {
    let fd: number;
    try {
      fd = openSync(this.path, FS.O_RDONLY | FS.O_NONBLOCK);
    } catch (e) {
      throw explainKmsgError(errCode(e), this.path);
    }
    try {
      const st = fstatSync(fd);
      const major = Math.floor(st.rdev / 256) & 0xfff;
      const minor = (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00);
      if (!st.isCharacterDevice() || major !== KMSG_RDEV.major || minor !== KMSG_RDEV.minor) {
        closeSync(fd);
        throw explainKmsgError('NOTKMSG', this.path);
      }
    } catch (e) {
      if (e instanceof KmsgUnavailableError) throw e;
      closeSync(fd);
      throw explainKmsgError(errCode(e), this.path);
    }
    return fd;
  }

  /**
   * Reads until EAGAIN in slices; first=true on the initial open (reports the backlog). After a
   * reopen (an overrun, a read error) what is read is not backlog: it was written while this reader
   * ran, so it is delivered as live, to be judged like any new record.
   */
  private async drainThenFollow(first: boolean, pre?: ReturnType<KmsgReader['readSlice']>): Promise<void> {
    let count = 0;
    const skipping = first && this.opts.startAtEnd === true;
    for (;;) {
      if (this.closed || this.fd === null) return;
      const r = pre ?? this.readSlice(skipping, !first);
      pre = undefined;
      count += r.records;
      if (r.state === 'error') return this.reopenLater(r.error ?? 'read error');
      if (r.state === 'again') break;
      await new Promise<void>((res) => setImmediate(res));
    }
    if (first) this.opts.onBacklogDone?.(count);
    if (!this.opts.follow) {
      this.close();
      return;
    }
    this.follow();
  }

  private readSlice(skipping: boolean, live = false): { state: 'more' | 'again' | 'error'; records: number; error?: string } {
    let records = 0;
    let einvals = 0;
    for (let i = 0; i < BACKLOG_SLICE; i++) {
      let n: number;
      try {
        n = readSync(this.fd!, this.buf, 0, READ_BUF, null);
      } catch (e) {
        const code = errCode(e);
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK') return { state: 'again', records };
        if (code === 'EPIPE') {
          // The ring wrapped past our cursor; the kernel moved it to the oldest record. The gap in
          // sequence numbers at the next record is the loss.
          this.epipe = true;
          continue;
        }
        if (code === 'EINVAL') {
          // Record larger than the buffer: the kernel consumed it anyway; the seq gap counts it.
          // EINVAL again and again is not that: the device cannot be read at all.
          this.einval = true;
          if (++einvals > MAX_EINVAL) return { state: 'error', records, error: 'EINVAL' };
          continue;
        }
        if (code === 'EINTR') continue;
        return { state: 'error', records, error: code ?? String(e) };
      }
      if (n === 0) return { state: 'error', records, error: 'EOF' };
      einvals = 0;
      records++;
      this.handleChunk(this.buf.toString('utf8', 0, n), live, skipping);
    }
    return { state: 'more', records };
  }

  private handleChunk(chunk: string, live: boolean, skipping = false): void {
    const arrival = live ? Date.now() : undefined;
    // One read is one record; split anyway in case a stream layer ever joins two.
    for (const raw of splitKmsgRecords(chunk)) {
      const rec = parseKmsgRecord(raw);
      if (!rec) {
        this.opts.onParseError?.(raw.slice(0, 200));
        continue;
      }
      if (this.lastSeq !== null && rec.seq <= this.lastSeq) continue; // already delivered before a reopen or restart
      if (skipping) {
        this.lastSeq = rec.seq;
        continue;
      }
      if (this.lastSeq !== null && rec.seq > this.lastSeq + 1) {
        const lost = rec.seq - this.lastSeq - 1;
        const why = this.epipe
          ? 'overwritten in the kernel ring before they were read'
          : this.einval
            ? `larger than the ${READ_BUF}-byte read buffer`
            : 'no longer in the kernel ring';
        this.opts.onLost(lost, why);
      }
      this.epipe = false;
      this.einval = false;
      this.lastSeq = rec.seq;
      if (arrival !== undefined) rec.arrival_ms = arrival;
      this.opts.onRecord(rec, live);
    }
  }

  private follow(): void {
    if (this.closed || this.fd === null) return;
    const pw = pipeWrap();
    if (pw) {
      try {
        const handle = new pw.Pipe(pw.constants.SOCKET);
        const rc = handle.open(this.fd);
        if (rc === 0) {
          this.fd = null; // the handle owns the fd now and closes it
          const sock = new Socket({ handle: handle as never, readable: true, writable: false } as never);
          this.sock = sock;
          this.waitMode = 'epoll';
          sock.on('data', (d: Buffer) => {
            this.backoff = BACKOFF_MIN_MS;
            this.handleChunk(d.toString('utf8'), true);
          });
          sock.on('error', (e) => {
            // Node's stream ends on any read error (EPIPE included) and closes the fd with it.
            this.sock = null;
            if (this.closed) return;
            const code = errCode(e);
            if (code === 'EPIPE') {
              this.epipe = true;
              this.reopenNow();
            } else this.reopenLater(code ?? e.message);
          });
          sock.on('close', () => {
            if (this.sock === sock && !this.closed) {
              this.sock = null;
              this.reopenLater('closed');
            }
          });
          return;
        }
      } catch {
        // Fall through to the timer.
      }
    }
    this.waitMode = 'poll';
    this.opts.onDiag(
      'info',
      `${this.path}: no epoll wait available in this Node; checking for new records every ${POLL_FALLBACK_MS} ms`,
    );
    const tick = () => {
      this.pollTimer = null;
      if (this.closed || this.fd === null) return;
      const r = this.readSliceLive();
      if (r === 'error') return;
      this.pollTimer = setTimeout(tick, r === 'more' ? 0 : POLL_FALLBACK_MS);
    };
    tick();
  }

  private readSliceLive(): 'more' | 'again' | 'error' {
    let einvals = 0;
    for (let i = 0; i < BACKLOG_SLICE; i++) {
      let n: number;
      try {
        n = readSync(this.fd!, this.buf, 0, READ_BUF, null);
      } catch (e) {
        const code = errCode(e);
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK') return 'again';
        if (code === 'EPIPE') {
          this.epipe = true;
          continue;
        }
        if (code === 'EINVAL') {
          this.einval = true;
          if (++einvals > MAX_EINVAL) {
            this.reopenLater('EINVAL');
            return 'error';
          }
          continue;
        }
        if (code === 'EINTR') continue;
        this.reopenLater(code ?? String(e));
        return 'error';
      }
      einvals = 0;
      if (n === 0) {
        this.reopenLater('EOF');
        return 'error';
      }
      this.handleChunk(this.buf.toString('utf8', 0, n), true);
    }
    return 'more';
  }

  private closeFd(): void {
    if (this.sock) {
      const s = this.sock;
      this.sock = null;
      s.destroy();
    }
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = null;
    }
  }

  /** After EPIPE in follow mode: reopen at once (the fresh fd starts at the oldest record). */
  private reopenNow(): void {
    this.closeFd();
    try {
      this.fd = this.openDevice();
    } catch (e) {
      this.reopenLater(errCode(e) ?? (e as Error).message);
      return;
    }
    void this.drainThenFollow(false);
  }

  private reopenLater(why: string): void {
    this.closeFd();
    if (this.closed) return;
    const delay = this.backoff;
    this.backoff = Math.min(BACKOFF_MAX_MS, this.backoff * 2);
    this.opts.onDiag(
      'warning',
      `${this.path}: read failed (${why}); reopening in ${delay} ms and resuming after seq ${this.lastSeq ?? 'start'}`,
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.closed) return;
      try {
        this.fd = this.openDevice();
      } catch (e) {
        this.reopenLater(e instanceof Error ? e.message : String(e));
        return;
      }
      this.opts.onDiag('info', `${this.path}: reopened`);
      void this.drainThenFollow(false);
    }, delay);
  }

  /** Stops reading and releases the fd; nothing of the reader keeps the process alive afterwards. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.pollTimer = this.retryTimer = null;
    this.closeFd();
    this.finish();
  }

  /** Ends with an error (used by callers that treat a failure as fatal). */
  abort(e: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.closeFd();
    this.fail(e);
  }
}
