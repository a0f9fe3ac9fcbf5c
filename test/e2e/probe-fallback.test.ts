// A strategy that fails at attach time on this kernel (kfunc, kprobe: neither works on 6.18 here) is
// blamed from bpftrace's own error: its family moves to the next strategy or shows FAILED with that
// reason, and the other families keep running.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, type KerntopEvent, type ProbeStatusEvent } from '../../src/events.js';
import { readDropReasons } from '../../src/knowledge/drop-reasons.js';
import { checkHost, type ProbeDecision } from '../../src/sources/bpftrace/capability.js';
import { catalogEntry } from '../../src/sources/bpftrace/catalog.js';
import { blockDeviceNamer } from '../../src/sources/bpftrace/devices.js';
import { BpftraceSource } from '../../src/sources/bpftrace/runner.js';
import { isRoot, sleep } from './lib/workloads.js';

let source: BpftraceSource | null = null;
afterEach(async () => {
  await source?.stop();
  source = null;
});

async function run(decisions: ProbeDecision[], until: (evs: KerntopEvent[]) => boolean): Promise<KerntopEvent[]> {
  const host = await checkHost();
  const events: KerntopEvent[] = [];
  source = new BpftraceSource({
    bpftrace: host.bpftrace!.path,
    decisions,
    thresholds: DEFAULT_THRESHOLDS,
    ctx: { thresholds: DEFAULT_THRESHOLDS, dropReasons: readDropReasons(host.tracefs), deviceName: blockDeviceNamer() },
  });
  await source.start((e) => events.push(e));
  for (let i = 0; i < 300 && !until(events); i++) await sleep(100);
  return events;
}

const statuses = (evs: KerntopEvent[], family: string) =>
  evs.filter((e): e is ProbeStatusEvent => e.type === 'probe.status' && e.family === family);
const attached = (evs: KerntopEvent[], family: string) => statuses(evs, family).some((s) => s.state === 'ATTACHED');
const sched = catalogEntry('sched').strategies[0];
const [vfsKfunc, vfsKprobe, vfsSyscall] = catalogEntry('vfs').strategies;

describe.skipIf(!isRoot())('runtime fallback between strategies (root)', () => {
  it('a kprobe strategy that cannot attach falls back to syscall tracepoints; sched keeps running', async () => {
    const evs = await run(
      [
        { family: 'sched', attach: true, method: 'tracepoint', strategy: sched, reason: '', fallbacks: [] },
        { family: 'vfs', attach: true, method: 'kprobe', strategy: vfsKprobe, reason: '', fallbacks: [vfsSyscall] },
      ],
      (e) => attached(e, 'vfs') && attached(e, 'sched'),
    );
    const diag = evs.find((e) => e.type === 'source.diag' && e.source === 'vfs');
    expect(diag && 'message' in diag ? diag.message : '').toMatch(
      /kprobe \(vfs.kprobe.bt\) failed .*; trying tracepoint \(vfs.syscall.bt\)/,
    );
    expect(statuses(evs, 'vfs').at(-1)).toMatchObject({ state: 'ATTACHED', method: 'tracepoint' });
    expect(statuses(evs, 'sched').at(-1)).toMatchObject({ state: 'ATTACHED' });
    // And the survivors measure: a tick arrives for sched.
    for (let i = 0; i < 30 && !evs.some((e) => e.type === 'probe.tick' && e.family === 'sched'); i++) await sleep(100);
    expect(evs.some((e) => e.type === 'probe.tick' && e.family === 'sched')).toBe(true);
  });

  it("a kfunc strategy with nothing to fall back on is FAILED with bpftrace's reason; the rest attach", async () => {
    const evs = await run(
      [
        { family: 'sched', attach: true, method: 'tracepoint', strategy: sched, reason: '', fallbacks: [] },
        { family: 'vfs', attach: true, method: 'kfunc', strategy: vfsKfunc, reason: '', fallbacks: [] },
      ],
      (e) => attached(e, 'sched') && statuses(e, 'vfs').some((s) => s.state === 'FAILED'),
    );
    const failed = statuses(evs, 'vfs').find((s) => s.state === 'FAILED');
    expect(failed?.reason).toMatch(/kfunc\/kretfunc not available/);
    expect(attached(evs, 'sched')).toBe(true);
    expect(attached(evs, 'vfs')).toBe(false);
  });
});
