import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { durationSeconds } from '../../src/fleet/fetch.js';
import { fleetExitCode } from '../../src/fleet/json.js';
import { buildRows, markStragglers, median, xidSummary, type Answers, type NodeRow } from '../../src/fleet/rows.js';
import { parseSelector, withSelector } from '../../src/fleet/selector.js';
import { filterRows, sortRows } from '../../src/fleet/sort.js';
import { sparkline } from '../../src/ui/fleet/sparkline.js';

const row = (node: string, p: Partial<NodeRow> = {}): NodeRow => ({
  node,
  job: 'kerntop',
  instance: `${node}:9864`,
  labels: { nodepool: 'gpu' },
  kernel_release: null,
  status: 'OK',
  worst: [],
  runq_p99_us: null,
  bio_p99_us: null,
  oom_kills_1h: 0,
  retrans_per_s: 0,
  xid: { drain_reset: 0, application: 0, other: 0, gpus: [], codes: [] },
  log_finding: null,
  probes_not_attached: [],
  age_s: 1,
  down: false,
  straggler: [],
  ...p,
});

describe('fleet selector', () => {
  it('takes label matchers in braces, commas inside quotes included', () => {
    expect(parseSelector('{nodepool="gpu", zone=~"eu-.*",name!="a,b"}')).toEqual([
      'nodepool="gpu"',
      'zone=~"eu-.*"',
      'name!="a,b"',
    ]);
    expect(parseSelector(undefined)).toEqual([]);
    expect(parseSelector('{}')).toEqual([]);
    expect(withSelector('up', ['a="1"'], ['b!="2"'])).toBe('up{a="1",b!="2"}');
  });
  it('refuses what is not a matcher list, naming the accepted form', () => {
    expect(() => parseSelector('nodepool="gpu"')).toThrow(/in braces/);
    expect(() => parseSelector('{nodepool}')).toThrow(/"nodepool" is not a label matcher/);
    expect(() => parseSelector('{up{a="b"}}')).toThrow(/not a label matcher/);
  });
});

describe('stragglers', () => {
  it('marks a p99 over factor x the median of the fresh nodes; stale nodes neither count nor get marked', () => {
    const rows = [
      row('a', { runq_p99_us: 1000 }),
      row('b', { runq_p99_us: 1200 }),
      row('c', { runq_p99_us: 5000 }),
      row('d', { runq_p99_us: 900 }),
      row('e', { status: 'STALE', runq_p99_us: 90000 }),
    ];
    const m = markStragglers(rows, 3);
    expect(m.runq_p99_us).toBe(1100);
    expect(rows.map((r) => r.straggler)).toEqual([[], [], ['runq'], [], []]);
    expect(markStragglers(rows, 5).runq_p99_us).toBe(1100);
    expect(rows[2].straggler).toEqual([]);
  });
  it('needs three nodes with a value', () => {
    const rows = [row('a', { bio_p99_us: 100 }), row('b', { bio_p99_us: 10000 })];
    expect(markStragglers(rows, 3).bio_p99_us).toBeNull();
    expect(rows[1].straggler).toEqual([]);
  });
  it('median', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe('rows order, filter, exit code', () => {
  const rows = [
    row('ok'),
    row('warn', { status: 'WARNING' }),
    row('crit', { status: 'CRITICAL' }),
    row('stale', { status: 'STALE', age_s: 400 }),
    row('slow', { straggler: ['runq'], runq_p99_us: 9000 }),
  ];
  it('worst first: CRITICAL, STALE, WARNING, then stragglers among the OK', () => {
    expect(sortRows(rows).map((r) => r.node)).toEqual(['crit', 'stale', 'warn', 'slow', 'ok']);
    expect(sortRows(rows, 'node').map((r) => r.node)).toEqual(['crit', 'ok', 'slow', 'stale', 'warn']);
    expect(sortRows(rows, 'age', true)[0].node).not.toBe('stale');
  });
  it('filters by name or name=value label', () => {
    expect(filterRows(rows, 'nodepool=gpu')).toHaveLength(5);
    expect(filterRows(rows, 'SLO').map((r) => r.node)).toEqual(['slow']);
  });
  it('exit code by the worst node; a stale node is a warning', () => {
    expect(fleetExitCode([row('a')])).toBe(0);
    expect(fleetExitCode([row('a'), row('b', { status: 'STALE' })])).toBe(1);
    expect(fleetExitCode(rows)).toBe(2);
  });
});

describe('Xids of the hour', () => {
  it('drain/reset by catalog action (never application), GPUs with drain/reset first', () => {
    const s = (pci: string, xid: string, cls: string, action: string, v: string) => ({
      metric: { pci, xid, class: cls, action },
      value: [0, v] as [number, string],
    });
    const x = xidSummary([
      s('0000:e2:00.0', '13', 'application', 'restart_app', '2'),
      s('0000:e1:00.0', '79', 'hardware', 'reboot_node', '1'),
      s('0000:e3:00.0', '43', 'application', 'reset_gpu', '1.02'),
    ]);
    expect(x).toMatchObject({ drain_reset: 1, application: 3, other: 0, codes: [13, 43, 79] });
    expect(x.gpus[0]).toMatch(/e1:00/);
  });
});

describe('durations and sparklines', () => {
  it('PromQL durations', () => {
    expect(durationSeconds('5m', 'w')).toBe(300);
    expect(durationSeconds('90s', 'w')).toBe(90);
    expect(() => durationSeconds('5 minutes', '--window')).toThrow(/--window must be a duration/);
  });
  it('keeps spikes when squeezing and shows gaps as spaces', () => {
    expect(sparkline([0, 0, 8, 0], 2)).toBe('▁█');
    expect(sparkline([null, 1, 2], 3)).toBe(' ▅█');
    expect(sparkline([1, 2], 2, false)).toBe('-#');
  });
});

describe('rows from real Prometheus answers (fixtures/fleet/answers.json)', () => {
  const fx = JSON.parse(readFileSync(new URL('../../fixtures/fleet/answers.json', import.meta.url), 'utf8')) as {
    time_s: number;
    series: Record<string, string>[];
    answers: Answers;
  };
  const rows = buildRows(fx.series, fx.answers, { nowS: fx.time_s, staleAfterS: 120, nodeLabel: 'node', stragglerFactor: 2 });
  const by = (n: string) => rows.find((r) => r.node === n)!;
  it('one row per exporter seen, named by the node label; the stopped one STALE and down', () => {
    expect(rows.map((r) => r.node).sort()).toEqual(['node-b', 'node-c', 'node-d']);
    expect(by('node-d')).toMatchObject({ status: 'STALE', down: true, worst: [], runq_p99_us: null, straggler: [] });
    expect(by('node-d').age_s!).toBeGreaterThan(0);
    expect(by('node-b')).toMatchObject({ status: 'CRITICAL', oom_kills_1h: 1, instance: 'node-b:9864' });
    expect(by('node-b').worst).toContain('oom');
  });
  it("node-c: the recording's Xids by action, its log finding, no straggler mark with two fresh nodes", () => {
    const c = by('node-c');
    expect(c.xid).toMatchObject({ drain_reset: 1, application: 3, other: 0, codes: [13, 43, 79] });
    expect(c.xid.gpus[0]).toMatch(/e1:00/);
    expect(c.log_finding).toEqual({ class: 'io_error', count: 1 });
    expect(c.probes_not_attached).toContain('vfs:SKIPPED');
    expect(rows.every((r) => r.straggler.length === 0)).toBe(true);
  });
  it('the newest finding names its title when the exporter serves it (same request as the counts)', () => {
    const ans = structuredClone(fx.answers) as typeof fx.answers;
    const log = (ans as Record<string, { metric: Record<string, string>; value: [number, string] }[]>).log_1h;
    const sample = log.find((x) => x.metric.node === 'node-c')!;
    log.push({
      metric: {
        ...sample.metric,
        __name__: 'kerntop_kernel_log_last_finding_timestamp_seconds',
        title: 'blk_update_request: I/O error',
      },
      value: [fx.time_s, String(fx.time_s - 60)],
    });
    const r = buildRows(fx.series, ans, { nowS: fx.time_s, staleAfterS: 120, nodeLabel: 'node', stragglerFactor: 2 }).find(
      (x) => x.node === 'node-c',
    )!;
    expect(r.log_finding).toEqual({ class: 'io_error', count: 1, title: 'blk_update_request: I/O error' });
  });
});
