import { createWriteStream, type WriteStream } from 'node:fs';
import type { KerntopEvent } from '../../events.js';
import type { RecordingHeader } from './format.js';

/** Writes a header line, then every event as one JSON line, in arrival order. */
export class Recorder {
  private out: WriteStream;
  private failed: Error | null = null;

  constructor(path: string, header: RecordingHeader) {
    this.out = createWriteStream(path, { flags: 'w', mode: 0o644 });
    this.out.on('error', (e) => (this.failed = e));
    this.out.write(`${JSON.stringify(header)}\n`);
  }

  get error(): Error | null {
    return this.failed;
  }

  write(ev: KerntopEvent): void {
    if (!this.failed) this.out.write(`${JSON.stringify(ev)}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(() => resolve()));
  }
}
