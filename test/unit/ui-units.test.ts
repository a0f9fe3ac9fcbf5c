import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import stringWidth from 'string-width';
import type { KerntopEvent } from '../../src/events.js';
import { xidInfo } from '../../src/knowledge/xid/catalog.js';
import { createStore } from '../../src/store/index.js';
import { fitColumns, type Column } from '../../src/ui/components/Table.js';
import { focusOrder, planLayout, type LayoutInput } from '../../src/ui/layout.js';
import { attentionFirst, eventLines, klogLines, xidRows } from '../../src/ui/lines.js';
import { parsePane, TuiUsageError } from '../../src/ui/pane-option.js';
import { bar, bucketLabel, defaultHistStart } from '../../src/ui/panes/Histogram.js';
import { FOLLOW, offsetMove, streamMove, streamWindow } from '../../src/ui/scroll.js';
import { fitSegments } from '../../src/ui/segments.js';
import { patchInkSource, PATCHES } from '../../src/ui/ink-cache-hook.js';
import { takeSnapshot } from '../../src/ui/snapshot.js';
import { ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN, SHOW_CURSOR, takeTerminal } from '../../src/ui/terminal.js';
import { fit, formatCount, formatDuration, formatUs, sanitize, truncate } from '../../src/ui/text.js';
import { colorWanted, makeTheme, unicodeWanted } from '../../src/ui/theme.js';
import { sessionEvents, T0 } from './ui-fixtures.js';

describe('text', () => {
  it('cuts to the cell width, wide characters included', () => {
    expect(truncate('run-queue latency', 8)).toBe('run-que…');
    expect(fit('abc', 5)).toBe('abc  ');
    expect(fit('12', 5, 'right')).toBe('   12');
    expect(stringWidth(truncate('GPU 死机 日志 报告', 7))).toBeLessThanOrEqual(7);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.integer({ min: 0, max: 40 }), (s, w) => {
        expect(stringWidth(fit(sanitize(s), w))).toBe(w);
      }),
    );
  });

  it('never lets escape sequences from kernel text reach the terminal', () => {
    expect(sanitize('a\u001B[2Jb\tc\r\nd')).toBe('a?[2Jb c ⏎ d');
  });

  it('formats latencies, counts and durations compactly', () => {
    expect([formatUs(850), formatUs(12_345), formatUs(134_217), formatUs(8_060_000), formatUs(null)]).toEqual([
      '850us',
      '12ms',
      '134ms',
      '8.06s',
      '-',
    ]);
    expect([formatCount(999), formatCount(48_000), formatCount(268_123), formatCount(1_048_576)]).toEqual([
      '999',
      '48.0k',
      '268k',
      '1.0M',
    ]);
    expect([
      formatDuration(45),
      formatDuration(725),
      formatDuration(3 * 3600 + 720),
      formatDuration(4 * 86400 + 7 * 3600),
    ]).toEqual(['45s', '12m05s', '3h12m', '4d07h']);
  });
});

describe('Table columns', () => {
  const cols: Column<{ a: string }>[] = [
    { key: 'name', header: 'NAME', priority: 1, cell: (r) => r.a },
    { key: 'x', header: 'EXTRA', priority: 5, width: 10, cell: () => 'x' },
    { key: 'y', header: 'MID', priority: 2, width: 6, cell: () => 'y' },
    { key: 'msg', header: 'MESSAGE', priority: 1, flex: true, minWidth: 10, cell: () => 'long message' },
  ];
  const rows = [{ a: 'sched' }, { a: 'tcp_retrans' }];

  it('drops the highest priority numbers first and keeps the declared order', () => {
    expect(fitColumns(cols, rows, 100).map((f) => f.column.key)).toEqual(['name', 'x', 'y', 'msg']);
    expect(fitColumns(cols, rows, 30).map((f) => f.column.key)).toEqual(['name', 'y', 'msg']);
    expect(fitColumns(cols, rows, 22).map((f) => f.column.key)).toEqual(['name', 'msg']);
  });

  it('gives the flex column what is left, so a row is exactly the width', () => {
    for (const w of [22, 30, 57, 100]) {
      const f = fitColumns(cols, rows, w);
      expect(f.reduce((a, c) => a + c.width, 0) + f.length - 1).toBe(w);
    }
  });
});

describe('layout', () => {
  const base: Omit<LayoutInput, 'columns' | 'rows'> = { headerLines: 1, want: { summary: 8, hist: 14, probes: 8 } };
  const used = (p: ReturnType<typeof planLayout>) =>
    p.header +
    p.footer +
    Math.max(
      p.left.reduce((a, b) => a + b.height, 0),
      p.right.reduce((a, b) => a + b.height, 0),
    );

  it('two columns from 120, stacked below, compact under 80, short under 20 rows', () => {
    expect(planLayout({ ...base, columns: 120, rows: 40 }).mode).toBe('wide');
    expect(planLayout({ ...base, columns: 119, rows: 40 }).mode).toBe('stacked');
    expect(planLayout({ ...base, columns: 70, rows: 20 }).mode).toBe('compact');
    const short = planLayout({ ...base, columns: 70, rows: 19 });
    expect(short.mode).toBe('short');
    expect(focusOrder(short)).toEqual(['summary', 'events']);
    expect(planLayout({ ...base, columns: 70, rows: 20, pane: 'probes' }).left).toEqual([
      { name: 'probes', width: 70, height: 17 },
    ]);
  });

  it('fills exactly one line less than the terminal at every size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 300 }),
        fc.integer({ min: 8, max: 120 }),
        fc.integer({ min: 1, max: 2 }),
        (columns, rows, headerLines) => {
          const p = planLayout({ ...base, headerLines, columns, rows });
          expect(used(p)).toBe(rows - 1);
          for (const b of [...p.left, ...p.right]) expect(b.height).toBeGreaterThanOrEqual(1);
          if (p.right.length) expect(p.leftWidth + 1 + p.right[0].width).toBe(columns);
        },
      ),
    );
  });

  it('a short stacked terminal keeps the summary rows and drops the panes below first', () => {
    const p = planLayout({ ...base, columns: 70, rows: 20 });
    expect(p.left.map((b) => b.name)).toEqual(['summary', 'hist', 'events']);
    expect(p.left[0].height).toBeGreaterThanOrEqual(7);
  });
});

describe('scrolling', () => {
  const items = Array.from({ length: 50 }, (_, i) => ({ id: `e${i}` }));
  const id = (x: { id: string }) => x.id;

  it('follows the newest line until the user scrolls, then stays anchored', () => {
    expect(streamWindow(items, id, FOLLOW, 10).visible.at(-1)!.id).toBe('e49');
    const up = streamMove(items, id, FOLLOW, 10, 'pageUp');
    expect(up).toEqual({ follow: false, anchor: 'e40' });
    const more = [...items, { id: 'e50' }, { id: 'e51' }];
    expect(streamWindow(more, id, up, 10).visible.at(-1)!.id).toBe('e40');
    expect(streamMove(more, id, up, 10, 'home')).toEqual({ follow: false, anchor: 'e9' });
    expect(streamMove(more, id, up, 10, 'end')).toEqual(FOLLOW);
    expect(streamMove(items, id, { follow: false, anchor: 'e48' }, 10, 'down')).toEqual(FOLLOW);
  });

  it('an anchor that scrolled out of the ring shows the top page', () => {
    expect(streamWindow(items, id, { follow: false, anchor: 'gone' }, 10).visible.map(id)).toEqual(items.slice(0, 10).map(id));
  });

  it('offsets stay within the list', () => {
    expect(offsetMove(0, 20, 5, 'up')).toBe(0);
    expect(offsetMove(0, 20, 5, 'end')).toBe(15);
    expect(offsetMove(14, 20, 5, 'pageDown')).toBe(15);
  });
});

describe('stream lines from a snapshot', () => {
  const store = createStore(undefined, T0);
  for (const e of sessionEvents(20)) store.dispatch(e);
  const snap = takeSnapshot(store.state);

  it('merges kernel log records and findings by time, record before its finding', () => {
    const lines = klogLines(snap, '');
    const i = lines.findIndex((l) => l.kind === 'record' && l.rec.text.includes('Xid (PCI:0000:2b:00): 79'));
    expect(lines[i + 1]).toMatchObject({ kind: 'finding', ev: { source: 'xid', xid: { xid: 79 } } });
    for (let k = 1; k < lines.length; k++) expect(lines[k].time_ms).toBeGreaterThanOrEqual(lines[k - 1].time_ms);
  });

  it("reads GPU, code, name and action from the store's Xid slice, newest last", () => {
    expect(xidRows(snap, '')).toMatchObject([
      {
        gpu: '0000:2b:00',
        xid: 79,
        count: 1,
        name: 'GPU has fallen off the bus',
        action: expect.stringContaining('reboot the node'),
        severity: 'critical',
      },
      { gpu: '0000:01:00', xid: 31, count: 1, name: xidInfo(31).name, action: xidInfo(31).advice, severity: 'warning' },
    ]);
  });

  it('filters case-insensitively over titles, subsystems, process names and fields', () => {
    expect(eventLines(snap, 'STRESS-ng').every((l) => l.ev.comm === 'stress-ng')).toBe(true);
    expect(eventLines(snap, '0000:01:00').map((l) => l.ev.xid?.xid)).toEqual([31]);
    expect(klogLines(snap, 'lkdtm').map((l) => l.kind)).toEqual(['record', 'finding']);
  });

  it('puts rows that need attention first only when not all fit', () => {
    const rows = ['OK', 'WARNING', 'OK', 'CRITICAL'];
    expect(attentionFirst(rows, 4, (r) => r)).toEqual(rows);
    expect(attentionFirst(rows, 2, (r) => r)).toEqual(['CRITICAL', 'WARNING', 'OK', 'OK']);
  });
});

describe('histogram drawing', () => {
  const g = makeTheme({ color: true, unicode: true }).glyphs;
  it('draws bars in eighths of a cell, full scale at the width', () => {
    expect(bar(1, 10, g)).toBe('█'.repeat(10));
    expect(bar(0.5, 10, g)).toBe('█████');
    expect(bar(0.01, 10, g)).toBe('▏');
    expect(bar(0, 10, g)).toBe('');
    const ascii = makeTheme({ color: false, unicode: false }).glyphs;
    expect(bar(0.55, 10, ascii)).toBe('######');
  });
  it('labels log2 buckets as bpftrace does, and keeps p50..p99 in view', () => {
    expect(bucketLabel({ min: 1024, max: 2047, count: 1 })).toBe('[1K, 2K)');
    expect(bucketLabel({ min: 0, max: 0, count: 1 })).toBe('0');
    const b = Array.from({ length: 20 }, (_, i) => ({ min: 2 ** i, max: 2 ** (i + 1) - 1, count: 1 }));
    const start = defaultHistStart(b, b[4].max, b[15].max, 8);
    expect(start).toBe(4);
    expect(defaultHistStart(b, b[10].max, b[12].max, 8)).toBe(6);
  });
});

describe('header and footer segments', () => {
  it('drop whole segments, lowest priority first', () => {
    const segs = [
      { text: 'kerntop', priority: 1 },
      { text: 'a-very-long-hostname', priority: 3 },
      { text: 'CRITICAL', priority: 1 },
      { text: '12:00:00', priority: 2 },
    ];
    expect(fitSegments(segs, 100).map((s) => s.text)).toEqual(['kerntop', 'a-very-long-hostname', 'CRITICAL', '12:00:00']);
    expect(fitSegments(segs, 30).map((s) => s.text)).toEqual(['kerntop', 'CRITICAL', '12:00:00']);
  });
});

describe('terminal environment', () => {
  it('honours NO_COLOR and TERM=dumb', () => {
    expect(colorWanted({ NO_COLOR: '1' })).toBe(false);
    expect(colorWanted({ NO_COLOR: '', TERM: 'xterm-256color' })).toBe(true);
    expect(colorWanted({ TERM: 'dumb' })).toBe(false);
    const mono = makeTheme({ color: false, unicode: true });
    expect(mono.status('CRITICAL').color).toBeUndefined();
    expect(mono.status('CRITICAL').inverse).toBe(true);
    expect(mono.title(true).inverse).toBe(true);
  });

  it('falls back to ASCII inside tmux/screen without a UTF-8 locale', () => {
    expect(unicodeWanted({ TERM: 'tmux-256color', TMUX: '/tmp/tmux-0/default,1,0', LANG: 'C.UTF-8' })).toBe(true);
    expect(unicodeWanted({ TERM: 'tmux-256color', TMUX: '/tmp/tmux-0/default,1,0' })).toBe(false);
    expect(unicodeWanted({ TERM: 'screen' })).toBe(false);
    expect(unicodeWanted({ TERM: 'xterm-256color' })).toBe(true);
    expect(unicodeWanted({ TERM: 'xterm', KERNTOP_ASCII: '1', LANG: 'en_US.UTF-8' })).toBe(false);
  });

  it('parses --pane with a message naming the valid panes', () => {
    expect(parsePane(undefined)).toBeUndefined();
    expect(parsePane('KMSG')).toBe('kmsg');
    expect(() => parsePane('graphs')).toThrow(TuiUsageError);
    expect(() => parsePane('graphs')).toThrow(/summary, hist, events, kmsg, probes/);
  });
});

describe('terminal guard', () => {
  function fakeProc() {
    const handlers = new Map<string, Set<() => void>>();
    return {
      on: (ev: string, fn: () => void) => (handlers.get(ev) ?? handlers.set(ev, new Set()).get(ev)!).add(fn),
      off: (ev: string, fn: () => void) => handlers.get(ev)?.delete(fn),
      fire: (ev: string) => [...(handlers.get(ev) ?? [])].forEach((fn) => fn()),
      count: () => [...handlers.values()].reduce((a, s) => a + s.size, 0),
    };
  }

  it('enters the alternate screen and restores once, on exit or on a crash, unmounting first', () => {
    for (const way of ['exit', 'uncaughtExceptionMonitor']) {
      const out: string[] = [];
      const raw: boolean[] = [];
      const order: string[] = [];
      const proc = fakeProc();
      const g = takeTerminal(
        { write: (s) => out.push(s) },
        { isTTY: true, setRawMode: (m) => raw.push(m) },
        { proc: proc as never, beforeRestore: () => order.push('unmount') },
      );
      expect(out).toEqual([ENTER_ALT_SCREEN]);
      proc.fire(way);
      proc.fire('exit');
      expect(out).toEqual([ENTER_ALT_SCREEN, SHOW_CURSOR + LEAVE_ALT_SCREEN]);
      expect(raw).toEqual([false]);
      expect(order).toEqual(['unmount']);
      g.dispose();
      expect(proc.count()).toBe(0);
    }
  });
});

describe('Ink cache hook', () => {
  it('finds its patterns in the installed Ink, bounds its caches and fixes incremental redraws', async () => {
    for (const p of PATCHES) {
      const file = `node_modules${p.file}`;
      const patched = patchInkSource(`file:///x/${file}`, readFileSync(file, 'utf8'));
      expect(patched, `${file} changed: review src/ui/ink-cache-hook.ts`).not.toBeNull();
      expect(patched).toContain(p.proof);
    }
    expect(patchInkSource('file:///x/node_modules/ink/build/render.js', 'x')).toBeNull();
    expect(patchInkSource('file:///x/node_modules/ink/build/measure-text.js', 'no such line')).toBeNull();
  });
});

describe('snapshot', () => {
  it('is a copy: later dispatches do not change a snapshot already taken', () => {
    const store = createStore(undefined, T0);
    const evs: KerntopEvent[] = sessionEvents(5);
    for (const e of evs) store.dispatch(e);
    const s = takeSnapshot(store.state);
    const n = s.recent.length;
    store.dispatch({
      type: 'kernel.event',
      ts_ms: T0 + 9000,
      source: 'oom',
      subsystem: 'oom',
      severity: 'critical',
      title: 'later',
    });
    expect(s.recent.length).toBe(n);
    expect(takeSnapshot(store.state).recent.length).toBe(n + 1);
  });
});
