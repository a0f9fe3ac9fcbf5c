import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, type KernelEvent, type KerntopEvent, type ProbeTickEvent } from '../../src/events.js';
import { parseDropReasons } from '../../src/knowledge/drop-reasons.js';
import { OutputAssembler } from '../../src/sources/bpftrace/assembler.js';
import { runningTotals, splitInterval } from '../../src/sources/bpftrace/compose.js';
import { familyOfMap, vfsOp } from '../../src/sources/bpftrace/decoders.js';
import { RunningTotals } from '../../src/sources/bpftrace/deltas.js';
import { parseLine } from '../../src/sources/bpftrace/parser.js';

const capture = readFileSync(new URL('../../fixtures/bpftrace/all-families-0.17.jsonl', import.meta.url), 'utf8').split('\n');
const format = readFileSync(new URL('../../fixtures/bpftrace/kfree_skb.format', import.meta.url), 'utf8');
// The program that printed the capture: its interval says which maps are running totals.
const program = readFileSync(new URL('../../fixtures/bpftrace/all-families-0.17.bt', import.meta.url), 'utf8');
const totals = runningTotals(splitInterval(program).tick);

function run(lines: string[]) {
  let t = 1_000_000;
  const a = new OutputAssembler(
    ['sched', 'bio', 'vfs', 'tcp_retrans', 'drops', 'faults', 'oom'],
    { thresholds: DEFAULT_THRESHOLDS, dropReasons: parseDropReasons(format), deviceName: () => undefined },
    () => (t += 100),
    totals,
  );
  const events: KerntopEvent[] = [];
  let malformed = 0;
  let ready = false;
  for (const l of lines) {
    const r = a.feed(l);
    events.push(...r.events);
    if (r.malformed) malformed++;
    ready ||= r.ready;
  }
  return { events, malformed, ready };
}

describe('drop reasons from the running kernel', () => {
  it('parses the __print_symbolic list of a real kfree_skb format file', () => {
    const m = parseDropReasons(format);
    expect(m.get(2)).toBe('NOT_SPECIFIED');
    expect(m.get(3)).toBe('NO_SOCKET');
    expect(m.get(12)).toBe('NETFILTER_DROP');
    expect(m.size).toBeGreaterThan(100);
  });
});

/** The values a map printed before each TICK of the capture, as bpftrace printed them (cumulative for running totals). */
function printedPerTick(name: string): (number | Record<string, number>)[] {
  const out: (number | Record<string, number>)[] = [];
  let cur: number | Record<string, number> = 0;
  for (const l of capture) {
    const p = parseLine(l);
    if (p.kind === 'tick') out.push(cur);
    else if (p.kind === 'hist' && p.name === name) cur = p.buckets.reduce((x, y) => x + y.count, 0);
    else if (p.kind === 'map' && p.name === name) cur = p.value;
  }
  return out;
}
const diffs = (xs: number[]) => xs.map((x, i) => x - (i ? xs[i - 1] : 0));

describe('OutputAssembler on real bpftrace output', () => {
  const { events, malformed, ready } = run(capture);
  const ticks = events.filter((e): e is ProbeTickEvent => e.type === 'probe.tick');
  const of = (family: string) => ticks.filter((t) => t.family === family);
  const tickCount = capture.filter((l) => parseLine(l).kind === 'tick').length;

  it('signals READY and makes one tick per family per TICK marker', () => {
    expect(ready).toBe(true);
    expect(malformed).toBe(0);
    expect(tickCount).toBeGreaterThanOrEqual(5);
    for (const f of ['sched', 'bio', 'vfs', 'drops', 'faults']) expect(of(f), f).toHaveLength(tickCount);
    expect(totals).toEqual(
      expect.arrayContaining([
        'sched_lat_us',
        'sched_own_n',
        'vfs_lat_us',
        'vfs_op',
        'vfs_comm',
        'bio_dev',
        'drops_reason',
        'drops_n',
        'faults_n',
        'tcp_retrans_n',
      ]),
    );
    expect(totals).not.toContain('vfs_max_us');
    expect(totals).not.toContain('sched_comm');
  });

  it('reports running totals as per-second differences that add up to what bpftrace counted', () => {
    // Each tick is the difference of two cumulative prints, so the ticks sum to the last print exactly.
    expect(of('sched').map((t) => t.count)).toEqual(diffs(printedPerTick('sched_lat_us') as number[]));
    expect(of('sched').map((t) => (t.hist_us ?? []).reduce((a, b) => a + b.count, 0))).toEqual(
      diffs(printedPerTick('sched_lat_us') as number[]),
    );
    expect(of('vfs').map((t) => (t.hist_us ?? []).reduce((a, b) => a + b.count, 0))).toEqual(
      diffs(printedPerTick('vfs_lat_us') as number[]),
    );
    expect(of('faults').map((t) => t.count)).toEqual(diffs(printedPerTick('faults_n') as number[]));
    const reads = printedPerTick('vfs_op').map((v) => (v as Record<string, number>)['tracepoint:syscalls:sys_exit_read'] ?? 0);
    expect(of('vfs').map((t) => t.by_key?.read ?? 0)).toEqual(diffs(reads));
    const last = (name: string) => printedPerTick(name).at(-1) as Record<string, number>;
    expect(of('vfs').reduce((a, t) => a + t.count, 0)).toBe(Object.values(last('vfs_op')).reduce((a, b) => a + b, 0));
    expect(of('bio').reduce((a, t) => a + t.count, 0)).toBe(Object.values(last('bio_dev')).reduce((a, b) => a + b, 0));
    for (const t of ticks)
      for (const n of [t.count, ...Object.values(t.by_key ?? {}), ...(t.hist_us ?? []).map((b) => b.count)])
        expect(n).toBeGreaterThanOrEqual(0);
  });

  it('counts a key that appears part-way in full once, and a quiet key not again', () => {
    // dd wrote 4000 records (plus its loader's reads) in the first second; ktcapdd copied them in a later one.
    const dd = of('vfs').map((t) => t.by_comm?.dd ?? 0);
    expect(dd[0]).toBe(4005);
    expect(dd.slice(1).every((n) => n === 0)).toBe(true);
    const copy = of('vfs').map((t) => t.by_comm?.ktcapdd ?? 0);
    expect(copy[0]).toBe(0);
    expect(copy.filter((n) => n > 0)).toEqual([8006]);
    // 20 datagrams to a closed UDP port: NO_SOCKET once, in the second they were dropped.
    const drops = of('drops').filter((t) => t.count > 0);
    expect(drops.map((t) => t.by_key)).toEqual([{ NO_SOCKET: 20 }]);
    expect(drops[0].count).toBe(20);
  });

  it('per-second maps (max, top lists) pass through as printed', () => {
    const sched = of('sched')[0];
    expect(sched.max_us).toBe(98683);
    expect(sched.by_comm).toEqual({ tmux: 7, 'kworker/u8:0': 8, esbuild: 44, 'qemu-system-x86': 118, node: 694 });
    expect(of('faults')[0].by_comm?.['tmux: client']).toBe(348);
  });

  it('starts over with a restarted child: the second run of the same output reads the same, never negative', () => {
    const once = run(capture).events.filter((e) => e.type === 'probe.tick');
    const twice = run([...capture, ...capture]).events.filter((e) => e.type === 'probe.tick');
    const strip = (e: KerntopEvent) => ({ ...e, ts_ms: 0, interval_ms: 0 });
    expect(twice.slice(once.length).map(strip)).toEqual(once.map(strip));
  });

  it('turns EV lines into events counted in ticks', () => {
    const sched = events.filter((e): e is KernelEvent => e.type === 'kernel.event' && e.subsystem === 'sched');
    expect(sched.length).toBeGreaterThan(10);
    expect(sched[0]).toMatchObject({ value_us: 7366, pid: 8621, comm: 'node', severity: 'warning', in_tick: true });
    const vfs = events.filter((e): e is KernelEvent => e.type === 'kernel.event' && e.subsystem === 'vfs');
    expect(vfs.find((e) => e.pid === 9476)).toMatchObject({ comm: 'npm exec vitest', value_us: 6143, fields: { op: 'write' } });
  });

  it('maps names to families by the longest prefix', () => {
    expect(familyOfMap('tcp_retrans_n')).toBe('tcp_retrans');
    expect(familyOfMap('sched_lat_us')).toBe('sched');
    expect(familyOfMap('nobody_n')).toBeNull();
    expect(vfsOp('tracepoint:syscalls:sys_exit_pwrite64')).toBe('pwrite64');
    expect(vfsOp('kretfunc:vfs_read')).toBe('read');
  });

  it('counts malformed lines and keeps going', () => {
    const r = run([
      'garbage',
      '{"type": "printf", "data": "READY\\n"}',
      '{"type": "printf", "data": "EV sched notanumber 1 x\\n"}',
      '{"type": "printf", "data": "TICK\\n"}',
    ]);
    expect(r.malformed).toBe(2);
    expect(r.events.filter((e) => e.type === 'probe.tick')).toHaveLength(7);
  });

  it('decodes an OOM kill and a retransmit as bpftrace prints them', () => {
    const r = run([
      '{"type": "printf", "data": "EV oom 23109 35328 5700 0 0 ktoom-fixture\\n"}',
      '{"type": "printf", "data": "EV tcp_retrans 1 40522 5001 10.251.7.1 10.251.7.2\\n"}',
    ]);
    expect(r.events[0]).toMatchObject({
      subsystem: 'oom',
      severity: 'critical',
      pid: 23109,
      comm: 'ktoom-fixture',
      fields: { anon_rss_kb: 35328 },
    });
    expect(r.events[1]).toMatchObject({
      subsystem: 'tcp_retrans',
      fields: { sport: 40522, dport: 5001, state: 'ESTABLISHED', daddr: '10.251.7.2' },
    });
  });
});

describe('running totals', () => {
  it('differences scalars, keyed maps and histogram buckets; unchanged reads as not printed', () => {
    const r = new RunningTotals();
    expect(r.difference('n', 10)).toBe(10);
    expect(r.difference('n', 10)).toBeNull();
    expect(r.difference('n', 13)).toBe(3);
    expect(r.difference('k', { a: 2 })).toEqual({ a: 2 });
    expect(r.difference('k', { a: 2, b: 1 })).toEqual({ b: 1 });
    expect(r.difference('h', [{ min: 1, max: 1, count: 4 }])).toEqual([{ min: 1, max: 1, count: 4 }]);
    expect(
      r.difference('h', [
        { min: 1, max: 1, count: 5 },
        { min: 2, max: 3, count: 0 },
        { min: 4, max: 7, count: 2 },
      ]),
    ).toEqual([
      { min: 1, max: 1, count: 1 },
      { min: 4, max: 7, count: 2 },
    ]);
  });

  it('a map that went down or lost a key was recreated: counted from zero, never negative', () => {
    const r = new RunningTotals();
    r.difference('n', 10);
    expect(r.difference('n', 4)).toBe(4);
    r.difference('k', { a: 10, b: 5 });
    // b is gone: the map restarted, so a's 12 are all new.
    expect(r.difference('k', { a: 12 })).toEqual({ a: 12 });
    r.difference('h', [{ min: 1, max: 1, count: 9 }]);
    expect(r.difference('h', [{ min: 2, max: 3, count: 1 }])).toEqual([{ min: 2, max: 3, count: 1 }]);
    r.reset();
    expect(r.difference('n', 7)).toBe(7);
  });
});
