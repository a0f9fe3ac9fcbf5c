import { readFileSync } from 'node:fs';
import React from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import yargs from 'yargs';
import { monitorCommand } from '../../src/cli/commands/monitor.js';
import type { KmsgRecord } from '../../src/events.js';
import { xidInfo } from '../../src/knowledge/xid/catalog.js';
import { XidTracker } from '../../src/knowledge/xid/tracker.js';
import { xidToKernelEvent } from '../../src/sources/kmsg/xid-event.js';
import { createStore } from '../../src/store/index.js';
import { selectXid } from '../../src/store/xid.js';
import { App } from '../../src/ui/App.js';
import { PANES } from '../../src/ui/layout.js';
import { Header } from '../../src/ui/panes/Header.js';
import { takeSnapshot } from '../../src/ui/snapshot.js';
import { makeTheme, ThemeContext } from '../../src/ui/theme.js';
import { renderAt, type Rendered } from './ui-render.js';

// A published NVRM Xid 31 line (fixtures/kmsg/xid-lines.txt), repeated as a storm on one GPU.
const XID31 = readFileSync('fixtures/kmsg/xid-lines.txt', 'utf8')
  .split('\n')
  .find((l) => l.startsWith('NVRM: Xid (PCI:0000:01:00): 31,'))!;
const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);
const theme = makeTheme({ color: false, unicode: true });
let current: Rendered | null = null;

afterEach(() => {
  current?.unmount();
  current = null;
});

function stormStore(n: number) {
  const store = createStore(undefined, T0);
  const tracker = new XidTracker();
  for (let i = 0; i < n; i++) {
    const t = T0 + 1000 + i * 200;
    const record: KmsgRecord = {
      seq: 100 + i,
      ts_us: 5_000_000 + i * 200_000,
      level: 4,
      facility: 0,
      flags: '-',
      text: XID31,
      arrival_ms: t,
    };
    // As the kmsg source does: the record, then the Xid events the tracker reads from it.
    store.dispatch({ type: 'kmsg.record', ts_ms: t, source: 'kmsg', record });
    for (const x of tracker.process(record)) store.dispatch(xidToKernelEvent(x, t));
  }
  store.dispatch({ type: 'clock', ts_ms: T0 + 2000 + n * 200 });
  return store;
}

describe("live kernel-log pane: the Xid table is the store's Xid slice", () => {
  it('a storm of one Xid shows as one row xN, as the summary counts it', async () => {
    const store = stormStore(7);
    expect(selectXid(store.state).total).toBe(7);
    current = renderAt(
      <ThemeContext.Provider value={theme}>
        <App store={store} host={{ host: 'h', kernel_release: '6.18.0' }} replay pane="kmsg" snapshotIntervalMs={20} />
      </ThemeContext.Provider>,
      120,
      30,
    );
    const f = await current.waitFor((f) => f.includes('XID'));
    // Table rows (TIME GPU XID NAME ACTION) under its header; the log lines below start TIME LEVEL.
    const rows = current.lines().filter((l) => /^\d\d:\d\d:\d\d 0000:01:00 /.test(l));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/\b31 x7\b/);
    expect(rows[0]).toContain(xidInfo(31).name.slice(0, 20));
    expect(f).toMatch(/1 Xid, /);
  });
});

describe('header uptime', () => {
  it('advances with the wall clock from the value read at start', async () => {
    vi.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const s = takeSnapshot(createStore(undefined, T0).state);
      current = renderAt(
        <ThemeContext.Provider value={theme}>
          <Header
            snapshot={s}
            width={120}
            lines={1}
            paused={false}
            pending={0}
            host={{ host: 'h', kernel_release: '6.18.0', uptime_s: 3600 }}
          />
        </ThemeContext.Provider>,
        120,
        5,
      );
      expect(current.frame()).toContain('up 1h00m');
      // The header's own clock ticks once a second; 125 s later the uptime reads 1h02m.
      await vi.advanceTimersByTimeAsync(125_000);
      expect(current.frame()).toContain('up 1h02m');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('--pane', () => {
  it('offers exactly the panes the layout knows', () => {
    const y = (monitorCommand.builder as (y: ReturnType<typeof yargs>) => ReturnType<typeof yargs>)(yargs([]));
    expect((y.getOptions() as { choices: Record<string, unknown> }).choices.pane).toEqual([...PANES]);
  });
});
