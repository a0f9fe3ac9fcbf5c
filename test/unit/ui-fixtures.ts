// Events for the UI tests. sessionEvents() is a small hand-built session for the pure unit tests
// (its kernel log texts are real lines: NVRM Xid reports, the lkdtm WARNING of a real boot log);
// kernelLogEvents() runs real captured kernel log text through kerntop's own parsers.
import { readFileSync } from 'node:fs';
import type { KerntopEvent, KmsgRecord, Log2Bucket, ProbeFamily } from '../../src/events.js';
import { XidTracker } from '../../src/knowledge/xid/tracker.js';
import { xidToKernelEvent } from '../../src/sources/kmsg/xid-event.js';
import { parseKmsgRecord } from '../../src/knowledge/kernel-log/kmsg-record.js';
import { DEFAULT_THRESHOLDS } from '../../src/events.js';

export const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);

function hist(center: number, n: number): Log2Bucket[] {
  // A bell over log2 slots around `center` (a slot index), like a bpftrace @usecs histogram.
  const out: Log2Bucket[] = [];
  for (let slot = Math.max(1, center - 4); slot <= center + 5; slot++) {
    const d = slot - center;
    const count = Math.round(n * Math.exp(-(d * d) / 3));
    if (count > 0) out.push({ min: 2 ** (slot - 1), max: 2 ** slot - 1, count });
  }
  return out;
}

export function sessionEvents(seconds = 30, t0 = T0): KerntopEvent[] {
  const evs: KerntopEvent[] = [
    {
      type: 'session.info',
      ts_ms: t0,
      host: 'gpu-node-07',
      kernel_release: '6.18.44-fc-v657-gpu',
      thresholds: DEFAULT_THRESHOLDS,
      replay: true,
    },
  ];
  const fams: [ProbeFamily, 'ATTACHED' | 'SKIPPED' | 'FAILED', string, string?][] = [
    ['sched', 'ATTACHED', 'tracepoint'],
    ['bio', 'ATTACHED', 'tracepoint'],
    ['vfs', 'ATTACHED', 'tracepoint'],
    ['oom', 'ATTACHED', 'tracepoint'],
    ['tcp_retrans', 'ATTACHED', 'tracepoint'],
    ['drops', 'FAILED', 'tracepoint', 'ERROR: Error attaching probe: tracepoint:skb:kfree_skb'],
    ['faults', 'SKIPPED', 'software', 'not selected'],
  ];
  for (const [family, state, method, reason] of fams)
    evs.push({ type: 'probe.status', ts_ms: t0 + 300, family, state, method, reason });
  for (let s = 1; s <= seconds; s++) {
    const ts = t0 + s * 1000;
    evs.push({
      type: 'probe.tick',
      ts_ms: ts,
      family: 'sched',
      interval_ms: 1000,
      count: 4200 + s,
      hist_us: hist(5 + (s % 3 === 0 ? 1 : 0), 900),
      max_us: 1800 + s * 10,
    });
    evs.push({ type: 'probe.tick', ts_ms: ts, family: 'bio', interval_ms: 1000, count: 120, hist_us: hist(9, 40), max_us: 9000 });
    evs.push({
      type: 'probe.tick',
      ts_ms: ts,
      family: 'vfs',
      interval_ms: 1000,
      count: 800,
      hist_us: hist(4, 200),
      max_us: 3000,
    });
    if (s % 5 === 0) {
      evs.push({
        type: 'kernel.event',
        ts_ms: ts + 10,
        source: 'sched',
        subsystem: 'sched',
        severity: 'warning',
        title: `runq latency ${2300 + s} us: stress-ng[${4000 + s}]`,
        pid: 4000 + s,
        comm: 'stress-ng',
        value_us: 2300 + s,
        in_tick: true,
      });
    }
    if (s % 7 === 0) {
      evs.push({
        type: 'kernel.event',
        ts_ms: ts + 20,
        source: 'tcp_retrans',
        subsystem: 'tcp_retrans',
        severity: 'info',
        title: `retransmit 10.0.0.7:443 -> 10.0.0.9:51234 state ESTABLISHED`,
      });
    }
    evs.push({
      type: 'kmsg.record',
      ts_ms: ts + 30,
      source: 'kmsg',
      record: {
        seq: 1000 + s,
        ts_us: 5_000_000 + s * 1_000_000,
        level: 6,
        facility: 0,
        flags: '-',
        text: `eth0: link stats tick ${s}`,
        arrival_ms: ts + 30,
      },
    });
  }
  const tx = t0 + Math.floor(seconds / 2) * 1000;
  // Xid events as the kmsg source makes them: the tracker reads the record, xidToKernelEvent wraps it.
  const xids = new XidTracker();
  const xidRecord = (record: KmsgRecord) => {
    evs.push({ type: 'kmsg.record', ts_ms: record.arrival_ms!, source: 'kmsg', record });
    for (const x of xids.process(record)) evs.push(xidToKernelEvent(x, record.arrival_ms));
  };
  xidRecord({
    seq: 2001,
    ts_us: 9_000_000,
    level: 3,
    facility: 0,
    flags: '-',
    text: 'NVRM: Xid (PCI:0000:2b:00): 79, GPU has fallen off the bus.',
    arrival_ms: tx,
  });
  xidRecord({
    seq: 2002,
    ts_us: 9_400_000,
    level: 4,
    facility: 0,
    flags: '-',
    text: 'NVRM: Xid (PCI:0000:01:00): 31, pid=13705, name=UnrealEditor, channel 0x0000000c, intr 00000000. MMU Fault: ENGINE GRAPHICS GPC2 GPCCLIENT_PROP_0 faulted @ 0x0_00000000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ',
    arrival_ms: tx + 400,
  });
  evs.push({
    type: 'kmsg.record',
    ts_ms: tx + 800,
    source: 'kmsg',
    record: {
      seq: 2003,
      ts_us: 9_800_000,
      level: 4,
      facility: 0,
      flags: '-',
      text: 'WARNING: CPU: 0 PID: 45 at drivers/misc/lkdtm/bugs.c:85 lkdtm_WARNING+0x8/0xb',
      arrival_ms: tx + 800,
    },
  });
  evs.push({
    type: 'kernel.event',
    ts_ms: tx + 800,
    source: 'log',
    subsystem: 'warn',
    severity: 'warning',
    title: 'WARNING at drivers/misc/lkdtm/bugs.c:85 lkdtm_WARNING',
    pid: 45,
  });
  evs.push({
    type: 'kernel.event',
    ts_ms: tx + 900,
    source: 'oom',
    subsystem: 'oom',
    severity: 'critical',
    title: 'OOM kill: python3[8812] in /kubepods/pod42 (rss 3.9 GiB)',
    pid: 8812,
    comm: 'python3',
  });
  evs.push({ type: 'kmsg.lost', ts_ms: tx + 950, lost: 12 });
  evs.push({
    type: 'source.diag',
    ts_ms: tx + 960,
    source: 'drops',
    level: 'warning',
    message: 'bpftrace exited with status 255; retrying in 2 s',
  });
  return evs.sort((a, b) => a.ts_ms - b.ts_ms);
}

export function toRecording(evs: KerntopEvent[]): string {
  const session = evs.find((e) => e.type === 'session.info');
  const header = {
    kerntop_recording: 1,
    host: session && session.type === 'session.info' ? session.host : 'test',
    kernel_release: session && session.type === 'session.info' ? session.kernel_release : 'test',
    start_ms: evs[0]?.ts_ms ?? 0,
    thresholds: DEFAULT_THRESHOLDS,
  };
  return (
    [JSON.stringify(header), ...evs.filter((e) => e.type !== 'session.info').map((e) => JSON.stringify(e))].join('\n') + '\n'
  );
}

/**
 * Kernel log traffic through kerntop's own parsers, from real captured text: the last records of
 * fixtures/kmsg/this-host.kmsg (raw /dev/kmsg of the development VM) and every NVRM line of
 * fixtures/kmsg/xid-lines.txt (published Xid reports) as error records, turned into Xid events by the
 * Xid tracker. Records arrive one per 100 ms from t0.
 */
export function kernelLogEvents(t0: number, hostRecords = 60): KerntopEvent[] {
  const out: KerntopEvent[] = [];
  const raw = readFileSync('fixtures/kmsg/this-host.kmsg', 'utf8')
    .split('\n')
    .filter((l) => /^\d+,\d+,\d+,/.test(l));
  const records = raw
    .map((l) => parseKmsgRecord(l))
    .filter((r): r is NonNullable<typeof r> => r !== null)
    .slice(-hostRecords);
  let t = t0;
  let seq = 1_000_000;
  for (const r of records) {
    t += 100;
    out.push({
      type: 'kmsg.record',
      ts_ms: t,
      source: 'kmsg',
      record: { seq: r.seq, ts_us: r.ts_us, level: r.level, facility: r.facility, flags: r.flags, text: r.text, arrival_ms: t },
    });
  }
  const tracker = new XidTracker();
  const nvrm = readFileSync('fixtures/kmsg/xid-lines.txt', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('NVRM:'));
  for (const text of nvrm) {
    t += 100;
    const rec = { seq: seq++, ts_us: (t - t0) * 1000, level: 3, facility: 0, flags: '-', text, arrival_ms: t };
    out.push({ type: 'kmsg.record', ts_ms: t, source: 'kmsg', record: rec });
    for (const x of tracker.process(rec)) out.push(xidToKernelEvent(x, t));
  }
  return out;
}
