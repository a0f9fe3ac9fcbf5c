import React from 'react';
import stringWidth from 'string-width';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { KernelEvent, KerntopEvent } from '../../src/events.js';
import { readRecording } from '../../src/sources/replay/player.js';
import { createStore, type Store } from '../../src/store/index.js';
import { App } from '../../src/ui/App.js';
import { sessionEvent } from '../../src/sources/replay/format.js';
import { makeTheme, ThemeContext } from '../../src/ui/theme.js';
import { kernelLogEvents } from './ui-fixtures.js';
import { KEYS, renderAt, type Rendered } from './ui-render.js';

// Driven by a real recorded session (busy-host: run-queue latency, block I/O, page faults, TCP
// retransmits, drops and an OOM kill, made on this kind of VM), plus what that recording lacks: real
// kernel log records and published NVRM Xid lines, through kerntop's kmsg parser and Xid tracker.
const RECORDING = 'fixtures/sessions/busy-host.jsonl';
let recorded: { header: Parameters<typeof sessionEvent>[0]; events: KerntopEvent[] };
let kernelLog: KerntopEvent[];

beforeAll(async () => {
  recorded = await readRecording(RECORDING);
  const t0 = recorded.header.start_ms;
  kernelLog = [...kernelLogEvents(t0 + 5000), { type: 'kmsg.lost', ts_ms: t0 + 9000, lost: 12 }];
});

function loadedStore(withKernelLog = true): Store {
  const store = createStore(recorded.header.thresholds, recorded.header.start_ms);
  store.dispatch(sessionEvent(recorded.header));
  const evs = withKernelLog ? [...recorded.events, ...kernelLog].sort((a, b) => a.ts_ms - b.ts_ms) : recorded.events;
  for (const e of evs) store.dispatch(e);
  return store;
}

const HOST = { host: 'test-host', kernel_release: '6.18.0-test', uptime_s: 3600 };
let current: Rendered | null = null;

function renderApp(store: Store, columns: number, rows: number, extra: Partial<React.ComponentProps<typeof App>> = {}): Rendered {
  current = renderAt(
    <ThemeContext.Provider value={makeTheme({ color: true, unicode: true })}>
      <App store={store} host={HOST} replay snapshotIntervalMs={20} {...extra} />
    </ThemeContext.Provider>,
    columns,
    rows,
  );
  return current;
}

afterEach(() => {
  current?.unmount();
  current = null;
});

function expectFits(r: Rendered, columns: number, rows: number) {
  const lines = r.lines();
  expect(lines.length).toBeLessThanOrEqual(rows - 1);
  for (const l of lines) expect(stringWidth(l), `line wider than ${columns}: ${JSON.stringify(l)}`).toBeLessThanOrEqual(columns);
}

function titles(frame: string): string[] {
  return frame
    .split('\n')
    .flatMap((l) => [...l.matchAll(/(?:^|│)[─>] (Subsystems|Latency|Events|Kernel log|Probes) /g)].map((m) => m[1]));
}

describe('layout at 60, 100 and 160 columns', () => {
  it('160x45: two columns, every pane, all summary columns', async () => {
    const r = renderApp(loadedStore(), 160, 45);
    const f = await r.waitFor((f) => f.includes('Subsystems'));
    expectFits(r, 160, 45);
    expect(titles(f).sort()).toEqual(['Events', 'Kernel log', 'Latency', 'Probes', 'Subsystems']);
    expect(r.lines().filter((l) => l.includes('│')).length).toBeGreaterThan(30);
    for (const h of ['SUBSYSTEM', 'EVENTS', 'RATE/s', 'ALERTS', 'P50', 'P99', 'WORST', 'PEAK/s', 'STATUS'])
      expect(f).toContain(h);
    // The recorded OOM kill makes the host CRITICAL; its row says so.
    expect(r.lines()[0]).toMatch(/^kerntop\s+vm\s+6\.18\.44-fc-v657.*CRITICAL/);
    expect(f).toMatch(/oom\s+1\s.*CRITICAL/);
    // Xid feed with GPU, code, name, action: the newest Xid is in the table.
    const xid = kernelLog.filter((e) => e.type === 'kernel.event' && e.source === 'xid').at(-1)!;
    const x = (xid as KernelEvent).xid!;
    expect(f).toMatch(/TIME\s+GPU\s+XID NAME\s+ACTION/);
    const row = r.lines().find((l) => l.includes(String(x.gpu.pci)) && new RegExp(`\\s${x.xid}\\s`).test(l))!;
    expect(row).toContain(x.name.slice(0, 20));
    expect(row).toContain(x.action.slice(0, 10));
  });

  it('100x40: stacked, full width, no second column', async () => {
    const r = renderApp(loadedStore(), 100, 40);
    const f = await r.waitFor((f) => f.includes('Subsystems'));
    expectFits(r, 100, 40);
    expect(r.lines().some((l) => l.includes('│'))).toBe(false);
    expect(titles(f)).toEqual(['Subsystems', 'Latency', 'Events', 'Kernel log', 'Probes']);
    expect(f).toContain('PEAK/s');
  });

  it('60x30: compact, the summary drops low-priority columns and nothing wraps', async () => {
    const r = renderApp(loadedStore(), 60, 30);
    const f = await r.waitFor((f) => f.includes('Subsystems'));
    expectFits(r, 60, 30);
    const header = r.lines().find((l) => l.startsWith('SUBSYSTEM'))!;
    expect(header).toMatch(/SUBSYSTEM\s+EVENTS.*P99.*STATUS/);
    expect(header).not.toContain('PEAK/s');
    expect(header).not.toContain('P50');
    // Every subsystem with a status is still listed, worst first when not all fit.
    expect(f).toMatch(/oom\s.*CRITICAL/);
  });

  it('under 20 rows only the summary and the events are shown', async () => {
    const r = renderApp(loadedStore(), 70, 15);
    const f = await r.waitFor((f) => f.includes('Events'));
    expectFits(r, 70, 15);
    expect(titles(f)).toEqual(['Subsystems', 'Events']);
  });

  it('--pane kmsg shows one pane filling the terminal', async () => {
    const r = renderApp(loadedStore(), 100, 30, { pane: 'kmsg' });
    const f = await r.waitFor((f) => f.includes('Kernel log'));
    expect(titles(f)).toEqual(['Kernel log']);
    const lastRecord = kernelLog.filter((e) => e.type === 'kmsg.record').at(-1)!;
    expect(f).toContain((lastRecord as { record: { text: string } }).record.text.slice(0, 60));
    expect(f).toMatch(/TIME\s+GPU\s+XID NAME/);
    expect(r.lines().length).toBe(29);
  });

  it('follows a live resize from 160 to 60 columns', async () => {
    const r = renderApp(loadedStore(), 160, 45);
    await r.waitFor((f) => f.includes('│'));
    r.stdout.resize(60, 24);
    const f = await r.waitFor((f) => !f.includes('│') && f.includes('Subsystems'));
    expectFits(r, 60, 24);
    expect(f).not.toContain('PEAK/s');
  });
});

describe('keys', () => {
  it('Tab and Shift+Tab move the focus marker between panes', async () => {
    const r = renderApp(loadedStore(), 100, 40);
    await r.waitFor((f) => /^> Events/m.test(f));
    await r.press(KEYS.tab);
    await r.waitFor((f) => /^> Kernel log/m.test(f) && !/^> Events/m.test(f));
    await r.press(KEYS.shiftTab, KEYS.shiftTab);
    await r.waitFor((f) => /^> Latency/m.test(f));
  });

  it('? opens the help modal and Esc closes it', async () => {
    const r = renderApp(loadedStore(), 100, 40);
    await r.waitFor((f) => f.includes('Subsystems'));
    await r.press('?');
    let f = await r.waitFor((f) => f.includes('Help'));
    expect(f).toContain('pause the view');
    expect(f).not.toContain('Subsystems');
    await r.press(KEYS.escape);
    f = await r.waitFor((f) => f.includes('Subsystems'));
    expect(f).not.toContain('pause the view');
  });

  it('/ filters the events and the kernel log as you type; Esc clears', async () => {
    const r = renderApp(loadedStore(), 160, 45);
    await r.waitFor((f) => f.includes('Events'));
    await r.press('/', 'o', 'o', 'm', KEYS.enter);
    let f = await r.waitFor((f) => f.includes('match "oom"'));
    expect(f).toContain('filter: oom');
    // The right column from the Events title down to the Kernel log title.
    const right = r.lines().map((l) => l.split('│')[1] ?? '');
    const from = right.findIndex((l) => /^[─>] Events/.test(l));
    const to = right.findIndex((l) => /^[─>] Kernel log/.test(l));
    const eventRows = right.slice(from + 1, to).filter((l) => /^\d\d:\d\d:\d\d (CRIT|WARN|info)/.test(l));
    expect(eventRows.length).toBeGreaterThan(0);
    for (const l of eventRows) expect(l.toLowerCase()).toContain('oom');
    await r.press(KEYS.escape);
    f = await r.waitFor((f) => !f.includes('filter: oom'));
    expect(f).not.toContain('match "oom"');
  });

  it('the / filter is a text field: Ctrl+U empties it, a control character typed is not inserted', async () => {
    const r = renderApp(loadedStore(), 160, 45);
    await r.waitFor((f) => f.includes('Events'));
    await r.press('/', 'x', 'y');
    await r.waitFor((f) => f.includes('/xy_'));
    // Ctrl+U, then "oo", NEL (a C1 control character, which would move the terminal's cursor), "m".
    await r.press('\u0015', 'o', 'o', '\u0085', 'm', KEYS.enter);
    const f = await r.waitFor((f) => f.includes('filter: oom'));
    expect(f).toContain('match "oom"');
    expect(f).not.toContain('xy');
  });

  it('a paste of "/oom" and Enter in one read still filters (keys faster than a frame)', async () => {
    const r = renderApp(loadedStore(), 100, 40);
    await r.waitFor((f) => f.includes('Events'));
    await r.press('/oomx\u007f\r');
    const f = await r.waitFor((f) => f.includes('filter: oom'));
    expect(f).toContain('match "oom"');
  });

  it('keys read back to back, before React re-renders, all count (Tab Tab, "/oom" then Enter)', async () => {
    const r = renderApp(loadedStore(), 100, 40);
    await r.waitFor((f) => /^> Events/m.test(f));
    r.stdin.write('\t');
    r.stdin.write('\t');
    r.stdin.write('/oom');
    r.stdin.write('\r');
    const f = await r.waitFor((f) => f.includes('filter: oom'));
    expect(f).toMatch(/^> Probes/m);
  });

  it('arrows scroll the focused events pane, anchored while new events arrive; End follows again', async () => {
    const store = loadedStore(false);
    const r = renderApp(store, 100, 40);
    await r.waitFor((f) => /^> Events/m.test(f));
    const before = r.frame();
    await r.press(KEYS.pageUp);
    const scrolled = await r.waitFor((f) => f.includes('scrolled'));
    expect(scrolled).not.toEqual(before);
    const visible = (f: string) =>
      f
        .split('\n')
        .filter((l) => l.includes('run-queue latency'))
        .join('\n');
    const shown = visible(scrolled);
    const last = recorded.events.at(-1)!.ts_ms;
    store.dispatch({
      type: 'kernel.event',
      ts_ms: last + 1,
      source: 'sched',
      subsystem: 'sched',
      severity: 'warning',
      title: 'run-queue latency 9999 us: newcomer[1]',
    });
    await new Promise((res) => setTimeout(res, 80));
    expect(visible(r.frame())).toEqual(shown);
    await r.press(KEYS.end);
    await r.waitFor((f) => f.includes('newcomer[1]') && !f.includes('scrolled'));
  });

  it('1-7 and left/right choose the histogram family', async () => {
    const r = renderApp(loadedStore(), 100, 40);
    await r.waitFor((f) => f.includes('Latency  sched'));
    await r.press('3');
    await r.waitFor((f) => f.includes('Latency  vfs'));
    await r.press(KEYS.right);
    await r.waitFor((f) => f.includes('Latency  oom') && f.includes('oom counts events, it has no latencies'));
    await r.press(KEYS.left, KEYS.left);
    await r.waitFor((f) => f.includes('Latency  bio'));
  });

  it('the histogram marks p50 and p99 and scales bars to the width', async () => {
    const r = renderApp(loadedStore(), 160, 45);
    const f = await r.waitFor((f) => f.includes('p99'));
    const rows = f
      .split('\n')
      .map((l) => l.split('│')[0])
      .filter((l) => /^\s*(\[|0 )/.test(l));
    expect(rows.some((l) => l.includes('◀p50'))).toBe(true);
    expect(rows.some((l) => l.includes('◀p99'))).toBe(true);
    const longest = Math.max(...rows.map((l) => l.match(/█+/)?.[0].length ?? 0));
    expect(longest).toBeGreaterThan(30);
    for (const l of rows) expect(stringWidth(l)).toBeLessThanOrEqual(72);
  });

  it('p freezes the view while the store keeps counting, and shows how much is waiting', async () => {
    const store = loadedStore(false);
    const r = renderApp(store, 100, 40);
    await r.waitFor((f) => f.includes('Subsystems'));
    await r.press('p');
    await r.waitFor((f) => f.includes('PAUSED'));
    const last = recorded.events.at(-1)!.ts_ms;
    for (let i = 0; i < 5; i++)
      store.dispatch({
        type: 'kernel.event',
        ts_ms: last + i,
        source: 'oom',
        subsystem: 'oom',
        severity: 'critical',
        title: `OOM kill: frozen[${i}]`,
      });
    await new Promise((res) => setTimeout(res, 80));
    expect(r.frame()).not.toContain('frozen[');
    expect(store.state.subsystems.get('oom')!.events).toBe(6);
    // The pending count comes with the next clock tick.
    await r.waitFor((f) => f.includes('PAUSED +5'), 2500);
    await r.press('p');
    await r.waitFor((f) => f.includes('frozen[4]') && !f.includes('PAUSED'));
  });

  it('c clears the counters in the store', async () => {
    const store = loadedStore();
    const r = renderApp(store, 100, 40);
    await r.waitFor((f) => f.includes('268k'));
    await r.press('c');
    const f = await r.waitFor((f) => f.includes('counters cleared'));
    expect(store.state.subsystems.size).toBe(0);
    expect(f).toContain('waiting for the first events');
  });

  it('q and Ctrl+C quit through onQuit', async () => {
    for (const key of ['q', KEYS.ctrlC]) {
      let quits = 0;
      const r = renderApp(loadedStore(false), 100, 40, { onQuit: () => quits++ });
      await r.waitFor((f) => f.includes('Subsystems'));
      const exited = r.instance.waitUntilExit();
      await r.press(key);
      await exited;
      expect(quits).toBe(1);
      current = null;
    }
  });
});

describe('redraw rate', () => {
  it('redraws at most about 10 times a second however fast events come', async () => {
    const store = loadedStore(false);
    const r = renderApp(store, 100, 40, { snapshotIntervalMs: 100 });
    await r.waitFor((f) => f.includes('Subsystems'));
    const start = r.stdout.frames.length;
    const t0 = Date.now();
    const last = recorded.events.at(-1)!.ts_ms;
    let n = 0;
    // 20 000 events/s for one second, in 10 ms batches.
    await new Promise<void>((resolve) => {
      const iv = setInterval(() => {
        // Catch up to 20 events per elapsed millisecond, however late the timer fires.
        const due = Math.min(20_000, (Date.now() - t0) * 20);
        while (n < due)
          store.dispatch({
            type: 'kernel.event',
            ts_ms: last + n,
            source: 'sched',
            subsystem: 'sched',
            severity: 'warning',
            title: `run-queue latency ${1000 + (n++ % 5000)} us: burst[1]`,
            value_us: 1000,
          });
        if (Date.now() - t0 >= 1000) {
          clearInterval(iv);
          resolve();
        }
      }, 10);
    });
    const frames = r.stdout.frames.length - start;
    expect(n).toBeGreaterThanOrEqual(19_000);
    expect(frames).toBeGreaterThan(3);
    // 10 snapshots plus a clock tick or two.
    expect(frames).toBeLessThanOrEqual(14);
  });
});
