import React from 'react';
import stringWidth from 'string-width';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { KerntopEvent } from '../../src/events.js';
import { readRecording } from '../../src/sources/replay/player.js';
import { createStore, type Store } from '../../src/store/index.js';
import { App } from '../../src/ui/App.js';
import { sessionEvent } from '../../src/sources/replay/format.js';
import { makeTheme, ThemeContext } from '../../src/ui/theme.js';
import { KEYS, renderAt, type Rendered } from './ui-render.js';

// Driven by a real recording with the noise family (cyclictest, UDP and direct I/O on CPU 1).
let recorded: { header: Parameters<typeof sessionEvent>[0]; events: KerntopEvent[] };
beforeAll(async () => {
  recorded = await readRecording('fixtures/sessions/rt-cpu1.jsonl');
});

function loaded(): Store {
  const store = createStore(recorded.header.thresholds, recorded.header.start_ms);
  store.dispatch(sessionEvent(recorded.header));
  for (const e of recorded.events) store.dispatch(e);
  return store;
}

let current: Rendered | null = null;
const render = (store: Store, columns: number, rows: number, pane?: 'cpus') =>
  (current = renderAt(
    <ThemeContext.Provider value={makeTheme({ color: false, unicode: false })}>
      <App store={store} host={{ host: 'h', kernel_release: 'r' }} replay snapshotIntervalMs={20} pane={pane} />
    </ThemeContext.Provider>,
    columns,
    rows,
  ));
afterEach(() => {
  current?.unmount();
  current = null;
});

describe('cpus pane', () => {
  for (const [columns, rows] of [
    [120, 40],
    [80, 24],
    [60, 20],
  ] as const) {
    it(`--pane cpus fits ${columns}x${rows} and keeps CPU, RT P99 and NOISE`, async () => {
      const r = render(loaded(), columns, rows, 'cpus');
      const f = await r.waitFor((f) => f.includes('RT P99'));
      for (const l of r.lines()) expect(stringWidth(l), l).toBeLessThanOrEqual(columns);
      expect(f).toMatch(/CPU +ISOL .*RT P99/);
      expect(f).toMatch(/NOISE/);
      expect(f).toMatch(/^1 .*\d+us/m);
    });
  }

  it('shows in the full screen when the noise family ran; Enter puts the chosen CPU in the histogram', async () => {
    const r = render(loaded(), 140, 45);
    await r.waitFor((f) => f.includes('CPUs'));
    // Tab order: summary, hist, events, kmsg, probes, cpus.
    let f = '';
    for (let i = 0; i < 6 && !/^> CPUs/m.test(f); i++) {
      await r.press(KEYS.tab);
      f = await r.waitFor(() => true);
    }
    await r.waitFor((f) => /^> CPUs/m.test(f));
    await r.press(KEYS.down, KEYS.enter);
    f = await r.waitFor((f) => /Latency +cpu1 \(us\)/.test(f));
    await r.press(KEYS.enter);
    await r.waitFor((f) => /Latency +cpu1-rt \(us\)/.test(f));
  });
});
