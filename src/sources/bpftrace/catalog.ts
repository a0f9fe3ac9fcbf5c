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
  /** ftrace tracers that must be available and running (osnoise): their tracepoints report only then. */
  tracers?: string[];
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

const NOISE_COST =
  'adds a probe to every hard IRQ, softirq and context switch; enable with --probes +noise (--cpus and --pane cpus turn it on)';
const NOISE_CORE = [
  'irq:irq_handler_entry',
  'irq:irq_handler_exit',
  'irq:softirq_entry',
  'irq:softirq_exit',
  'sched:sched_wakeup',
  'sched:sched_wakeup_new',
  'sched:sched_switch',
];
const NOISE_EXTRA = ['ipi:ipi_send_cpu', 'workqueue:workqueue_execute_start', 'workqueue:workqueue_execute_end'];
const X86_VECTORS = ['local_timer', 'reschedule', 'call_function', 'call_function_single'].flatMap((v) => [
  `irq_vectors:${v}_entry`,
  `irq_vectors:${v}_exit`,
]);

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
  {
    family: 'noise',
    measures: 'per CPU: hard IRQs, softirqs and tasks that took its time, run-queue and RT wakeup latency, context switches',
    strategies: [
      // The osnoise tracer nets out nested interruptions itself; its tracepoints report while it runs.
      {
        method: 'osnoise',
        script: 'noise.osnoise.bt+noise.wake.bt',
        requires: {
          tracers: ['osnoise'],
          tracepoints: [
            'osnoise:irq_noise',
            'osnoise:softirq_noise',
            'osnoise:thread_noise',
            'sched:sched_wakeup',
            'sched:sched_wakeup_new',
            'sched:sched_switch',
          ],
        },
        optIn: NOISE_COST,
      },
      {
        method: 'tracepoint',
        script: 'noise.irq.bt+noise.vectors.bt+noise.wake.bt+noise.occupancy.bt+noise.ipi.bt+noise.workqueue.bt',
        requires: { tracepoints: [...NOISE_CORE, ...X86_VECTORS, ...NOISE_EXTRA] },
        optIn: NOISE_COST,
      },
      {
        method: 'tracepoint',
        script: 'noise.irq.bt+noise.wake.bt+noise.occupancy.bt+noise.ipi.bt+noise.workqueue.bt',
        requires: { tracepoints: [...NOISE_CORE, ...NOISE_EXTRA] },
        optIn: NOISE_COST,
      },
      {
        method: 'tracepoint',
        script: 'noise.irq.bt+noise.wake.bt+noise.occupancy.bt',
        requires: { tracepoints: NOISE_CORE },
        optIn: NOISE_COST,
      },
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
    { name: 'cpu', type: 'int' },
    { name: 'comm', type: 'text' },
  ],
  bio: [
    { name: 'latency_us', type: 'int' },
    { name: 'major', type: 'int' },
    { name: 'minor', type: 'int' },
    { name: 'sector', type: 'int' },
    { name: 'rwbs', type: 'word' },
    { name: 'cpu', type: 'int' },
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
  // One line for every kind of interruption: kind is irq (id: IRQ number), softirq (id: vector) or
  // rtwake (id: the woken RT task's pid); comm is the task the CPU was running (for rtwake, the woken
  // one). Captures from before comm was printed end after id: comm reads as ''.
  noise: [
    { name: 'kind', type: 'word' },
    { name: 'cpu', type: 'int' },
    { name: 'duration_us', type: 'int' },
    { name: 'id', type: 'int' },
    { name: 'comm', type: 'text' },
  ],
} as const satisfies Partial<Record<ProbeFamily, EventLine>>;

export function eventLine(family: ProbeFamily): EventLine | undefined {
  return (EVENT_LINES as Partial<Record<ProbeFamily, EventLine>>)[family];
}
