import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizePci } from '../../src/knowledge/xid/pci.js';
import { parseNvidiaSmiCsv } from '../../src/knowledge/xid/nvidia-smi.js';
import { parseXidLine } from '../../src/knowledge/xid/parse.js';
import { XidTracker } from '../../src/knowledge/xid/tracker.js';
import { xidToKernelEvent } from '../../src/sources/kmsg/xid-event.js';
import { parseKmsgRecord, splitKmsgRecords } from '../../src/knowledge/kernel-log/kmsg-record.js';
import { parseTextLog } from '../../src/sources/kmsg/textlog.js';

const FIX = join(import.meta.dirname, '../../fixtures/kmsg');
const LINES = readFileSync(join(FIX, 'xid-lines.txt'), 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('NVRM'));
const line = (needle: string) => {
  const l = LINES.find((x) => x.includes(needle));
  if (!l) throw new Error(`fixture line with ${needle} missing`);
  return l;
};

describe('normalizePci', () => {
  it('joins the Xid, NVRM and NVML spellings', () => {
    expect(normalizePci('PCI:0000:01:00')).toBe('0000:01:00');
    expect(normalizePci('0000:29:00.0')).toBe('0000:29:00');
    expect(normalizePci('00000000:3B:00.0')).toBe('0000:3b:00');
    expect(normalizePci('00000008:01:00.0')).toBe('0008:01:00');
    expect(normalizePci('3b:00.0')).toBe('0000:3b:00');
    expect(normalizePci('not:an:addr')).toBeNull();
  });
});

describe('parseXidLine: every published line form', () => {
  it('current driver with pid, name and a channel', () => {
    expect(parseXidLine(line('name=UnrealEditor'))).toMatchObject({
      xid: 31,
      pci: '0000:01:00',
      pid: 13705,
      process: 'UnrealEditor',
      channel: '0x0000000c',
      form: 'xid',
      message: expect.stringMatching(/^channel 0x0000000c, intr 00000000\. MMU Fault: ENGINE GRAPHICS GPC2/),
    });
  });

  it('no pid and no name at all', () => {
    const x = parseXidLine(line('(PCI:0000:2b:00): 79'))!;
    expect(x).toMatchObject({ xid: 79, pci: '0000:2b:00', message: 'GPU has fallen off the bus.' });
    expect(x.pid).toBeUndefined();
    expect(x.process).toBeUndefined();
  });

  it("pid='<unknown>', name=<unknown>", () => {
    expect(parseXidLine(line('(PCI:0000:cb:00): 13'))).toMatchObject({
      xid: 13,
      pid: null,
      process: null,
      message: 'Graphics SM Warp Exception on (GPC 7, TPC 7, SM 0): Illegal Instruction Parameter',
    });
    expect(parseXidLine(line('): 94,'))).toMatchObject({
      xid: 94,
      pci: '0000:00:08',
      pid: null,
      process: null,
      message: 'Contained: SM (0x1). RST: No, D-RST: No',
    });
    expect(parseXidLine(line('(PCI:0000:05:00): 79'))).toMatchObject({ xid: 79, pid: null, process: null });
  });

  it('Ch channel ids', () => {
    expect(parseXidLine(line('): 43,'))).toMatchObject({
      xid: 43,
      pid: 1045242,
      process: 'pt_main_thread',
      channel: '00000008',
      message: 'Ch 00000008',
    });
    expect(parseXidLine(line('python3.10'))).toMatchObject({ xid: 31, process: 'python3.10', channel: '00000008' });
    expect(parseXidLine(line('): 109,'))).toMatchObject({
      xid: 109,
      pci: '0000:cb:00',
      process: 'pt_main_thread',
      message: 'Ch 00000008, errorString CTX SWITCH TIMEOUT, Info 0x58005',
    });
  });

  it('older drivers: pid without name, and neither', () => {
    const a = parseXidLine(line('pid=11461'))!;
    expect(a).toMatchObject({ xid: 31, pid: 11461, channel: '00000053' });
    expect(a.process).toBeUndefined();
    expect(parseXidLine(line('Graphics Exception: ChID'))).toMatchObject({
      xid: 13,
      channel: '0052',
      message: 'Graphics Exception: ChID 0052, Class 00000000, Offset 00001b0c, Data 1000f010',
    });
    expect(parseXidLine(line('): 32,'))).toMatchObject({ xid: 32, channel: '00000052' });
    expect(parseXidLine(line('pid=1896'))).toMatchObject({
      xid: 63,
      pci: '0000:10:1c',
      pid: 1896,
      message: 'Row Remapper: New row marked for remapping, reset gpu to activate.',
    });
  });

  it('GSP timeout', () => {
    expect(parseXidLine(line('): 119,'))).toMatchObject({
      xid: 119,
      pci: '0000:9b:00',
      pid: 1240590,
      process: 'gpud',
      message: expect.stringMatching(/^Timeout after 6s/),
    });
  });

  it('Xid 154: the recovery action', () => {
    expect(parseXidLine(line('): 154,'))).toMatchObject({
      xid: 154,
      pci: '0009:01:00',
      recovery: { from: 0, from_name: 'None', to: 4, to_name: 'Drain and Reset' },
    });
  });

  it('NVLink5: units, severities, link -1, slash in unit, :: in name, extra spaces', () => {
    expect(parseXidLine(line('NETIR_LINK_EVT'))!.nvlink).toMatchObject({
      unit: 'NETIR_LINK_EVT',
      fatal: true,
      xc: 0,
      instance: 0,
      link: 1,
      intrinfo: 0x021425c6,
      error_status: 0,
      subunit: (0x021425c6 >>> 20) & 0x3f,
    });
    const rlw = parseXidLine(line('ray::WorkerDict'))!;
    expect(rlw).toMatchObject({ xid: 145, pci: '0018:01:00', pid: 876767, process: 'ray::WorkerDict' });
    expect(rlw.nvlink).toMatchObject({ unit: 'RLW_RXPIPE', fatal: false, link: 13, error_status: 8 });
    expect(parseXidLine(line('Link -1'))!.nvlink).toMatchObject({ unit: 'NETIR', fatal: true, link: -1 });
    expect(parseXidLine(line('TLW_RX/'))!.nvlink).toMatchObject({ unit: 'TLW_RX/TLW_RX_PIPE0', fatal: true, link: 0 });
  });

  it('pre-2016 lines without PCI:', () => {
    expect(parseXidLine(line('(0000:03:00): 14'))).toMatchObject({ xid: 14, pci: '0000:03:00', message: 'Channel 00000001' });
    expect(parseXidLine(line('(0000:01:00): 3,'))).toMatchObject({ xid: 3, pci: '0000:01:00' });
  });

  it('MIG attribution (built from the driver format string: no published sample)', () => {
    expect(parseXidLine('NVRM: Xid (PCI:0000:3b:00 GPU-I:01 GPU-CI:00): 31, pid=4242, name=python, Ch 00000010')).toMatchObject({
      xid: 31,
      pci: '0000:3b:00',
      gpu_instance: 1,
      compute_instance: 0,
      pid: 4242,
    });
    const gi = parseXidLine('NVRM: Xid (PCI:0000:3b:00 GPU-I:07): 43, pid=1, name=a, Ch 00000001')!;
    expect(gi).toMatchObject({ gpu_instance: 7 });
    expect(gi.compute_instance).toBeUndefined();
  });

  it('"caused by previous Xid N"', () => {
    expect(
      parseXidLine('NVRM: Xid (PCI:0000:01:00): 45, pid=9, name=train, Ch 00000001 caused by previous Xid 48.'),
    ).toMatchObject({ xid: 45, caused_by: 48 });
  });

  it('bus loss without an Xid line, one line', () => {
    expect(parseXidLine(line('NVRM: GPU 0000:29:00.0'))).toMatchObject({ xid: 79, pci: '0000:29:00', form: 'fallen-off' });
  });

  it('not an Xid', () => {
    expect(parseXidLine(line('GPU at PCI'))).toBeNull();
    expect(parseXidLine('NVRM: loading NVIDIA UNIX Open Kernel Module')).toBeNull();
  });
});

describe('XidTracker', () => {
  it('learns PCI -> UUID from "GPU at PCI" and attaches it', () => {
    const t = new XidTracker();
    let seq = 0;
    const feed = (text: string) => t.process({ seq: seq++, ts_us: seq * 1000, text });
    expect(feed(line('GPU at PCI'))).toEqual([]);
    expect(feed(line('Board Serial'))).toEqual([]);
    expect(feed(line('Rate limiting'))).toEqual([]);
    const [ev] = feed(line('): 119,'));
    expect(ev.gpu).toEqual({ pci: '0000:9b:00', uuid: 'GPU-509665ad-b600-ac93-3616-d754b23d636d' });
    expect(t.gpus.get('0000:9b:00')).toMatchObject({ serial: '1650124014249', rate_limit_every: 30 });
    expect(ev).toMatchObject({ xid: 119, class: 'gsp', severity: 'critical', action_code: 'reset_gpu', seq: 3 });
  });

  it('joins nvidia-smi index and name by normalized bus id', () => {
    // Layout of `nvidia-smi --query-gpu=index,pci.bus_id,name,uuid --format=csv,noheader` (no GPU on this machine to capture one).
    const gpus = parseNvidiaSmiCsv(
      '0, 00000000:01:00.0, NVIDIA H100 80GB HBM3, GPU-11111111-2222-3333-4444-555555555555\n1, 00000000:2B:00.0, NVIDIA A100-SXM4-80GB, GPU-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\n',
    );
    expect(gpus[1]).toEqual({
      pci: '0000:2b:00',
      index: 1,
      name: 'NVIDIA A100-SXM4-80GB',
      uuid: 'GPU-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    });
    const [ev] = new XidTracker(gpus).process({ seq: 1, ts_us: 1, text: line('(PCI:0000:2b:00): 79') });
    expect(ev.gpu).toEqual({
      pci: '0000:2b:00',
      index: 1,
      name: 'NVIDIA A100-SXM4-80GB',
      uuid: 'GPU-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    });
  });

  it('the three-line bus loss in one kmsg record (joined by \\x0a) is Xid 79', () => {
    const rec = parseKmsgRecord(readFileSync(join(FIX, 'bus-loss-multiline.kmsg'), 'utf8'))!;
    expect(rec.text.split('\n')).toHaveLength(3);
    const evs = new XidTracker().process(rec);
    expect(evs).toHaveLength(1);
    expect(evs[0]).toMatchObject({
      xid: 79,
      gpu: { pci: '0000:b3:00' },
      form: 'fallen-off',
      severity: 'critical',
      action_code: 'reboot_node',
      seq: 1201,
    });
  });

  it('the three-line bus loss split over dmesg text lines is Xid 79 too', () => {
    const text = [
      '[   88.123456] NVRM: The NVIDIA GPU 0000:b3:00.0',
      '[   88.123456] NVRM: (PCI ID: 10de:26b5) installed in this system has',
      '[   88.123456] NVRM: fallen off the bus and is not responding to commands.',
    ].join('\n');
    const t = new XidTracker();
    const evs = parseTextLog(text).flatMap((r) => t.process(r));
    expect(evs.map((e) => [e.xid, e.gpu.pci])).toEqual([[79, '0000:b3:00']]);
  });

  it('one bus loss printed both ways counts once; repeats of one form count', () => {
    const t = new XidTracker();
    const a = t.process({ seq: 1, ts_us: 1_000_000, text: 'NVRM: GPU 0000:29:00.0: GPU has fallen off the bus.' });
    const b = t.process({
      seq: 2,
      ts_us: 1_000_050,
      text: 'NVRM: Xid (PCI:0000:29:00): 79, pid=1, name=x, GPU has fallen off the bus.',
    });
    const c = t.process({ seq: 3, ts_us: 1_000_090, text: 'NVRM: GPU 0000:29:00.0: GPU has fallen off the bus.' });
    expect([a.length, b.length, c.length]).toEqual([1, 0, 1]);
  });

  it('Xid 154 takes its severity and action from the new recovery action', () => {
    const [ev] = new XidTracker().process({ seq: 1, ts_us: 1, text: line('): 154,') });
    expect(ev).toMatchObject({
      severity: 'critical',
      action_code: 'drain_reset',
      action: expect.stringMatching(/Drain and Reset/),
    });
    const [none] = new XidTracker().process({
      seq: 1,
      ts_us: 1,
      text: 'NVRM: Xid (PCI:0009:01:00): 154, GPU recovery action changed from 0x4 (Drain and Reset) to 0x0 (None)',
    });
    expect(none).toMatchObject({ severity: 'info', action_code: 'none' });
  });

  it('NVLink5 fatal needs a reset, non-fatal is watched', () => {
    const t = new XidTracker();
    expect(t.process({ seq: 1, ts_us: 1, text: line('NETIR_LINK_EVT') })[0]).toMatchObject({
      xid: 149,
      severity: 'critical',
      action_code: 'reset_gpu',
      class: 'nvlink',
    });
    expect(t.process({ seq: 2, ts_us: 2, text: line('ray::WorkerDict') })[0]).toMatchObject({
      xid: 145,
      severity: 'info',
      action_code: 'watch',
    });
  });

  it('a sympathetic Xid points at its cause', () => {
    const [ev] = new XidTracker().process({
      seq: 1,
      ts_us: 1,
      text: 'NVRM: Xid (PCI:0000:01:00): 45, pid=9, name=train, Ch 00000001 caused by previous Xid 48',
    });
    expect(ev).toMatchObject({ caused_by: 48, action_code: 'follow_root_cause', action: 'follow Xid 48, which caused it' });
  });

  it('reads Xids out of the GPU host records and ignores other NVRM lines', () => {
    const t = new XidTracker();
    const evs = splitKmsgRecords(readFileSync(join(FIX, 'gpu-host.kmsg'), 'utf8')).flatMap((r) => t.process(parseKmsgRecord(r)!));
    expect(evs).toEqual([]);
  });

  it('every fixture line that is an Xid yields exactly one event', () => {
    const t = new XidTracker();
    let n = 0;
    for (const [i, l] of LINES.entries()) n += t.process({ seq: i, ts_us: i * 100_000_000, text: l }).length;
    expect(n).toBe(LINES.filter((l) => l.includes('NVRM: Xid') || l.includes('fallen off the bus')).length);
  });

  it('becomes a store KernelEvent of source and subsystem "xid"', () => {
    const [ev] = new XidTracker().process({ seq: 7, ts_us: 5, text: line('name=UnrealEditor'), arrival_ms: 1_700_000_000_000 });
    const k = xidToKernelEvent(ev);
    expect(k).toMatchObject({
      type: 'kernel.event',
      source: 'xid',
      subsystem: 'xid',
      severity: 'warning',
      ts_ms: 1_700_000_000_000,
      pid: 13705,
      comm: 'UnrealEditor',
      xid: { xid: 31, gpu: { pci: '0000:01:00' }, class: 'application', seq: 7 },
    });
    // The payload is the tracker's own object: one shape for `kerntop xid --json` and the store.
    expect(k.xid).toBe(ev);
  });
});
