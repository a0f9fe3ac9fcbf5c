import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CpuTopologyEvent } from '../../events.js';
import type { Emit, EventSource } from '../source.js';
import { parseSysfsCpuList } from '../../knowledge/cpulist.js';

const CPU_DIR = '/sys/devices/system/cpu';
/** cgroup v2 mount points where isolated cpuset partitions can be found. */
const CGROUP2_ROOTS = ['/sys/fs/cgroup', '/sys/fs/cgroup/unified'];
/** cgroup tree depth searched for partitions: enough for systemd slices, bounded for big hosts. */
const PARTITION_DEPTH = 4;

const read = (p: string): string | null => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
};

/** cgroup v2 cpusets whose cpuset.cpus.partition is "isolated": path -> effective CPUs. */
export function isolatedPartitions(root: string, depth = PARTITION_DEPTH): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  const walk = (dir: string, rel: string, d: number) => {
    const part = read(join(dir, 'cpuset.cpus.partition'));
    if (part !== null && /^isolated\b/.test(part.trim())) {
      const cpus = parseSysfsCpuList(read(join(dir, 'cpuset.cpus.effective')) ?? '');
      if (cpus.length) out[rel || '/'] = cpus;
    }
    if (d <= 0) return;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      try {
        if (statSync(p).isDirectory()) walk(p, `${rel}/${n}`, d - 1);
      } catch {
        // vanished while walking
      }
    }
  };
  if (existsSync(join(root, 'cgroup.controllers'))) walk(root, '', depth);
  return out;
}

export function readPartitions(cgroupRoots = CGROUP2_ROOTS): Record<string, number[]> {
  const partitions: Record<string, number[]> = {};
  for (const r of cgroupRoots) Object.assign(partitions, isolatedPartitions(r));
  return partitions;
}

/** The host's CPUs now, from sysfs. cpuDir is a parameter so tests can point it at a copy. */
export function readTopology(
  measured: number[] | null,
  ts_ms: number,
  cpuDir = CPU_DIR,
  partitions: Record<string, number[]> = readPartitions(),
): CpuTopologyEvent {
  const list = (f: string) => parseSysfsCpuList(read(join(cpuDir, f)) ?? '');
  return {
    type: 'cpu.topology',
    ts_ms,
    present: list('present'),
    online: list('online'),
    isolated: list('isolated'),
    nohz_full: list('nohz_full'),
    partitions,
    measured,
  };
}

const same = (a: CpuTopologyEvent, b: CpuTopologyEvent) =>
  JSON.stringify({ ...a, ts_ms: 0 }) === JSON.stringify({ ...b, ts_ms: 0 });

/**
 * Emits the CPU topology at start and again whenever it changes (a CPU taken offline, a partition
 * made isolated). sysfs is polled: CPU hotplug has no event a process can wait on without netlink.
 */
export class CpuTopologySource implements EventSource {
  readonly name = 'cpus';
  private timer: NodeJS.Timeout | null = null;
  private last: CpuTopologyEvent | null = null;

  constructor(
    private readonly opts: { measured: number[] | null; interval_ms?: number; cpuDir?: string; cgroupRoots?: string[] },
  ) {}

  async start(emit: Emit): Promise<void> {
    let polls = 0;
    let partitions: Record<string, number[]> = {};
    const poll = () => {
      // CPU hotplug is cheap to read every second; the cgroup tree is walked every 10th time.
      if (polls++ % 10 === 0) partitions = readPartitions(this.opts.cgroupRoots);
      const t = readTopology(this.opts.measured, Date.now(), this.opts.cpuDir, partitions);
      if (!this.last || !same(this.last, t)) {
        if (this.last) {
          const gone = this.last.online.filter((c) => !t.online.includes(c));
          const back = t.online.filter((c) => !this.last!.online.includes(c));
          if (gone.length)
            emit({
              type: 'source.diag',
              ts_ms: t.ts_ms,
              source: 'cpus',
              level: 'warning',
              message: `CPU ${gone.join(', ')} went offline`,
            });
          if (back.length)
            emit({
              type: 'source.diag',
              ts_ms: t.ts_ms,
              source: 'cpus',
              level: 'info',
              message: `CPU ${back.join(', ')} came back online`,
            });
        }
        this.last = t;
        emit(t);
      }
    };
    poll();
    this.timer = setInterval(poll, this.opts.interval_ms ?? 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
