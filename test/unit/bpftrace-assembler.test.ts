import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, type KernelEvent, type KerntopEvent, type ProbeTickEvent } from '../../src/events.js';
import { parseDropReasons } from '../../src/knowledge/drop-reasons.js';
import { OutputAssembler } from '../../src/sources/bpftrace/assembler.js';
import { familyOfMap, vfsOp } from '../../src/sources/bpftrace/decoders.js';

const capture = readFileSync(new URL('../../fixtures/bpftrace/all-families-0.17.jsonl', import.meta.url), 'utf8').split('\n');
const format = readFileSync(new URL('../../fixtures/bpftrace/kfree_skb.format', import.meta.url), 'utf8');

function run(lines: string[]) {
  let t = 1_000_000;
  const a = new OutputAssembler(['sched', 'vfs', 'tcp_retrans', 'drops', 'faults', 'oom'], { thresholds: DEFAULT_THRESHOLDS, dropReasons: parseDropReasons(format), deviceName: () => undefined }, () => (t += 100));
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

describe('OutputAssembler on real bpftrace output', () => {
  const { events, malformed, ready } = run(capture);
  const ticks = events.filter((e): e is ProbeTickEvent => e.type === 'probe.tick');

  it('signals READY and makes one tick per family per TICK marker', () => {
    expect(ready).toBe(true);
    expect(malformed).toBe(0);
    const sched = ticks.filter((t) => t.family === 'sched');
    expect(sched.length).toBeGreaterThanOrEqual(2);
    expect(sched[0].count).toBe(1034);
    expect(sched[0].max_us).toBe(3894);
    expect(sched[0].hist_us?.reduce((a, b) => a + b.count, 0)).toBe(1034);
    expect(sched[0].by_comm?.debootstrap).toBe(17);
  });

  it('names drop reasons and vfs ops, sums per family', () => {
    const drops = ticks.find((t) => t.family === 'drops' && t.count > 0);
    expect(drops?.by_key).toEqual({ QUEUE_PURGE: 9 });
    const vfs = ticks.find((t) => t.family === 'vfs' && t.count > 0);
    expect(vfs?.by_key).toMatchObject({ read: 3477, write: 1412, pread64: 226 });
    const faults = ticks.find((t) => t.family === 'faults' && t.count > 0);
    expect(faults?.by_key).toEqual({ minor: 22925, major: 1 });
  });

  it('turns EV lines into events counted in ticks', () => {
    const sched = events.filter((e): e is KernelEvent => e.type === 'kernel.event' && e.subsystem === 'sched');
    expect(sched.length).toBeGreaterThan(10);
    expect(sched[0]).toMatchObject({ value_us: 1559, pid: 10860, comm: 'debootstrap', severity: 'warning', in_tick: true });
  });

  it('maps names to families by the longest prefix', () => {
    expect(familyOfMap('tcp_retrans_n')).toBe('tcp_retrans');
    expect(familyOfMap('sched_lat_us')).toBe('sched');
    expect(familyOfMap('nobody_n')).toBeNull();
    expect(vfsOp('tracepoint:syscalls:sys_exit_pwrite64')).toBe('pwrite64');
    expect(vfsOp('kretfunc:vfs_read')).toBe('read');
  });

  it('counts malformed lines and keeps going', () => {
    const r = run(['garbage', '{"type": "printf", "data": "READY\\n"}', '{"type": "printf", "data": "EV sched notanumber 1 x\\n"}', '{"type": "printf", "data": "TICK\\n"}']);
    expect(r.malformed).toBe(2);
    expect(r.events.filter((e) => e.type === 'probe.tick')).toHaveLength(6);
  });

  it('decodes an OOM kill and a retransmit as bpftrace prints them', () => {
    const r = run([
      '{"type": "printf", "data": "EV oom 23109 35328 5700 0 0 ktoom-fixture\\n"}',
      '{"type": "printf", "data": "EV tcp_retrans 1 40522 5001 10.251.7.1 10.251.7.2\\n"}',
    ]);
    expect(r.events[0]).toMatchObject({ subsystem: 'oom', severity: 'critical', pid: 23109, comm: 'ktoom-fixture', fields: { anon_rss_kb: 35328 } });
    expect(r.events[1]).toMatchObject({ subsystem: 'tcp_retrans', fields: { sport: 40522, dport: 5001, state: 'ESTABLISHED', daddr: '10.251.7.2' } });
  });
});
