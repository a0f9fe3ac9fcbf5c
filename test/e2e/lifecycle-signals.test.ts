import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './lib/kerntop.js';

// onStopRequested in a real node process, with real signals: each subscriber gets the signal's name,
// and once the last one unsubscribes the signal has its default action again.
const SCRIPT = `
import { onStopRequested, signalExitCode } from ${JSON.stringify(join(ROOT, 'dist', 'lifecycle.js'))};
const off1 = onStopRequested((s) => console.log('first', s, signalExitCode(s)));
const off2 = onStopRequested((s) => {
  console.log('second', s);
  off1();
  off2();
  console.log('unsubscribed');
});
console.log('ready');
setInterval(() => {}, 1000);
`;

describe('lifecycle: one place for the stop signals', () => {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} reaches every subscriber by name; unsubscribed, the next one ends the process`, async () => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      const waiting = new Set<() => void>();
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        for (const w of waiting) w();
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
        child.once('exit', (code, sig) => r({ code, signal: sig })),
      );
      const waitFor = (text: string) =>
        new Promise<void>((resolve) => {
          const check = () => {
            if (!out.includes(text)) return;
            waiting.delete(check);
            resolve();
          };
          waiting.add(check);
          check();
        });
      await waitFor('ready');
      child.kill(signal);
      await waitFor('unsubscribed');
      child.kill(signal);
      const end = await exited;
      const code = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 }[signal];
      expect(out.trim().split('\n')).toEqual(['ready', `first ${signal} ${code}`, `second ${signal}`, 'unsubscribed']);
      expect(end).toEqual({ code: null, signal });
    });
  }
});
