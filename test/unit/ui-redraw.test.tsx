// The live screen redraws only what changed: an idle screen draws nothing, a store update that changes
// nothing on screen draws nothing, events are drawn once a second with the clock, and the clock's tick
// re-renders the header, not the panes. Counted in Ink renders, writes to the terminal and pane
// renders, never timed.
import { describe, expect, it, vi } from 'vitest';
import type { KerntopEvent } from '../../src/events.js';
import { createStore, type Store } from '../../src/store/index.js';
import { runTui, type TuiExit } from '../../src/ui/run.js';
import { sessionEvents } from './ui-fixtures.js';
import { TestStdin, TestStdout } from './ui-render.js';

// Ink decides when loaded that a CI variable means "no live frames" (the monitor hides it the same
// way before loading Ink: src/cli/monitor.ts); this file counts live frames, so CI runs need it gone.
vi.hoisted(() => {
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Counts how often App asks the summary pane to render (the pane itself is unchanged).
const summaryRenders = vi.hoisted(() => ({ n: 0 }));
vi.mock('../../src/ui/panes/Summary.js', async (importOriginal) => {
  const React = await import('react');
  const real = await importOriginal<typeof import('../../src/ui/panes/Summary.js')>();
  const Summary = (props: Parameters<typeof real.Summary>[0]) => {
    summaryRenders.n++;
    return React.createElement(real.Summary, props);
  };
  return { ...real, Summary };
});

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
  const done = runTui(store, {
    stdout: stdout as never,
    stdin: stdin as never,
    replay,
    env: { TERM: 'xterm-256color', LANG: 'C.UTF-8' },
    onRender: () => renders++,
    signalExitTimeoutMs: 0,
  });
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

  it('live: events arriving all through a second are drawn together, with the clock, about once a second', async () => {
    const store = createStore();
    for (const e of sessionEvents(10)) store.dispatch(e.type === 'session.info' ? ({ ...e, replay: false } as KerntopEvent) : e);
    const s = await open(store, false);
    await settle(s, 100);
    const renders = s.renders();
    const t0 = Date.now();
    // Five events a second for 3 s, each one a new line of the events pane.
    for (let i = 0; i < 15; i++) {
      store.dispatch({
        type: 'kernel.event',
        ts_ms: Date.now(),
        source: 'tcp_retrans',
        subsystem: 'tcp_retrans',
        severity: 'info',
        title: `rt-event-${100 + i}`,
      });
      await sleep(200);
    }
    // Drawn one by one that would be 15 frames plus one per clock tick. On the second it is one frame
    // a second, two where the clock and the data miss the same frame: at most two per second begun.
    const seconds = Math.ceil((Date.now() - t0) / 1000);
    expect(s.renders() - renders).toBeLessThanOrEqual(2 * seconds);
    // The last one shows on the next second.
    const until = Date.now() + 3000;
    while (!s.stdout.frames.join('').includes('rt-event-114') && Date.now() < until) await sleep(20);
    expect(s.stdout.frames.join('')).toContain('rt-event-114');
    await close(s);
  });

  it('a live clock tick re-renders the header, not the panes', async () => {
    const store = createStore();
    for (const e of sessionEvents(10)) store.dispatch(e.type === 'session.info' ? ({ ...e, replay: false } as KerntopEvent) : e);
    const s = await open(store, false);
    await settle(s, 100);
    const panes = summaryRenders.n;
    const clock = (f: string) => f.match(/\b\d\d:\d\d:\d\d\b/)?.[0];
    const first = clock(s.stdout.frames.join(''));
    // Two ticks of the clock: the header shows them, the summary pane is not asked to render again.
    const until = Date.now() + 6000;
    const seen = new Set<string>();
    let i = s.stdout.frames.length;
    while (seen.size < 2 && Date.now() < until) {
      await sleep(20);
      for (; i < s.stdout.frames.length; i++) {
        const c = clock(s.stdout.frames[i]);
        if (c && c !== first) seen.add(c);
      }
    }
    expect(seen.size).toBe(2);
    expect(summaryRenders.n - panes).toBe(0);
    await close(s);
  });
});
