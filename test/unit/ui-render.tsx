// Renders Ink into an in-memory terminal of a chosen size (ink-testing-library's stdout is fixed at
// 100 columns), with helpers that wait for a frame rather than sleep a fixed time.
import { EventEmitter } from 'node:events';
import React from 'react';
import { render, type Instance } from 'ink';

export class TestStdout extends EventEmitter {
  isTTY = true;
  frames: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string) => {
    this.frames.push(frame);
    return true;
  };
  lastFrame = () => this.frames[this.frames.length - 1] ?? '';
  resize(columns: number, rows: number) {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

export class TestStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write = (data: string) => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

export const KEYS = {
  tab: '\t',
  shiftTab: '\u001B[Z',
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  home: '\u001B[H',
  end: '\u001B[F',
  escape: '\u001B',
  enter: '\r',
  backspace: '\u007F',
  ctrlC: '\u0003',
};

export interface Rendered {
  stdout: TestStdout;
  stdin: TestStdin;
  instance: Instance;
  frame(): string;
  lines(): string[];
  press(...keys: string[]): Promise<void>;
  waitFor(pred: (frame: string) => boolean, timeoutMs?: number): Promise<string>;
  unmount(): void;
}

const tick = () => new Promise<void>((r) => setImmediate(() => setTimeout(r, 0)));

export function renderAt(tree: React.ReactElement, columns: number, rows: number): Rendered {
  const stdout = new TestStdout(columns, rows);
  const stdin = new TestStdin();
  const instance = render(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const frame = () => stdout.lastFrame();
  return {
    stdout,
    stdin,
    instance,
    frame,
    lines: () => frame().replace(/\n$/, '').split('\n'),
    async press(...keys: string[]) {
      for (const k of keys) {
        stdin.write(k);
        // Let Ink flush a lone ESC (setImmediate) and React commit before the next key.
        await tick();
        await tick();
      }
    },
    async waitFor(pred, timeoutMs = 2000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const f = frame();
        if (pred(f)) return f;
        if (Date.now() > until) throw new Error(`frame never matched; last frame:\n${f}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    unmount: () => instance.unmount(),
  };
}
