import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, type KerntopEvent } from '../../src/events.js';
import { readRecording } from '../../src/sources/replay/player.js';
import { addValue, emptyHist, quantile, slotOf, toBuckets } from '../../src/store/histogram.js';
import {
  apply,
  createState,
  createStore,
  selectFindings,
  selectHistograms,
  selectOverallStatus,
  selectSubsystems,
} from '../../src/store/index.js';
import { Ring } from '../../src/store/ring.js';

const SESSION = new URL('../../fixtures/sessions/busy-host.jsonl', import.meta.url).pathname;

describe('log2 histogram', () => {
  it('uses bpftrace bucket edges', () => {
    expect([0, 1, 2, 3, 4, 7, 8, 1023, 1024].map(slotOf)).toEqual([0, 1, 2, 2, 3, 3, 4, 10, 11]);
  });
  it('gives quantiles as bucket upper edges', () => {
    const h = emptyHist();
    addValue(h, 5, 98);
    addValue(h, 3000, 2);
    expect(quantile(h, 0.5)).toBe(7);
    expect(quantile(h, 0.99)).toBe(4095);
    expect(quantile(emptyHist(), 0.5)).toBeNull();
    expect(toBuckets(h)[0]).toEqual({ min: 4, max: 7, count: 98 });
  });
});

describe('ring', () => {
  it('keeps the newest items only', () => {
    const r = new Ring<number>(3);
    for (let i = 0; i < 5; i++) r.push(i);
    expect(r.toArray()).toEqual([2, 3, 4]);
    expect(r.last(2)).toEqual([3, 4]);
    expect(r.total).toBe(5);
  });
});

describe('reducer and rules', () => {
  const t0 = 1_700_000_000_000;
  const tick = (family: 'sched' | 'faults', i: number, count: number, extra: object = {}): KerntopEvent => ({
    type: 'probe.tick',
    ts_ms: t0 + i * 1000,
    family,
    interval_ms: 1000,
    count,
    ...extra,
  });

  it('counts ticks into events, rates and histograms', () => {
    const s = createState(DEFAULT_THRESHOLDS, t0);
    for (let i = 1; i <= 12; i++) apply(s, tick('sched', i, 100, { hist_us: [{ min: 8, max: 15, count: 100 }], max_us: 14 }));
    const [row] = selectSubsystems(s);
    expect(row).toMatchObject({
      name: 'sched',
      events: 1200,
      worst_us: 14,
      p99_us: 14,
      status: 'OK',
      rate_1s: 100,
      rate_10s: 90,
    });
    expect(selectOverallStatus(s)).toBe('OK');
  });

  it('warns when run-queue p99 crosses --sched-warn and goes critical at ten times it', () => {
    const s = createState({ ...DEFAULT_THRESHOLDS, sched_warn_us: 100 }, t0);
    apply(s, tick('sched', 1, 100, { hist_us: [{ min: 128, max: 255, count: 100 }], max_us: 200 }));
    expect(selectOverallStatus(s)).toBe('WARNING');
    apply(s, tick('sched', 2, 1000, { hist_us: [{ min: 2048, max: 4095, count: 1000 }], max_us: 4000 }));
    expect(selectOverallStatus(s)).toBe('CRITICAL');
    expect(selectFindings(s)[0].advice).toMatch(/isolcpus/);
  });

  it('makes every OOM kill critical and counts it once', () => {
    const store = createStore(DEFAULT_THRESHOLDS, t0);
    store.dispatch({
      type: 'kernel.event',
      ts_ms: t0 + 10,
      source: 'oom',
      subsystem: 'oom',
      severity: 'critical',
      title: 'OOM kill: x[1]',
      pid: 1,
      comm: 'x',
    });
    const row = selectSubsystems(store.state).find((r) => r.name === 'oom');
    expect(row).toMatchObject({ events: 1, alerts: 1, status: 'CRITICAL' });
  });

  it('does not count an event twice when its tick already did', () => {
    const s = createState(DEFAULT_THRESHOLDS, t0);
    apply(s, tick('sched', 1, 10));
    apply(s, {
      type: 'kernel.event',
      ts_ms: t0 + 1000,
      source: 'sched',
      subsystem: 'sched',
      severity: 'warning',
      title: 'x',
      value_us: 5000,
      in_tick: true,
    });
    expect(selectSubsystems(s)[0]).toMatchObject({ events: 10, alerts: 1, worst_us: 5000 });
  });

  it('judges subsystems without a rule by the worst severity of their events', () => {
    const s = createState(DEFAULT_THRESHOLDS, t0);
    apply(s, {
      type: 'kernel.event',
      ts_ms: t0,
      source: 'log',
      subsystem: 'soft_lockup',
      severity: 'critical',
      title: 'BUG: soft lockup in f',
    });
    expect(selectSubsystems(s)[0]).toMatchObject({ name: 'soft_lockup', status: 'CRITICAL' });
  });

  it('keeps memory bounded however many keys arrive', () => {
    const s = createState(DEFAULT_THRESHOLDS, t0);
    for (let i = 0; i < 2000; i++) apply(s, tick('faults', 1, 1, { by_comm: { [`p${i}`]: 1 } }));
    expect(Object.keys(s.subsystems.get('faults')!.by_comm).length).toBeLessThanOrEqual(257);
  });

  it('a probe that failed makes the status a warning: what was not measured is not OK', () => {
    const s = createState(DEFAULT_THRESHOLDS, t0);
    apply(s, { type: 'probe.status', ts_ms: t0, family: 'bio', state: 'FAILED', method: 'tracepoint', reason: 'ERROR: boom' });
    expect(selectOverallStatus(s)).toBe('WARNING');
  });

  it('kernel-log records lost are a WARNING finding with the exact count: what was not read was not judged', () => {
    const s = createState(DEFAULT_THRESHOLDS, t0);
    expect(selectOverallStatus(s)).toBe('OK');
    apply(s, { type: 'kmsg.lost', ts_ms: t0 + 1, lost: 32_576 });
    apply(s, { type: 'kmsg.lost', ts_ms: t0 + 2, lost: 1 });
    expect(selectOverallStatus(s)).toBe('WARNING');
    const f = selectFindings(s).filter((x) => x.subsystem === 'kmsg');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ status: 'WARNING', message: expect.stringMatching(/^32577 kernel-log records lost/) });
    // A critical finding elsewhere still wins.
    apply(s, { type: 'kernel.event', ts_ms: t0 + 3, source: 'xid', subsystem: 'xid', severity: 'critical', title: 'Xid 79' });
    expect(selectOverallStatus(s)).toBe('CRITICAL');
  });
});

describe('a real recorded session through the store', () => {
  it('reproduces what was measured: OOM critical, retransmits, NETFILTER_DROP, histograms', async () => {
    const { header, events, bad } = await readRecording(SESSION);
    expect(bad).toBe(0);
    const s = createState(header.thresholds, header.start_ms);
    for (const e of events) apply(s, e);
    const rows = Object.fromEntries(selectSubsystems(s).map((r) => [r.name, r]));
    expect(rows.oom.status).toBe('CRITICAL');
    expect(rows.tcp_retrans.events).toBeGreaterThan(0);
    expect(rows.drops.by_key.NETFILTER_DROP).toBeGreaterThan(0);
    expect(rows.sched.p99_us).toBeGreaterThan(0);
    expect(Object.keys(selectHistograms(s))).toEqual(expect.arrayContaining(['sched', 'bio', 'vfs']));
    expect(selectOverallStatus(s)).toBe('CRITICAL');
    const oom = s.recent.toArray().find((e) => e.subsystem === 'oom');
    expect(oom).toMatchObject({ comm: 'ktoom-fixture' });
  });
});
