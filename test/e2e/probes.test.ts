// Real kernel, real bpftrace: each test makes its own workload and checks the events kerntop prints.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { KernelEvent, ProbeStatusEvent, ProbeTickEvent } from '../../src/events.js';
import { startKerntop, type Running } from './lib/kerntop.js';
import { busyLoops, directIo, isRoot, lossyLink, oomKill, sleep, tcpTransfer, touchMemory, withLoopDevice } from './lib/workloads.js';

const root = isRoot();
let running: Running | null = null;

afterEach(async () => {
  if (running && running.child.exitCode === null) {
    running.child.kill('SIGTERM');
    await running.exited;
  }
  running = null;
});

/** kerntop --events with ticks, waiting until the families are attached. */
async function events(probes: string, extra: string[] = []): Promise<Running> {
  running = startKerntop(['--events', '--ticks', '--no-kmsg', '--probes', probes, ...extra]);
  const fams = probes.split(',');
  for (const f of fams) await running.waitFor<ProbeStatusEvent>((l) => l.type === 'probe.status' && l.family === f && l.state === 'ATTACHED', 30_000);
  // The first interval starts at READY; let one pass so the maps are live.
  await sleep(300);
  return running;
}

const ticks = (r: Running, family: string) => (r.lines as ProbeTickEvent[]).filter((l) => l.type === 'probe.tick' && l.family === family);
const kevents = (r: Running, subsystem: string) => (r.lines as KernelEvent[]).filter((l) => l.type === 'kernel.event' && l.subsystem === subsystem);

describe.skipIf(!root)('live probes on this kernel (root)', () => {
  beforeAll(() => {
    expect(root).toBe(true);
  });

  it('sched: more busy processes than cores give run-queue latency', async () => {
    const r = await events('sched', ['--sched-warn', '200']);
    await busyLoops(6, 3000);
    await sleep(1500);
    const t = ticks(r, 'sched');
    const hist = t.flatMap((x) => x.hist_us ?? []);
    expect(hist.reduce((a, b) => a + b.count, 0)).toBeGreaterThan(0);
    expect(Math.max(...t.map((x) => x.max_us ?? 0))).toBeGreaterThan(0);
    const ev = kevents(r, 'sched');
    expect(ev.length).toBeGreaterThan(0);
    expect(ev.every((e) => (e.value_us ?? 0) > 200)).toBe(true);
  });

  it('bio: direct I/O on a loop device is reported with its major:minor', async () => {
    const r = await events('bio', ['--bio-warn', '1']);
    await withLoopDevice(32, async (dev) => {
      directIo(dev.path, 500);
      await sleep(2000);
      const ev = kevents(r, 'bio').filter((e) => e.fields?.dev === dev.majmin);
      expect(ev.length, `events for ${dev.majmin}: ${JSON.stringify(kevents(r, 'bio').slice(0, 3))}`).toBeGreaterThan(0);
      expect(ev[0].fields?.device).toBe(dev.name);
      const byDev = ticks(r, 'bio').flatMap((t) => Object.keys(t.by_key ?? {}));
      expect(byDev).toContain(`${dev.majmin} ${dev.name}`);
    });
  });

  it('vfs: a test process reads and writes of regular files appear in the histogram; pipes do not', async () => {
    const r = await events('vfs', ['--vfs-warn', '1000000']);
    const before = ticks(r, 'vfs').reduce((a, t) => a + t.count, 0);
    // 20000 reads and writes of 512 bytes by dd, file to file.
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/kerntop-vfs-');
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${dir}/src`, 'bs=1M', 'count=10'], { stdio: 'ignore' });
      await sleep(1200);
      const mid = ticks(r, 'vfs').reduce((a, t) => a + t.count, 0);
      // Reads and writes on a pipe and /dev/null are not files: they must not be timed.
      execFileSync('sh', ['-c', 'dd if=/dev/zero bs=512 count=20000 2>/dev/null | cat > /dev/null'], { stdio: 'ignore' });
      await sleep(1200);
      expect(ticks(r, 'vfs').reduce((a, t) => a + t.count, 0) - mid).toBeLessThan(2000);
      execFileSync('dd', [`if=${dir}/src`, `of=${dir}/dst`, 'bs=512', 'count=20000'], { stdio: 'ignore' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await sleep(2000);
    const t = ticks(r, 'vfs');
    const reads = t.reduce((a, x) => a + (x.by_key?.read ?? 0), 0);
    const writes = t.reduce((a, x) => a + (x.by_key?.write ?? 0), 0);
    expect(reads).toBeGreaterThanOrEqual(20000);
    expect(writes).toBeGreaterThanOrEqual(20000);
    expect(t.reduce((a, x) => a + x.count, 0) - before).toBeGreaterThanOrEqual(40000);
    expect(t.flatMap((x) => x.hist_us ?? []).reduce((a, b) => a + b.count, 0)).toBeGreaterThanOrEqual(40000);
  });

  it('oom: a process past its memory cgroup limit is reported with its pid and comm', async () => {
    const r = await events('oom');
    const victim = await oomKill();
    const ev = await r.waitFor<KernelEvent>((l) => l.type === 'kernel.event' && l.subsystem === 'oom' && l.pid === victim.pid, 10_000);
    expect(ev).toMatchObject({ severity: 'critical', comm: victim.comm });
    expect(Number(ev.fields?.anon_rss_kb)).toBeGreaterThan(1000);
  });

  it('tcp_retrans and drops: a lossy veth link gives retransmits on our ports and NETFILTER_DROP drops', { timeout: 90_000 }, async () => {
    const r = await events('tcp_retrans,drops');
    // 10% loss: more can stall a transfer in exponential RTO backoff. veth hands TCP over in GSO
    // super-packets, so 1 MiB is only a few dozen packets: transfer again until a drop has happened.
    const link = lossyLink(10);
    const retrans = () => kevents(r, 'tcp_retrans').filter((e) => e.fields?.dport === 5001 && e.fields?.daddr === link.addrB);
    const dropped = () => ticks(r, 'drops').reduce((a, t) => a + (t.by_key?.NETFILTER_DROP ?? 0), 0);
    try {
      for (let i = 0; i < 6 && (retrans().length === 0 || dropped() === 0); i++) {
        // A transfer that stalls in backoff has lost packets too: keep going with the next one.
        await tcpTransfer(link, 1 << 20, 30_000).catch(() => undefined);
        await sleep(1500);
      }
    } finally {
      link.cleanup();
    }
    expect(retrans().length).toBeGreaterThan(0);
    expect(ticks(r, 'tcp_retrans').reduce((a, t) => a + t.count, 0)).toBeGreaterThanOrEqual(retrans().length);
    expect(dropped()).toBeGreaterThan(0);
  });

  it('faults: a process touching fresh memory raises the fault count', async () => {
    const r = await events('faults');
    touchMemory(200);
    await sleep(1500);
    const t = ticks(r, 'faults');
    // 200 MiB in 4 KiB pages is 51200 faults, fewer with huge pages or fault-around.
    expect(t.reduce((a, x) => a + x.count, 0)).toBeGreaterThan(5000);
    expect(t.some((x) => Object.keys(x.by_comm ?? {}).includes('python3'))).toBe(true);
  });
});
