// Real kernel, real bpftrace: each test makes its own workload and checks the events kerntop prints.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { KernelEvent, ProbeStatusEvent, ProbeTickEvent } from '../../src/events.js';
import { startKerntop, type Running } from './lib/kerntop.js';
import {
  busyLoops,
  directIo,
  isRoot,
  lossyLink,
  oomKill,
  sleep,
  tcpTransfer,
  touchMemory,
  uid,
  withLoopDevice,
} from './lib/workloads.js';

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
  for (const f of fams)
    await running.waitFor<ProbeStatusEvent>((l) => l.type === 'probe.status' && l.family === f && l.state === 'ATTACHED', 30_000);
  // The first interval starts at READY; let one pass so the maps are live.
  await sleep(300);
  return running;
}

const ticks = (r: Running, family: string) =>
  (r.lines as ProbeTickEvent[]).filter((l) => l.type === 'probe.tick' && l.family === family);
const kevents = (r: Running, subsystem: string) =>
  (r.lines as KernelEvent[]).filter((l) => l.type === 'kernel.event' && l.subsystem === subsystem);

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

  it('vfs: every read and write of a regular file that dd reports is counted, in the histogram too; pipes are not timed', async () => {
    const r = await events('vfs', ['--vfs-warn', '1000000']);
    const dir = mkdtempSync('/tmp/kerntop-vfs-');
    // Two copies of dd under names of their own, so their counts in by_comm are this test's alone.
    // Both load the same libraries (ld.so reads them with read()): the pipe-only copy's count is that
    // baseline, so the file copy's count minus it is dd's own reads and writes.
    const tag = uid().slice(0, 8);
    const [fileDd, pipeDd] = [`ktdf${tag}`, `ktdp${tag}`];
    const ddPath = execFileSync('sh', ['-c', 'command -v dd'], { encoding: 'utf8' }).trim();
    const env = { ...process.env, LC_ALL: 'C' };
    const byComm = (comm: string) => ticks(r, 'vfs').reduce((a, t) => a + (t.by_comm?.[comm] ?? 0), 0);
    let records = 0;
    const before = ticks(r, 'vfs').length;
    try {
      copyFileSync(ddPath, join(dir, fileDd));
      copyFileSync(ddPath, join(dir, pipeDd));
      execFileSync('dd', ['if=/dev/zero', `of=${dir}/src`, 'bs=1M', 'count=10'], { stdio: 'ignore' });
      // Reads of /dev/zero and writes to a pipe are not files: they must not be timed.
      execFileSync('sh', ['-c', `"${dir}/${pipeDd}" if=/dev/zero bs=512 count=20000 2>/dev/null | cat > /dev/null`], {
        stdio: 'ignore',
        env,
      });
      const copy = spawnSync(join(dir, fileDd), [`if=${dir}/src`, `of=${dir}/dst`, 'bs=512', 'count=20000'], {
        encoding: 'utf8',
        env,
      });
      expect(copy.status, copy.stderr).toBe(0);
      // "20000+0 records in" / "20000+0 records out": full and partial records, one read or write each.
      const n = (what: string) => {
        const m = new RegExp(`^(\\d+)\\+(\\d+) records ${what}$`, 'm').exec(copy.stderr);
        expect(m, copy.stderr).not.toBeNull();
        return Number(m![1]) + Number(m![2]);
      };
      records = n('in') + n('out');
      expect(records).toBe(40000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Running totals reach the exact number once a tick after dd has been printed; wait for it, then
    // one more tick to see nothing extra arrive.
    const deadline = Date.now() + 15_000;
    while (byComm(fileDd) - byComm(pipeDd) < records && Date.now() < deadline) await sleep(200);
    const n = ticks(r, 'vfs').length;
    await r.waitFor<ProbeTickEvent>(() => ticks(r, 'vfs').length > n + 1, 5000);
    expect(byComm(pipeDd)).toBeGreaterThan(0);
    expect(byComm(fileDd) - byComm(pipeDd)).toBe(records);
    const t = ticks(r, 'vfs').slice(before);
    expect(t.reduce((a, x) => a + (x.by_key?.read ?? 0), 0)).toBeGreaterThanOrEqual(records / 2);
    expect(t.reduce((a, x) => a + (x.by_key?.write ?? 0), 0)).toBeGreaterThanOrEqual(records / 2);
    // Every timed read or write lands in the histogram (host-wide, so at least dd's).
    const histTotal = t.flatMap((x) => x.hist_us ?? []).reduce((a, b) => a + b.count, 0);
    expect(histTotal).toBeGreaterThanOrEqual(records);
  });

  it('oom: a process past its memory cgroup limit is reported with its pid and comm', async () => {
    const r = await events('oom');
    const victim = await oomKill();
    const ev = await r.waitFor<KernelEvent>(
      (l) => l.type === 'kernel.event' && l.subsystem === 'oom' && l.pid === victim.pid,
      10_000,
    );
    expect(ev).toMatchObject({ severity: 'critical', comm: victim.comm });
    expect(Number(ev.fields?.anon_rss_kb)).toBeGreaterThan(1000);
  });

  it(
    'tcp_retrans and drops: a lossy veth link gives retransmits on our ports and NETFILTER_DROP drops',
    { timeout: 90_000 },
    async () => {
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
    },
  );

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
