// /healthz's judgement and the recent window behind /summary.json.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KerntopEvent } from '../../src/events.js';
import { health } from '../../src/exporter/health.js';
import { RecentWindow } from '../../src/exporter/recent.js';
import { DEFAULT_THRESHOLDS } from '../../src/events.js';
import { createStore } from '../../src/store/index.js';

const status = (family: 'sched' | 'bio', state: 'STARTING' | 'ATTACHED' | 'FAILED', ts_ms = 1): KerntopEvent => ({
  type: 'probe.status',
  ts_ms,
  family,
  state,
  ...(state === 'FAILED' ? { reason: 'bpftrace: boom' } : {}),
});

describe('health', () => {
  it('503 reasons while a source starts, while probes attach, when a source failed or nothing attached; 200 with notes otherwise', () => {
    const s = createStore();
    expect(health(s.state, { starting: ['kmsg'], failed: [], probes: false })).toEqual({
      ok: false,
      reasons: ['starting: kmsg'],
      notes: [],
    });
    expect(health(s.state, { starting: [], failed: ['kmsg: /dev/kmsg: EACCES'], probes: false }).reasons).toEqual([
      'not started: kmsg: /dev/kmsg: EACCES',
    ]);
    expect(health(s.state, { starting: [], failed: [], probes: true }).reasons[0]).toMatch(/no probe family is attached/);
    s.dispatch(status('sched', 'STARTING'));
    s.dispatch(status('bio', 'STARTING'));
    expect(health(s.state, { starting: [], failed: [], probes: true }).reasons).toEqual(['probes still attaching: sched, bio']);
    s.dispatch(status('sched', 'ATTACHED'));
    s.dispatch(status('bio', 'FAILED'));
    expect(health(s.state, { starting: [], failed: [], probes: true })).toEqual({
      ok: true,
      reasons: [],
      notes: ['probe bio failed: bpftrace: boom'],
    });
  });
});

describe('RecentWindow', () => {
  afterEach(() => vi.useRealTimers());
  const oom = (ts_ms: number): KerntopEvent => ({
    type: 'kernel.event',
    ts_ms,
    source: 'oom',
    subsystem: 'oom',
    severity: 'critical',
    title: 'OOM kill',
  });

  it('covers the whole run until the window, then between half of it and all of it', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const w = new RecentWindow(DEFAULT_THRESHOLDS, 60_000);
    w.start();
    const events = () => w.state.subsystems.get('oom')?.events ?? 0;
    w.dispatch(oom(Date.now()));
    vi.advanceTimersByTime(30_000); // half a window: the second store starts over; the first still has all
    w.dispatch(oom(Date.now()));
    expect(events()).toBe(2);
    vi.advanceTimersByTime(30_000); // a whole window: the first is cleared; the second covers the last half
    expect(events()).toBe(1);
    w.dispatch(oom(Date.now()));
    expect(events()).toBe(2);
    vi.advanceTimersByTime(30_000);
    expect(events()).toBe(1);
    w.stop();
  });

  it('a replay (no window) keeps everything', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const w = new RecentWindow(DEFAULT_THRESHOLDS, null);
    w.start();
    w.dispatch(oom(1));
    vi.advanceTimersByTime(10 * 60_000);
    expect(w.state.subsystems.get('oom')!.events).toBe(1);
  });
});
