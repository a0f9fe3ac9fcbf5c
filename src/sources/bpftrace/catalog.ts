import type { ProbeFamily } from '../../events.js';
import type { EventLine } from './event-line.js';

/** What a strategy needs from the host before kerntop tries it. */
export interface Requirement {
  /** Tracepoints as "category:name", looked up under tracefs events/. */
  tracepoints?: string[];
  /** Kernel functions for kprobes (needs kprobe_events in tracefs). */
  kprobes?: string[];
  /** Kernel functions for kfunc/fentry (needs BTF and bpftrace's kfunc support). */
  kfuncs?: string[];
  /** Software perf events ("page-faults", "major-faults"). */
  software?: string[];
  /** Kernel types from BTF (struct access through curtask). */
  btf?: boolean;
}

export interface Strategy {
  /** Shown in `kerntop probes`: tracepoint, kprobe, kfunc, software. */
  method: string;
  /** Fragment in bpf-scripts/. */
  script: string;
  requires: Requirement;
  /** Why a user might not want it on by default; such strategies run only when asked for by name. */
  optIn?: string;
}

export interface ProbeFamilyEntry {
  family: ProbeFamily;
  /** What it measures, for `kerntop probes` and the README. */
  measures: string;
  /** Most preferred first: the first whose requirements hold on this host wins. */
  strategies: Strategy[];
}

const SYSCALL_RW = ['read', 'write', 'pread64', 'pwrite64', 'readv', 'writev'];
const VFS_SYSCALL_COST = 'syscall tracepoints add about 1.4 us to every read/write on the host; enable with --probes +vfs';

export const CATALOG: readonly ProbeFamilyEntry[] = [
  {
    family: 'sched',
    measures: 'run-queue latency per task (wakeup or preemption to running)',
    strategies: [
      {
        method: 'tracepoint',
        script: 'sched.tracepoint.bt',
        requires: { tracepoints: ['sched:sched_wakeup', 'sched:sched_wakeup_new', 'sched:sched_switch'] },
      },
    ],
  },
  {
    family: 'bio',
    measures: 'block request latency per device (issue to complete)',
    strategies: [
      {
        method: 'tracepoint',
        script: 'bio.tracepoint.bt',
        requires: { tracepoints: ['block:block_rq_issue', 'block:block_rq_complete'] },
      },
      {
        method: 'tracepoint',
        script: 'bio.io-tracepoint.bt',
        requires: { tracepoints: ['block:block_io_start', 'block:block_io_done'] },
      },
    ],
  },
  {
    family: 'vfs',
    measures: 'read/write latency per op and process (regular files with the syscall strategy)',
    strategies: [
      { method: 'kfunc', script: 'vfs.kfunc.bt', requires: { kfuncs: ['vfs_read', 'vfs_write'] } },
      { method: 'kprobe', script: 'vfs.kprobe.bt', requires: { kprobes: ['vfs_read', 'vfs_write'] } },
      {
        method: 'tracepoint',
        script: 'vfs.syscall.bt',
        requires: { tracepoints: SYSCALL_RW.flatMap((s) => [`syscalls:sys_enter_${s}`, `syscalls:sys_exit_${s}`]), btf: true },
        optIn: VFS_SYSCALL_COST,
      },
      {
        method: 'tracepoint',
        script: 'vfs.syscall-any.bt',
        requires: { tracepoints: SYSCALL_RW.flatMap((s) => [`syscalls:sys_enter_${s}`, `syscalls:sys_exit_${s}`]) },
        optIn: VFS_SYSCALL_COST,
      },
    ],
  },
  {
    family: 'oom',
    measures: 'OOM kills: victim pid, comm, rss',
    strategies: [{ method: 'tracepoint', script: 'oom.tracepoint.bt', requires: { tracepoints: ['oom:mark_victim'] } }],
  },
  {
    family: 'tcp_retrans',
    measures: 'TCP retransmits: saddr:sport -> daddr:dport, state',
    strategies: [
      { method: 'tracepoint', script: 'tcp_retrans.tracepoint.bt', requires: { tracepoints: ['tcp:tcp_retransmit_skb'] } },
    ],
  },
  {
    family: 'drops',
    measures: 'packet drops per kfree_skb reason and location',
    strategies: [{ method: 'tracepoint', script: 'drops.tracepoint.bt', requires: { tracepoints: ['skb:kfree_skb'] } }],
  },
  {
    family: 'faults',
    measures: 'minor and major page-fault rates, top processes',
    strategies: [
      {
        method: 'tracepoint',
        script: 'faults.tracepoint.bt',
        requires: { tracepoints: ['exceptions:page_fault_user', 'exceptions:page_fault_kernel'], software: ['major-faults'] },
      },
      { method: 'software', script: 'faults.software.bt', requires: { software: ['page-faults', 'major-faults'] } },
    ],
  },
];

export function catalogEntry(family: ProbeFamily): ProbeFamilyEntry {
  const e = CATALOG.find((c) => c.family === family);
  if (!e) throw new Error(`unknown probe family ${family}`);
  return e;
}

/**
 * The `EV <family> ...` line of each family that prints events one by one: fields in printf order.
 * Every strategy's fragment of the family prints exactly these; the family's decoder reads them by name.
 */
export const EVENT_LINES = {
  sched: [
    { name: 'runq_latency_us', type: 'int' },
    { name: 'pid', type: 'int' },
    { name: 'comm', type: 'text' },
  ],
  bio: [
    { name: 'latency_us', type: 'int' },
    { name: 'major', type: 'int' },
    { name: 'minor', type: 'int' },
    { name: 'sector', type: 'int' },
    { name: 'rwbs', type: 'word' },
  ],
  vfs: [
    { name: 'latency_us', type: 'int' },
    { name: 'probe', type: 'word' },
    { name: 'pid', type: 'int' },
    { name: 'comm', type: 'text' },
  ],
  oom: [
    { name: 'pid', type: 'int' },
    { name: 'anon_rss_kb', type: 'int' },
    { name: 'file_rss_kb', type: 'int' },
    { name: 'shmem_rss_kb', type: 'int' },
    { name: 'oom_score_adj', type: 'int' },
    { name: 'comm', type: 'text' },
  ],
  tcp_retrans: [
    { name: 'state', type: 'int' },
    { name: 'sport', type: 'int' },
    { name: 'dport', type: 'int' },
    { name: 'saddr', type: 'word' },
    { name: 'daddr', type: 'word' },
  ],
} as const satisfies Partial<Record<ProbeFamily, EventLine>>;

export function eventLine(family: ProbeFamily): EventLine | undefined {
  return (EVENT_LINES as Partial<Record<ProbeFamily, EventLine>>)[family];
}
