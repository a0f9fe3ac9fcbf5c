import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CpuTopologyEvent, type KernelEvent, type ProbeTickEvent } from '../../src/events.js';
import { decide, type HostCapabilities } from '../../src/sources/bpftrace/capability.js';
import { catalogEntry } from '../../src/sources/bpftrace/catalog.js';
import { compose } from '../../src/sources/bpftrace/compose.js';
import { cpuFilterExpr } from '../../src/sources/bpftrace/cpus.js';
import { decoderFor } from '../../src/sources/bpftrace/decoders.js';
import { tracersUnmet } from '../../src/sources/bpftrace/tracers.js';
import { formatCpuList, parseCpuList } from '../../src/knowledge/cpulist.js';
import { cpusFrom } from '../../src/cli/cpus-option.js';
import { selectCpuRows } from '../../src/store/cpus-select.js';
import { selectCpuFindings } from '../../src/store/cpu-findings.js';
import { apply, createState, selectFindings, selectOverallStatus } from '../../src/store/index.js';
import { summaryJson, summaryText } from '../../src/report/summary.js';
import { bpftraceFixture, decodeNoiseCapture, thresholds, twoCpuTopology } from './noise-capture.js';

const capture = bpftraceFixture('noise-0.17.jsonl').split('\n');
const decodeCapture = () => decodeNoiseCapture('noise-0.17.jsonl', 'noise-0.17.bt', (r) => expect(r.malformed).toBeUndefined());
const topology = twoCpuTopology;

function stateWith(top: CpuTopologyEvent) {
  const s = createState(thresholds, 1_000_000);
  apply(s, top);
  for (const ev of decodeCapture()) apply(s, ev);
  return s;
}

describe('CPU lists (--cpus, sysfs)', () => {
  it('parses ranges and singles, and formats them back', () => {
    expect(parseCpuList('2-3,6')).toEqual([2, 3, 6]);
    expect(parseCpuList(' 0 ')).toEqual([0]);
    expect(formatCpuList([0, 1, 2, 3, 6, 8, 9])).toBe('0-3,6,8-9');
  });
  it('names what is wrong with a bad list', () => {
    expect(() => parseCpuList('', '--cpus')).toThrow(/--cpus is empty: give CPUs such as 2-3,6/);
    expect(() => parseCpuList('3-1', '--cpus')).toThrow(/range 3-1 runs backwards \(write 1-3\)/);
    expect(() => parseCpuList('a,2', '--cpus')).toThrow(/'a' is not a CPU number or range/);
  });
  it('refuses CPUs the host does not have, naming the ones it has', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kt-cpus-'));
    writeFileSync(join(dir, 'present'), '0-1\n');
    expect(() => cpusFrom('7', join(dir, 'present'))).toThrow(/this host has no CPU 7 \(its CPUs are 0-1/);
    expect(cpusFrom('1', join(dir, 'present'))).toEqual([1]);
    expect(cpusFrom(undefined, join(dir, 'present'))).toBeUndefined();
    rmSync(dir, { recursive: true });
  });
  it('becomes a bpftrace condition over $cpu', () => {
    expect(cpuFilterExpr(undefined)).toBe('1');
    expect(cpuFilterExpr([1])).toBe('$cpu == 1');
    expect(cpuFilterExpr([2, 3, 6])).toBe('(($cpu >= 2 && $cpu <= 3) || $cpu == 6)');
  });
});

describe('noise family in the catalog', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'kt-tracefs-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const tracefs = (tracers: string, current: string, tps: string[]) => {
    const d = mkdtempSync(join(tmp, 't-'));
    writeFileSync(join(d, 'available_tracers'), tracers);
    writeFileSync(join(d, 'current_tracer'), current);
    for (const tp of tps) mkdirSync(join(d, 'events', ...tp.split(':')), { recursive: true });
    return d;
  };
  const host = (tf: string): HostCapabilities => ({
    bpftrace: { path: '/usr/bin/bpftrace', version: 'v0.17.0' },
    root: true,
    bpfCapable: true,
    btf: true,
    tracefs: tf,
    kprobes: false,
    kfunc: false,
    problems: [],
    notes: [],
  });
  const allTps = catalogEntry('noise').strategies.flatMap((s) => s.requires.tracepoints ?? []);

  it('prefers osnoise; without the tracer it says why and takes the tracepoints', () => {
    const tf = tracefs(
      'blk function nop',
      'nop',
      allTps.filter((t) => !t.startsWith('osnoise:')),
    );
    const d = decide(host(tf), { added: new Set(['noise']) }).find((x) => x.family === 'noise')!;
    expect(d.attach).toBe(true);
    expect(d.method).toBe('tracepoint');
    expect(d.strategy!.script).toContain('noise.vectors.bt');
    expect(d.reason).toMatch(/osnoise: tracer osnoise not in available_tracers/);
  });
  it('is opt-in: not run unless named, with the reason', () => {
    const tf = tracefs('nop', 'nop', allTps);
    const d = decide(host(tf), {}).find((x) => x.family === 'noise')!;
    expect(d.attach).toBe(false);
    expect(d.reason).toMatch(/enable with --probes \+noise/);
  });
  it('falls back to the core tracepoints where ipi, workqueue and x86 vectors are missing', () => {
    const tf = tracefs(
      'nop',
      'nop',
      allTps.filter((t) => /^(irq|sched):/.test(t)),
    );
    const d = decide(host(tf), { requested: new Set(['noise']) }).find((x) => x.family === 'noise')!;
    expect(d.strategy!.script).toBe('noise.irq.bt+noise.wake.bt+noise.occupancy.bt');
  });
  it('uses osnoise only while the tracer runs', () => {
    const idle = tracefs('osnoise timerlat nop', 'nop', []);
    expect(tracersUnmet(['osnoise'], idle)).toMatch(/available but not running \(start it with rtla osnoise/);
    const running = tracefs('osnoise timerlat nop', 'osnoise', []);
    expect(tracersUnmet(['osnoise'], running)).toBeNull();
  });
  it('composes the parts into one program with one merged tick and the CPU filter filled in', () => {
    const strategy = catalogEntry('noise').strategies[1];
    const { program } = compose([{ family: 'noise', strategy }], { thresholds, events_per_s: 50, kerntop_pid: 1, cpus: [1] });
    expect(program).not.toMatch(/\{\{/);
    expect(program).toContain('if ($cpu == 1)');
    expect(program.match(/interval:s:1/g)).toHaveLength(1);
    expect(program).toContain('print(@noise_wq_n)');
    expect(program).toContain('(uint64)100 * 1000');
  });
});

describe('noise decoder and per-CPU store on real bpftrace output', () => {
  const events = decodeCapture();
  const ticks = events.filter((e): e is ProbeTickEvent => e.type === 'probe.tick');
  const evs = events.filter((e): e is KernelEvent => e.type === 'kernel.event');

  it('makes one tick per interval with a CpuTick per CPU', () => {
    expect(ticks.length).toBe(capture.filter((l) => l.includes('"TICK\\n"')).length);
    expect(ticks.every((t) => t.family === 'noise' && t.by_cpu && '0' in t.by_cpu && '1' in t.by_cpu)).toBe(true);
  });
  it('reads IRQ names, softirq vectors and x86 vectors', () => {
    const s = stateWith(topology());
    const [, cpu1] = selectCpuRows(s.cpus, { window: 'run', top: 50 });
    const irq = cpu1.top.find((x) => x.kind === 'irq' && x.id === '36');
    expect(irq?.name).toBe('virtio1-req.0');
    expect(irq!.count).toBeGreaterThan(1000);
    expect(cpu1.top.find((x) => x.kind === 'softirq' && x.name === 'NET_RX')).toBeTruthy();
    expect(cpu1.top.find((x) => x.kind === 'vector' && x.name === 'LOC')).toBeTruthy();
    expect(cpu1.work.length).toBeGreaterThan(0);
  });
  it('finds the SCHED_FIFO task as CPU 1 owner, with RT wakeups on CPU 1', () => {
    const s = stateWith(topology());
    const [cpu0, cpu1] = selectCpuRows(s.cpus);
    expect(cpu1.owner).toBe('cyclictest');
    expect(cpu1.rt_wakeups).toBeGreaterThan(2000); // 4 s at 1 ms
    expect(cpu0.rt_wakeups).toBeLessThan(cpu1.rt_wakeups / 20);
    expect(cpu1.rt_p99_us).not.toBeNull();
    const rtEvents = evs.filter((e) => e.title.startsWith('RT wakeup'));
    expect(rtEvents.length).toBeGreaterThan(0);
    expect(rtEvents.every((e) => e.cpu === 1 && e.comm === 'cyclictest')).toBe(true);
  });
  it('advises the fix for noise on an isolated CPU', () => {
    const s = stateWith(topology({ isolated: [1] }));
    const f = selectCpuFindings(s);
    const irq = f.find((x) => x.message.startsWith('IRQ 36 (virtio1-req.0) ran'));
    expect(irq?.message).toMatch(/times\/s on isolated CPU 1 .*: move it with \/proc\/irq\/36\/smp_affinity_list$/);
    expect(irq?.advice).toContain('echo 0 > /proc/irq/36/smp_affinity_list');
    expect(f.length).toBeLessThanOrEqual(9);
    expect(selectFindings(s)).toEqual(expect.arrayContaining([irq]));
    expect(selectOverallStatus(s)).not.toBe('OK');
  });
  it('names the tick and shared CPUs on a nohz_full CPU', () => {
    const s = stateWith(topology({ nohz_full: [1] }));
    const f = selectCpuFindings(s).map((x) => x.message);
    expect(
      f.some((m) => /tasks ran on nohz_full CPU 1 \(cyclictest, .*\): the tick is on while more than one is runnable/.test(m)),
    ).toBe(true);
  });
  it('gives no isolation advice on a host that isolates nothing', () => {
    const s = stateWith(topology());
    expect(selectCpuFindings(s).filter((x) => !x.message.startsWith('RT wakeup'))).toEqual([]);
  });
  it('puts a per-CPU section in the quiet summary, JSON and text', () => {
    const s = stateWith(topology({ isolated: [1] }));
    const j = summaryJson(s, { histograms: false }) as Record<string, unknown> & {
      cpus: { cpus: { cpu: number }[]; isolated: number[] };
    };
    expect(j.cpus.cpus.map((c) => c.cpu)).toEqual([1, 0]);
    expect(j.cpus.isolated).toEqual([1]);
    const text = summaryText(s, { histograms: false });
    expect(text).toMatch(/CPUS \(measured: all; isolated 1\)/);
    expect(text).toMatch(/^ {2}1\*/m);
  });
  it('marks a CPU offline from the topology, and lists only measured CPUs', () => {
    const s = stateWith(topology({ online: [0], measured: [0] }));
    const rows = selectCpuRows(s.cpus);
    expect(rows.map((r) => r.cpu)).toEqual([0]);
    const s2 = stateWith(topology({ online: [0] }));
    expect(selectCpuRows(s2.cpus).find((r) => r.cpu === 1)?.online).toBe(false);
  });
});

describe('CPU of sched and bio events', () => {
  const ctx = { thresholds, dropReasons: new Map<number, string>(), deviceName: () => 'vda' };
  it('reads the CPU of a run-queue latency event; a line without it does not fit the contract', () => {
    expect(decoderFor('sched')!.event!.decode(['1500', '42', '1', 'Web', 'Content'], ctx, 1)).toMatchObject({
      cpu: 1,
      comm: 'Web Content',
      pid: 42,
    });
    expect(decoderFor('sched')!.event!.decode(['1500', '42', 'Web', 'Content'], ctx, 1)).toBeNull();
  });
  it('reads the CPU of a slow block request', () => {
    expect(decoderFor('bio')!.event!.decode(['20000', '254', '0', '123', 'WS', '1'], ctx, 1)).toMatchObject({ cpu: 1 });
  });
});

describe('CPU of major faults', () => {
  it('names the CPUs of a second with too many major faults', () => {
    const ctx = {
      thresholds: { ...thresholds, major_faults_warn_per_s: 10 },
      dropReasons: new Map<number, string>(),
      deviceName: () => undefined,
    };
    const maps = new Map<string, number | Record<string, number>>([
      ['faults_n', 500],
      ['faults_major', 50],
      ['faults_major_cpu', { '1': 50 }],
    ]);
    const { events } = decoderFor('faults')!.tick(maps, ctx, 1, 1000);
    expect(events[0]).toMatchObject({ cpu: 1, fields: { major_by_cpu: '1:50' } });
  });
});

describe('header isolation text', () => {
  it('names isolated, nohz_full, partition and offline CPUs', async () => {
    const { isolationText } = await import('../../src/store/cpus-select.js');
    const s = createState(thresholds, 0);
    apply(
      s,
      topology({ present: [0, 1, 2, 3], online: [0, 1, 2], isolated: [2, 3], nohz_full: [2, 3], partitions: { '/rt': [3] } }),
    );
    expect(isolationText(s.cpus)).toBe('isolated 2-3, nohz_full 2-3, partition /rt 3, offline 3');
    expect(isolationText(createState(thresholds, 0).cpus)).toBe('');
  });
});

describe('cpus pane keys and visibility', () => {
  it('moves the chosen CPU with the arrows, starting from the first row shown', async () => {
    const { cpuMove } = await import('../../src/ui/panes/cpus-view.js');
    const rows = selectCpuRows(stateWith(topology({ isolated: [1] })).cpus);
    expect(rows.map((r) => r.cpu)).toEqual([1, 0]);
    expect(cpuMove(rows, null, 'down')).toBe(0);
    expect(cpuMove(rows, 0, 'down')).toBe(0);
    expect(cpuMove(rows, 0, 'up')).toBe(1);
    expect(cpuMove(rows, 0, 'home')).toBe(1);
  });
  it('leaves the per-CPU section out where the noise family did not run', () => {
    const s = createState(thresholds, 0);
    apply(s, topology());
    apply(s, { type: 'probe.status', ts_ms: 1, family: 'noise', state: 'SKIPPED', reason: 'not selected' });
    expect(summaryJson(s, { histograms: false }).cpus).toBeUndefined();
  });
});

describe('CPU topology from sysfs', () => {
  it('reads present, online, isolated and nohz_full lists, and isolated cpuset partitions', async () => {
    const { readTopology, isolatedPartitions } = await import('../../src/sources/cpus/topology.js');
    const d = mkdtempSync(join(tmpdir(), 'kt-topo-'));
    const cpu = join(d, 'cpu');
    mkdirSync(cpu);
    writeFileSync(join(cpu, 'present'), '0-3\n');
    writeFileSync(join(cpu, 'online'), '0-2\n');
    writeFileSync(join(cpu, 'isolated'), '2-3\n');
    writeFileSync(join(cpu, 'nohz_full'), '(null)\n');
    const cg = join(d, 'cg');
    mkdirSync(join(cg, 'rt.slice', 'app'), { recursive: true });
    writeFileSync(join(cg, 'cgroup.controllers'), 'cpuset\n');
    writeFileSync(join(cg, 'rt.slice', 'app', 'cpuset.cpus.partition'), 'isolated\n');
    writeFileSync(join(cg, 'rt.slice', 'app', 'cpuset.cpus.effective'), '3\n');
    writeFileSync(join(cg, 'rt.slice', 'cpuset.cpus.partition'), 'member\n');
    const t = readTopology([1, 3], 5, cpu, isolatedPartitions(cg));
    expect(t).toEqual({
      type: 'cpu.topology',
      ts_ms: 5,
      present: [0, 1, 2, 3],
      online: [0, 1, 2],
      isolated: [2, 3],
      nohz_full: [],
      partitions: { '/rt.slice/app': [3] },
      measured: [1, 3],
    });
    rmSync(d, { recursive: true });
  });
});
