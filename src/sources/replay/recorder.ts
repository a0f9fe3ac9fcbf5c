import { closeSync, ftruncateSync, openSync, write, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import type { KerntopEvent } from '../../events.js';
import type { RecordingHeader } from './format.js';

export { RECORDER_SOURCE } from './format.js';

const writeAsync = promisify(write);

/** What went wrong writing `path`, in words that name the fix. */
export function recordingErrorMessage(path: string, err: NodeJS.ErrnoException): string {
  const why: Record<string, string> = {
    ENOENT: `the directory ${dirname(path)} does not exist`,
    EISDIR: `${path} is a directory: give a file name`,
    ENOTDIR: `a part of ${dirname(path)} is not a directory`,
    EACCES: `permission denied: choose a writable place`,
    EROFS: `the file system is read-only`,
    ENOSPC: `no space left on the device: free some space or record elsewhere`,
    EDQUOT: `the disk quota is exhausted`,
    EFBIG: `the file is too large for its file system`,
  };
  return `cannot write the recording ${path}: ${why[err.code ?? ''] ?? err.message}`;
}

/**
 * Writes a header line, then every event as one JSON line, in arrival order. The file is opened and
 * the header written at once, so a path that cannot be written fails before the run starts. A write
 * error later stops the recording, keeps what was written up to the last whole line, and is reported
 * through onError at once.
 */
export class Recorder {
  private readonly fd: number;
  private failed: Error | null = null;
  private pending: string[] = [];
  private flushing: Promise<void> | null = null;
  /** Bytes on disk that end with a whole line. */
  private whole = 0;

  constructor(
    private readonly path: string,
    header: RecordingHeader,
    private readonly onError: (message: string) => void = () => undefined,
  ) {
    try {
      this.fd = openSync(path, 'w', 0o644);
    } catch (e) {
      throw new Error(recordingErrorMessage(path, e as NodeJS.ErrnoException), { cause: e });
    }
    const line = Buffer.from(`${JSON.stringify(header)}\n`);
    try {
      this.whole = writeSync(this.fd, line);
      if (this.whole !== line.length) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
    } catch (e) {
      closeSync(this.fd);
      throw new Error(recordingErrorMessage(path, e as NodeJS.ErrnoException), { cause: e });
    }
  }

  /** The write error that stopped the recording, as a message; null while it records. */
  get error(): string | null {
    return this.failed?.message ?? null;
  }

  write(ev: KerntopEvent): void {
    if (this.failed) return;
    this.pending.push(`${JSON.stringify(ev)}\n`);
    this.flushing ??= this.flush();
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0 && !this.failed) {
      const buf = Buffer.from(this.pending.join(''));
      this.pending = [];
      let done = 0;
      try {
        while (done < buf.length) {
          const { bytesWritten } = await writeAsync(this.fd, buf, done, buf.length - done, this.whole + done);
          if (bytesWritten === 0) throw Object.assign(new Error('no progress'), { code: 'ENOSPC' });
          done += bytesWritten;
        }
        this.whole += buf.length;
      } catch (e) {
        this.fail(e as NodeJS.ErrnoException);
      }
    }
    this.flushing = null;
  }

  private fail(e: NodeJS.ErrnoException): void {
    this.failed = new Error(
      `${recordingErrorMessage(this.path, e)}; the recording stopped, ${this.whole} bytes of whole lines kept`,
    );
    this.pending = [];
    try {
      // A partly written line would be a bad last line: cut back to the last whole one.
      ftruncateSync(this.fd, this.whole);
    } catch {
      // a device (/dev/full) cannot be truncated; nothing more to keep
    }
    this.onError(this.failed.message);
  }

  /** Writes what is pending and closes the file. */
  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    try {
      closeSync(this.fd);
    } catch (e) {
      if (!this.failed) this.fail(e as NodeJS.ErrnoException);
    }
  }
}
