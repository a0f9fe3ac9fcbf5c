// The noise family under the running-total rule, kerntop's own tasks labelled, its events checked by
// the replay schemas, and the cpus pane's snapshot part reused while nothing on it changed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkEvent } from '../../src/event-schemas.js';
import { type KerntopEvent, type ProbeTickEvent } from '../../src/events.js';
import { catalogEntry } from '../../src/sources/bpftrace/catalog.js';
import { compose, runningTotals, splitInterval } from '../../src/sources/bpftrace/compose.js';
import { RunningTotals } from '../../src/sources/bpftrace/deltas.js';
import { parseLine } from '../../src/sources/bpftrace/parser.js';
import { selectCpuFindings } from '../../src/store/cpu-findings.js';
import { selectCpuRows } from '../../src/store/cpus-select.js';
import { apply, createState, createStore } from '../../src/store/index.js';
import { sourceLabel } from '../../src/ui/panes/Cpus.js';
import { takeSnapshot } from '../../src/ui/snapshot.js';
import { bpftraceFixture, decodeNoiseCapture, thresholds, twoCpuTopology } from './noise-capture.js';

const fixture = (f: string) => readFileSync(new URL(`../../fixtures/${f}`, import.meta.url), 'utf8');
// Every family's program, noise by its fullest tracepoint strategy, printing running totals.
const capture = bpftraceFixture('all-families-0.17.jsonl').split('\n');
const decode = () => decodeNoiseCapture('all-families-0.17.jsonl', 'all-families-0.17.bt');
// The maps that program prints as running totals.
const totals = runningTotals(splitInterval(bpftraceFixture('all-families-0.17.bt')).tick);

/** The last value bpftrace printed for a keyed map (cumulative for a running total). */
function lastPrinted(name: string): Record<string, number> {
  let cur: Record<string, number> = {};
  for (const l of capture) {
    const p = parseLine(l);
    if (p.kind === 'map' && p.name === name && typeof p.value === 'object') cur = p.value as Record<string, number>;
  }
  return cur;
}

describe('noise fragments follow the running-total rule', () => {
  it('counts, times and histograms are never cleared; only the worst times are', () => {
    for (const strategy of catalogEntry('noise').strategies) {
      const c = compose([{ family: 'noise', strategy }], { thresholds, events_per_s: 50, kerntop_pid: 1 });
      const tick = splitInterval(c.program).tick;
      for (const m of c.totals) expect(m, `${strategy.script}: @${m}`).not.toMatch(/_max_(ns|us)$/);
      for (const m of [
        'noise_rq_lat_us',
        'noise_rt_lat_us',
        'noise_cs',
        'noise_task_n',
        'noise_task_ns',
        'noise_own_n',
        'noise_own_ns',
      ])
        expect(c.totals, strategy.script).toContain(m);
      expect(tick).toContain('clear(@noise_rq_max_us)');
      for (const m of c.totals) expect(tick).not.toContain(`clear(@${m})`);
      expect(tick).not.toMatch(
        /clear\(@noise_(irq|si|vec|task|wq)_(n|ns)\)|clear\(@noise_(rq|rt)_lat_us\)|clear\(@noise_(cs|ipi)\)/,
      );
    }
    expect(totals).toEqual(
      expect.arrayContaining(['noise_irq_n', 'noise_irq_ns', 'noise_si_n', 'noise_vec_n', 'noise_wq_n', 'noise_ipi']),
    );
  });

  it('per-second ticks of the real capture add up to what bpftrace counted, key by key', () => {
    const ticks = decode().filter((e): e is ProbeTickEvent => e.type === 'probe.tick');
    const sum: Record<string, number> = {};
    for (const t of ticks)
      for (const [cpu, c] of Object.entries(t.by_cpu ?? {}))
        for (const s of c.sources) if (s.kind === 'irq') sum[`${cpu},${s.id}`] = (sum[`${cpu},${s.id}`] ?? 0) + s.count;
    const printed = lastPrinted('noise_irq_n');
    expect(Object.keys(printed).length).toBeGreaterThan(0);
    expect(sum).toEqual(printed);
    const cs: Record<string, number> = {};
    for (const t of ticks) for (const [cpu, c] of Object.entries(t.by_cpu ?? {})) cs[cpu] = (cs[cpu] ?? 0) + c.ctx_switches;
    expect(cs).toEqual(lastPrinted('noise_cs'));
    for (const t of ticks)
      for (const c of Object.values(t.by_cpu ?? {})) expect(c.sources.every((s) => s.count >= 0 && s.total_ns >= 0)).toBe(true);
  });

  it('a histogram kept per key is differenced key by key', () => {
    const r = new RunningTotals();
    const b = (min: number, count: number) => ({ min, max: min * 2 - 1 || 0, count });
    expect(r.difference('h', { '0': [b(1, 3)], '1': [b(4, 2)] })).toEqual({ '0': [b(1, 3)], '1': [b(4, 2)] });
    expect(r.difference('h', { '0': [b(1, 3)], '1': [b(4, 5), b(8, 1)] })).toEqual({ '1': [b(4, 3), b(8, 1)] });
    expect(r.difference('h', { '0': [b(1, 3)], '1': [b(4, 5), b(8, 1)] })).toBeNull();
  });
});

describe("kerntop's own tasks in the noise", () => {
  it('are shown among the tasks that took a CPU, labelled, with the fix of where kerntop runs', () => {
    const s = createState(thresholds, 1_000_000);
    apply(s, twoCpuTopology({ isolated: [1] }));
    for (const e of decode()) apply(s, e);
    const cpu1 = selectCpuRows(s.cpus, { window: 'run', top: 50 }).find((r) => r.cpu === 1)!;
    // The capture's bpftrace child (its pid was the program's $1) and node ran on CPU 1.
    // (Other bpftrace processes on the host are other tasks of the same comm.)
    const own = cpu1.top.find((x) => x.kind === 'task' && x.name === 'bpftrace' && x.own);
    expect(own?.id).toBe('kerntop:bpftrace');
    expect(sourceLabel(own!)).toBe('bpftrace (kerntop)');
    expect(cpu1.top.filter((x) => x.kind === 'task' && !x.own).length).toBeGreaterThan(0);
    // node is both kerntop's and other processes' comm: kerntop's part is its own row.
    const nodes = cpu1.top.filter((x) => x.kind === 'task' && x.name === 'node');
    for (const n of nodes) expect(n.own).toBe(n.id === 'kerntop:node');
    // The finding names where kerntop runs as the fix (a tick holding only its own bpftrace's time).
    const t = createState(thresholds, 1_000_000);
    apply(t, twoCpuTopology({ isolated: [1] }));
    const mine = {
      kind: 'task' as const,
      id: 'kerntop:bpftrace',
      name: 'bpftrace',
      count: 40,
      total_ns: 9_000_000,
      max_ns: 800_000,
      own: true,
    };
    apply(t, {
      type: 'probe.tick',
      ts_ms: 1_001_000,
      family: 'noise',
      interval_ms: 1000,
      count: 0,
      by_cpu: { '1': { ctx_switches: 80, irqs: 0, irq_ns: 0, softirqs: 0, softirq_ns: 0, sources: [mine] } },
    });
    const f = selectCpuFindings(t).find((x) => / \(kerntop\) ran/.test(x.message));
    expect(f?.message).toMatch(
      /^bpftrace \(kerntop\) ran .* on isolated CPU 1 .*: run kerntop on 0 \(taskset -c 0 kerntop \.\.\.\)$/,
    );
    expect(f?.advice).toMatch(/^kerntop itself .* taskset -c 0 /);
  });

  it('are left out of the per-CPU run-queue latency, as in the sched family', () => {
    const strategy = catalogEntry('noise').strategies.find((x) => x.script.includes('noise.wake.bt'))!;
    const { program: p } = compose([{ family: 'noise', strategy }], {
      thresholds,
      events_per_s: 50,
      kerntop_pid: 4242,
      kerntop_tids: [4242, 4243],
    });
    // Threads alive at BEGIN and the bpftrace child are marked; later ones when they run.
    expect(p).toMatch(/@noise_self\[4242\] = 1; @noise_self\[4243\] = 1; @noise_self\[\$1\] = 1;/);
    expect(p).toContain('if (pid == 4242 || pid == $1) {\n    @noise_self[tid] = 1;');
    expect(p).toContain('if (!@noise_self[args->pid])');
    expect(p).toContain('if (!@noise_self[args->prev_pid])');
  });
});

describe('noise events in recordings', () => {
  it('every event of the recorded RT session passes its schema, per-CPU ticks and topology included', () => {
    const lines = fixture('sessions/rt-cpu1.jsonl').split('\n').filter(Boolean).slice(1);
    const types = new Set<string>();
    let byCpu = 0;
    for (const l of lines) {
      const ev = JSON.parse(l) as KerntopEvent;
      expect(checkEvent(ev), l.slice(0, 200)).toMatchObject({ ok: true });
      types.add(ev.type);
      if (ev.type === 'probe.tick' && ev.by_cpu) byCpu++;
    }
    expect(types).toContain('cpu.topology');
    expect(byCpu).toBeGreaterThan(0);
  });

  it('refuses a per-CPU tick or a topology of the wrong shape, naming the field', () => {
    expect(
      checkEvent({
        type: 'cpu.topology',
        ts_ms: 1,
        present: [0],
        online: [0],
        isolated: [],
        nohz_full: [],
        partitions: {},
        measured: 'all',
      }),
    ).toEqual({ ok: false, reason: expect.stringMatching(/^cpu\.topology: measured: /) });
    expect(
      checkEvent({
        type: 'probe.tick',
        ts_ms: 1,
        family: 'noise',
        interval_ms: 1000,
        count: 1,
        by_cpu: { '0': { ctx_switches: 1 } },
      }),
    ).toEqual({ ok: false, reason: expect.stringMatching(/^probe\.tick: by_cpu\.0\./) });
    expect(
      checkEvent({ type: 'kernel.event', ts_ms: 1, source: 'noise', subsystem: 'noise', severity: 'info', title: 'x', cpu: -1 }),
    ).toEqual({ ok: false, reason: expect.stringMatching(/^kernel\.event: cpu: /) });
  });
});

describe('cpus pane snapshot', () => {
  it('keeps the previous rows while nothing on them changed, and takes new ones when a tick arrives', () => {
    const store = createStore(thresholds, 1_000_000);
    const events = decode();
    const ticks = events.filter((e): e is ProbeTickEvent => e.type === 'probe.tick' && !!e.by_cpu);
    store.dispatch(twoCpuTopology());
    store.dispatch(ticks[0]);
    const a = takeSnapshot(store.state);
    expect(a.cpus.length).toBe(2);
    const b = takeSnapshot(store.state, a);
    expect(b).toBe(a);
    store.dispatch(ticks[1]);
    const c = takeSnapshot(store.state, b);
    expect(c).not.toBe(b);
    expect(c.cpus).not.toBe(b.cpus);
    expect(c.cpus).not.toEqual(b.cpus);
  });
});
