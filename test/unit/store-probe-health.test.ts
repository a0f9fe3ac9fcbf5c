// What was not measured cannot be OK: probe states decide the overall status with the subsystems.
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, NOT_SELECTED_REASON, PROBE_FAMILIES, type ProbeState } from '../../src/events.js';
import { summaryText } from '../../src/report/summary.js';
import { createStore, selectFindings, selectOverallStatus } from '../../src/store/index.js';

const t0 = 1_700_000_000_000;
function withProbes(states: Partial<Record<string, { state: ProbeState; reason?: string }>>) {
  const store = createStore(DEFAULT_THRESHOLDS, t0);
  for (const family of PROBE_FAMILIES) {
    const s = states[family] ?? { state: 'SKIPPED', reason: NOT_SELECTED_REASON };
    store.dispatch({ type: 'probe.status', ts_ms: t0 + 1, family, state: s.state, ...(s.reason ? { reason: s.reason } : {}) });
  }
  store.dispatch({ type: 'clock', ts_ms: t0 + 5000 });
  return store.state;
}

describe('probe states in the status', () => {
  it('ATTACHED families with the rest not selected: OK', () => {
    expect(selectOverallStatus(withProbes({ sched: { state: 'ATTACHED' } }))).toBe('OK');
  });

  it('STALLED is not OK: WARNING with a finding naming the reason, shown in the summary', () => {
    const s = withProbes({
      sched: { state: 'STALLED', reason: 'no tick from bpftrace (pid 7) for 2.6 s: it is stopped' },
      oom: { state: 'ATTACHED' },
    });
    expect(selectOverallStatus(s)).toBe('WARNING');
    expect(selectFindings(s)).toContainEqual(
      expect.objectContaining({
        subsystem: 'sched',
        status: 'WARNING',
        message: 'probe sched stalled: no tick from bpftrace (pid 7) for 2.6 s: it is stopped',
      }),
    );
    expect(summaryText(s, { histograms: false })).toMatch(/sched\s+STALLED/);
  });

  it('no family could run (bpftrace missing): WARNING naming the cause', () => {
    const why = 'bpftrace is not installed: install it';
    const s = withProbes(Object.fromEntries(PROBE_FAMILIES.map((f) => [f, { state: 'SKIPPED', reason: why }])));
    expect(selectOverallStatus(s)).toBe('WARNING');
    expect(selectFindings(s)).toContainEqual(
      expect.objectContaining({ subsystem: 'probes', message: `no probe family could run: ${why}` }),
    );
  });

  it('no state at all (a replay without probes): no probe finding', () => {
    const store = createStore(DEFAULT_THRESHOLDS, t0);
    expect(selectFindings(store.state)).toEqual([]);
    expect(selectOverallStatus(store.state)).toBe('OK');
  });
});
