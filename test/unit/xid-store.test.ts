import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { XidTracker } from '../../src/knowledge/xid/tracker.js';
import { xidToKernelEvent } from '../../src/sources/kmsg/xid-event.js';
import { xidSection } from '../../src/report/xid-section.js';
import { createStore, selectSubsystems } from '../../src/store/index.js';
import { applyXid, createXidState, selectXid, summarizeXid } from '../../src/store/xid.js';

const FIX = join(import.meta.dirname, '../../fixtures/kmsg');
const LINES = readFileSync(join(FIX, 'xid-lines.txt'), 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('NVRM'));
const line = (needle: string) => LINES.find((x) => x.includes(needle))!;

const T0 = 1_790_000_000_000;

function events(text: string, times: number[]) {
  const t = new XidTracker();
  return times.map((ms, i) => xidToKernelEvent(t.process({ seq: i, ts_us: i, text, arrival_ms: ms })[0]));
}

describe('Xid store slice', () => {
  it('a storm of one Xid on one GPU is one row with counts in and out of the window', () => {
    const s = createXidState(60_000);
    const storm = events(line('python3.10'), [T0, T0 + 1000, T0 + 2000, T0 + 90_000, T0 + 91_000]);
    for (const e of storm) applyXid(s, e);
    const sum = summarizeXid(s, T0 + 100_000);
    expect(sum.gpus).toHaveLength(1);
    expect(sum.gpus[0].rows).toHaveLength(1);
    expect(sum.gpus[0].rows[0]).toMatchObject({
      xid: 31,
      total: 5,
      count_window: 2,
      last_ms: T0 + 91_000,
      last_comm: 'python3.10',
      last_pid: 2512125,
    });
    expect(sum).toMatchObject({ total: 5, count_window: 2, worst_severity: 'warning' });
  });

  it('keeps GPUs apart and orders them; ignores other events', () => {
    const s = createXidState();
    applyXid(s, { type: 'kernel.event', ts_ms: T0, source: 'log', subsystem: 'soft_lockup', severity: 'critical', title: 'x' });
    for (const e of events(line('(PCI:0000:2b:00): 79'), [T0])) applyXid(s, e);
    for (const e of events(line('name=UnrealEditor'), [T0 + 5])) applyXid(s, e);
    const sum = summarizeXid(s, T0 + 10);
    expect(sum.gpus.map((g) => g.pci)).toEqual(['0000:01:00', '0000:2b:00']);
    expect(sum.worst_severity).toBe('critical');
  });

  it('rides along in the main store: the summary table gains an "xid" row', () => {
    const store = createStore(undefined, T0);
    for (const e of events(line('): 119,'), [T0, T0 + 10])) store.dispatch(e);
    const row = selectSubsystems(store.state).find((r) => r.name === 'xid');
    expect(row).toMatchObject({ alerts: 2, status: 'CRITICAL' });
    expect(selectXid(store.state).gpus[0].rows[0]).toMatchObject({ xid: 119, total: 2, count_window: 2, class: 'gsp' });
    store.clear(T0 + 20);
    expect(selectXid(store.state).total).toBe(0);
  });

  it('quiet summary section: text lines and JSON', () => {
    const s = createXidState();
    for (const e of events(line('python3.10'), [T0, T0 + 1000, T0 + 2000])) applyXid(s, e);
    const sec = xidSection(summarizeXid(s, T0 + 62_000));
    expect(sec.lines[0]).toBe('Xid: 3 event(s), 3 in the last 1h, worst warning');
    expect(sec.lines[1]).toBe('  GPU 0000:00:07');
    expect(sec.lines[2]).toBe(
      '    Xid 31 x3 warning application: GPU memory page fault (MMU fault); last 1m ago python3.10[2512125]',
    );
    expect(sec.lines[3]).toMatch(/^ {6}-> restart the application/);
    expect(sec.json.gpus[0].xids[0]).toMatchObject({
      xid: 31,
      total: 3,
      count_window: 3,
      last_seen: new Date(T0 + 2000).toISOString(),
    });
    expect(xidSection(summarizeXid(createXidState(), T0)).lines).toEqual(['Xid: none seen']);
  });

  it('counts a storm exactly far beyond 4096, in memory bounded by the window, out-of-order events included', () => {
    const s = createXidState();
    const text = line('python3.10');
    const t = new XidTracker();
    const ev = (ms: number) => xidToKernelEvent(t.process({ seq: 0, ts_us: 0, text, arrival_ms: ms })[0]);
    // 10 hours at 5 per second, then 200 late backlog events from inside the last hour.
    const end = T0 + 36_000_000;
    for (let ms = T0; ms < end; ms += 200) applyXid(s, ev(ms));
    for (let i = 0; i < 200; i++) applyXid(s, ev(end - 1_000_000 - i * 7));
    const row = [...s.rows.values()][0];
    expect(row.secs.length).toBeLessThanOrEqual(3601);
    const sum = summarizeXid(s, end);
    expect(sum.total).toBe(180_000 + 200);
    // The last hour: seconds after end - 1 h, five each, plus the late ones.
    expect(sum.count_window).toBe(3599 * 5 + 200);
    expect(summarizeXid(s, end + 3_600_000).count_window).toBe(0);
  });
});
