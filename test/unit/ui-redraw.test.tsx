// The live screen redraws only what changed: an idle screen draws nothing, a store update that changes
// nothing on screen draws nothing, and the clock's tick rewrites its own line, not the screen. Counted
// in Ink renders and in writes to the terminal, never timed.
import { describe, expect, it } from 'vitest';
import type { KerntopEvent } from '../../src/events.js';
import { createStore, type Store } from '../../src/store/index.js';
import { runTui, type TuiExit } from '../../src/ui/run.js';
import { sessionEvents } from './ui-fixtures.js';
import { TestStdin, TestStdout } from './ui-render.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Screen {
  stdout: TestStdout;
  stdin: TestStdin;
  renders: () => number;
  done: Promise<TuiExit>;
}

async function open(store: Store, replay: boolean): Promise<Screen> {
  const stdout = new TestStdout(120, 40);
  const stdin = new TestStdin();
  let renders = 0;
  const done = runTui(store, { stdout: stdout as never, stdin: stdin as never, replay, env: { TERM: 'xterm-256color', LANG: 'C.UTF-8' }, onRender: () => renders++, signalExitTimeoutMs: 0 });
  const until = Date.now() + 10_000;
  while (!stdout.frames.join('').includes('Subsystems')) {
    if (Date.now() > until) throw new Error('the first frame never came');
    await sleep(10);
  }
  return { stdout, stdin, renders: () => renders, done };
}

/** Waits until no frame is rendered for `quietMs` (the first frame's follow-ups are over). */
async function settle(s: Screen, quietMs = 300): Promise<void> {
  const until = Date.now() + 10_000;
  let n = s.renders();
  let since = Date.now();
  while (Date.now() - since < quietMs && Date.now() < until) {
    await sleep(20);
    if (s.renders() !== n) {
      n = s.renders();
      since = Date.now();
    }
  }
}

async function close(s: Screen): Promise<void> {
  s.stdin.write('q');
  await expect(s.done).resolves.toEqual({ reason: 'quit' });
}

describe('redraws', () => {
  it('an idle replay screen renders and writes nothing, and an update that changes nothing shown draws nothing', async () => {
    const store = createStore();
    const events = sessionEvents(10);
    for (const e of events) store.dispatch(e);
    const s = await open(store, true);
    await settle(s);
    const renders = s.renders();
    const writes = s.stdout.frames.length;
    // The same probe state again: the store moves (version), nothing on screen does.
    const version = store.state.version;
    const again = events.find((e) => e.type === 'probe.status')!;
    store.dispatch({ ...again });
    expect(store.state.version).toBeGreaterThan(version);
    // Longer than a clock tick and many snapshot intervals.
    await sleep(1500);
    expect(s.renders() - renders).toBe(0);
    expect(s.stdout.frames.slice(writes)).toEqual([]);
    await close(s);
  });

  it('a live clock tick rewrites the header line, not the screen', async () => {
    const store = createStore();
    for (const e of sessionEvents(10)) store.dispatch(e.type === 'session.info' ? ({ ...e, replay: false } as KerntopEvent) : e);
    const s = await open(store, false);
    await settle(s, 100);
    const writes = s.stdout.frames.length;
    const until = Date.now() + 5000;
    while (s.stdout.frames.length === writes && Date.now() < until) await sleep(20);
    const tick = s.stdout.frames.slice(writes).join('');
    expect(tick).toMatch(/\d\d:\d\d:\d\d/);
    expect(tick).toContain('gpu-node-07');
    // No pane is rewritten: their titles are not in what was written.
    for (const title of ['Subsystems', 'Latency', 'Events', 'Kernel log', 'Probes']) expect(tick).not.toContain(title);
    await close(s);
  });
});
