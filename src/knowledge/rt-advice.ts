import type { Status } from './severity.js';

// What to do about noise on a CPU kept for real-time work, by what was seen there. One table per kind
// of source, matched in order; the first row that matches names the fix. Texts take the CPU (N),
// the housekeeping CPUs (HK, the ones that are not isolated) and the source's id.

/** Kernel threads that run on a CPU for the kernel's own work, RT-priority ones included (migration, irq/N-name). */
export const PER_CPU_KTHREAD =
  /^(migration\/|rcu|watchdog\/|ksoftirqd\/|cpuhp\/|idle_inject\/|irq\/|kworker\/|posixcputmr|ktimers\/|kthreadd$)/;

export interface AdviceContext {
  cpu: number;
  /** Housekeeping CPU list ("0,4-7"), where moved work should go. */
  hk: string;
  id: string;
}

export interface AdviceRow {
  /** Matches the source's id (IRQ number, softirq vector name, vector name, task comm). */
  match: RegExp;
  /** The fix in a few words, for the finding's message. */
  fix: (c: AdviceContext) => string;
  /** The fix in full. */
  advice: (c: AdviceContext) => string;
}

const hk = (c: AdviceContext) => c.hk || 'the housekeeping CPUs';

export const IRQ_ADVICE: readonly AdviceRow[] = [
  {
    match: /.*/,
    fix: (c) => `move it with /proc/irq/${c.id}/smp_affinity_list`,
    advice: (c) =>
      `move it with /proc/irq/${c.id}/smp_affinity_list (echo ${hk(c)} > /proc/irq/${c.id}/smp_affinity_list); keep irqbalance off CPU ${c.cpu} (IRQBALANCE_BANNED_CPULIST=${c.cpu}) or it moves it back`,
  },
];

export const SOFTIRQ_ADVICE: readonly AdviceRow[] = [
  {
    match: /^NET_(RX|TX)$/,
    fix: () => 'move the NIC IRQs and RPS/XPS off it',
    advice: (c) =>
      `network packets are processed on CPU ${c.cpu}: move the NIC's IRQs off it (/proc/irq/*/smp_affinity_list), keep RPS/XPS off it (/sys/class/net/*/queues/*/rps_cpus, xps_cpus), and do not send or receive from this CPU`,
  },
  {
    match: /^(TIMER|HRTIMER)$/,
    fix: (c) => `nohz_full=${c.cpu}`,
    advice: (c) =>
      `timers fire on CPU ${c.cpu}: nohz_full=${c.cpu} moves unbound timers to housekeeping CPUs (kernel.timer_migration=1); what arms the rest shows in the timer:hrtimer_start tracepoint`,
  },
  {
    match: /^RCU$/,
    fix: (c) => `rcu_nocbs=${c.cpu}`,
    advice: (c) =>
      `RCU callbacks run on CPU ${c.cpu}: boot with rcu_nocbs=${c.cpu} (offloads them to rcuo kthreads, which you can pin to ${hk(c)})`,
  },
  {
    match: /^BLOCK$|^IRQ_POLL$/,
    fix: () => "move the disk's IRQs",
    advice: (c) =>
      `block I/O completes on CPU ${c.cpu}: move the disk's IRQs to ${hk(c)}, and do no block I/O from this CPU (blk-mq completes on the submitting CPU)`,
  },
  {
    match: /^SCHED$/,
    fix: (c) => `isolcpus=domain,${c.cpu}`,
    advice: (c) =>
      `load balancing runs on CPU ${c.cpu}: take it out of the scheduler domains with isolcpus=domain,${c.cpu} or an isolated cpuset partition (cpuset.cpus.partition=isolated)`,
  },
  {
    match: /.*/,
    fix: () => 'move the IRQ that raises it',
    advice: (c) => `a driver defers work to CPU ${c.cpu}: move the IRQ that raises it to ${hk(c)}`,
  },
];

export const VECTOR_ADVICE: readonly AdviceRow[] = [
  {
    match: /^LOC$/,
    fix: (c) => `the tick is on: nohz_full=${c.cpu}`,
    advice: (c) =>
      `the scheduler tick runs on CPU ${c.cpu}: boot with nohz_full=${c.cpu} (and rcu_nocbs=${c.cpu}), and keep one runnable task on it; the tick stays on while two are runnable, or while perf events or posix CPU timers need it`,
  },
  {
    match: /^(RES|CAL)$/,
    fix: () => 'keep other threads of the RT process off it',
    advice: (c) =>
      `other CPUs send IPIs to CPU ${c.cpu} (wakeups, TLB shootdowns, smp_call_function): keep other threads of the RT process off it, mlockall() and avoid mmap/munmap in the RT loop`,
  },
  { match: /.*/, fix: () => 'see /proc/interrupts', advice: (c) => `system interrupts on CPU ${c.cpu}: see /proc/interrupts` },
];

export const TASK_ADVICE: readonly AdviceRow[] = [
  {
    match: /^kworker\//,
    fix: () => 'set /sys/devices/virtual/workqueue/cpumask',
    advice: (c) =>
      `set /sys/devices/virtual/workqueue/cpumask to ${hk(c)} (unbound workqueues); per-CPU work such as vmstat_update stops with nohz_full=${c.cpu} (or a longer vm.stat_interval)`,
  },
  {
    match: /^ksoftirqd\//,
    fix: () => 'move the IRQs that raise softirqs',
    advice: (c) => `softirqs deferred to ksoftirqd on CPU ${c.cpu}: move the IRQs that raise them (see the softirq findings)`,
  },
  {
    match: /^(rcuc|rcuop|rcuog|rcu_)/,
    fix: (c) => `rcu_nocbs=${c.cpu}`,
    advice: (c) => `RCU work on CPU ${c.cpu}: boot with rcu_nocbs=${c.cpu} and pin the rcuo kthreads to ${hk(c)}`,
  },
  {
    match: /^migration\//,
    fix: () => 'avoid migrations, hotplug and stop_machine',
    advice: (c) =>
      `the stopper thread ran on CPU ${c.cpu}: task migrations, CPU hotplug or stop_machine (module loads, ftrace changes); avoid those while the RT task runs`,
  },
  {
    match: /^(kcompactd|kswapd)/,
    fix: () => 'mlockall(), vm.compaction_proactiveness=0',
    advice: () => 'memory compaction or reclaim: mlockall() the RT process, vm.compaction_proactiveness=0, keep memory free',
  },
  {
    match: /.*/,
    fix: (c) => `taskset -apc ${hk(c)} $(pgrep -x '${c.id}')`,
    advice: (c) =>
      `move it off CPU ${c.cpu}: taskset -apc ${hk(c)} $(pgrep -x '${c.id}'), or a cpuset; tuna --cpus=${c.cpu} --isolate moves every movable thread`,
  },
];

/** kerntop's own node process or bpftrace child on the CPU: it is noise too, and the fix is where kerntop runs. */
export const OWN_TASK_ADVICE: readonly AdviceRow[] = [
  {
    match: /.*/,
    fix: (c) => `run kerntop on ${hk(c)} (taskset -c ${hk(c)} kerntop ...)`,
    advice: (c) =>
      `kerntop itself (its node process or bpftrace child) ran on CPU ${c.cpu}: start it with taskset -c ${hk(c)} so its own threads stay on the housekeeping CPUs; the probes' work on the measured CPUs stays, kept short by --cpus`,
  },
];

export function adviceFor(table: readonly AdviceRow[], c: AdviceContext): { fix: string; advice: string } {
  const row = table.find((r) => r.match.test(c.id)) ?? table[table.length - 1];
  return { fix: row.fix(c), advice: row.advice(c) };
}

/** Run-queue and RT wakeup latency: warn above --noise-warn, critical at ten times it. */
export function latencyStatus(us: number, warn: number): Status {
  return us >= 10 * warn ? 'CRITICAL' : us >= warn ? 'WARNING' : 'OK';
}

export const NOHZ_SHARED_ADVICE = (cpu: number, hkList: string) =>
  `keep one runnable task on nohz_full CPU ${cpu}: move the others to ${hkList || 'the housekeeping CPUs'} (taskset, cpusets), or the tick cannot stop`;

export const RT_LATENCY_ADVICE = (cpu: number, top: string | null) =>
  `${top ? `the largest noise on CPU ${cpu} is ${top}; ` : ''}isolate the CPU (isolcpus=managed_irq,domain,${cpu} nohz_full=${cpu} rcu_nocbs=${cpu}), move IRQs off it, and run the RT task alone there`;
