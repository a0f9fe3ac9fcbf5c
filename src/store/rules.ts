import type { Severity, Status, Thresholds } from '../events.js';
import { isTroubleDropReason, troubleDropAdvice } from '../knowledge/drop-reasons.js';

/** What a rule sees of one subsystem: the same numbers the summary prints. */
export interface SubsystemStats {
  name: string;
  events: number;
  alerts: number;
  rate_per_s: number;
  peak_per_s: number;
  worst_us: number | null;
  p50_us: number | null;
  p99_us: number | null;
  worst_severity: Severity | null;
  by_key: Record<string, number>;
}

export interface Finding {
  subsystem: string;
  status: Status;
  message: string;
  advice: string;
}

/**
 * One row per subsystem: how its status is decided and what to tell the user. Subsystems with no row
 * (kernel-log findings, Xid) take the worst severity of their events.
 */
export interface Rule {
  subsystem: string;
  judge(s: SubsystemStats, t: Thresholds): Finding | null;
}

function latencyRule(
  subsystem: string,
  what: string,
  warnKey: 'sched_warn_us' | 'bio_warn_us' | 'vfs_warn_us',
  advice: string,
): Rule {
  return {
    subsystem,
    judge(s, t) {
      const warn = t[warnKey];
      if (s.p99_us === null) return null;
      const status: Status = s.p99_us >= 10 * warn ? 'CRITICAL' : s.p99_us >= warn ? 'WARNING' : 'OK';
      if (status === 'OK' && s.alerts === 0) return null;
      const message =
        status === 'OK'
          ? `${s.alerts} ${what} above ${warn} us (worst ${s.worst_us} us), p99 ${s.p99_us} us is within the threshold`
          : `${what} p99 ${s.p99_us} us is above ${warn} us (worst ${s.worst_us} us, ${s.alerts} events above the threshold)`;
      return { subsystem, status, message, advice };
    },
  };
}

/**
 * The noise family's row of the summary: interruptions and RT wakeups above --noise-warn, judged by
 * their worst severity (an RT wakeup late by ten times the threshold is critical). What ran on which
 * CPU, with the fix, is in the per-CPU findings.
 */
export const NOISE_RULE: Rule = {
  subsystem: 'noise',
  judge(s, t) {
    if (s.alerts === 0) return null;
    const status = s.worst_severity === 'critical' ? 'CRITICAL' : s.worst_severity === 'warning' ? 'WARNING' : 'OK';
    return {
      subsystem: 'noise',
      status,
      message: `${s.alerts} interruption(s) or RT wakeup(s) above ${t.noise_warn_us ?? 100} us (worst ${s.worst_us} us)`,
      advice:
        'see the per-CPU section (cpus pane, or "cpus" in the summary) for what ran on which CPU, and its findings for the fix',
    };
  },
};

export const RULES: readonly Rule[] = [
  latencyRule(
    'sched',
    'run-queue latency',
    'sched_warn_us',
    'tasks wait for a CPU: check CPU saturation (more runnable tasks than cores), isolcpus/nohz_full for latency-critical tasks, IRQ affinity, and RT throttling',
  ),
  latencyRule(
    'bio',
    'block I/O latency',
    'bio_warn_us',
    'slow block requests: check the device (iostat -x, SMART/NVMe health), the I/O scheduler and queue depth, and whether a noisy neighbour saturates it',
  ),
  latencyRule(
    'vfs',
    'read/write latency',
    'vfs_warn_us',
    'slow reads/writes: check page-cache pressure, the backing device and network filesystems',
  ),
  {
    subsystem: 'oom',
    judge: (s) =>
      s.events > 0
        ? {
            subsystem: 'oom',
            status: 'CRITICAL',
            message: `${s.events} OOM kill(s)`,
            advice:
              "a cgroup or the host ran out of memory: check memory.max/limits of the victim's cgroup, memory leaks, and overcommit",
          }
        : null,
  },
  {
    subsystem: 'tcp_retrans',
    judge: (s) => {
      if (s.events === 0) return null;
      const status: Status = s.rate_per_s >= 1 ? 'WARNING' : 'OK';
      return {
        subsystem: 'tcp_retrans',
        status,
        message: `${s.events} TCP retransmits (${s.rate_per_s.toFixed(2)}/s)`,
        advice: 'packet loss or congestion on a path: check interface errors (ip -s link), drops, and the peer',
      };
    },
  },
  {
    subsystem: 'drops',
    judge: (s) => {
      const trouble = Object.entries(s.by_key).filter(([k]) => isTroubleDropReason(k));
      const n = trouble.reduce((a, [, v]) => a + v, 0);
      if (n === 0) return null;
      const top = trouble.sort((a, b) => b[1] - a[1]).slice(0, 3);
      return {
        subsystem: 'drops',
        status: 'WARNING',
        message: `${n} packet drops for reasons that mean trouble (${top.map(([k, v]) => `${k}=${v}`).join(', ')})`,
        advice: troubleDropAdvice(top.map(([k]) => k)),
      };
    },
  },
  {
    subsystem: 'faults',
    // The source turns each second whose major-fault count crosses the threshold into an alert.
    judge: (s, t) =>
      s.alerts > 0
        ? {
            subsystem: 'faults',
            status: 'WARNING',
            message: `major page faults above ${t.major_faults_warn_per_s}/s in ${s.alerts} second(s) (${s.by_key.major ?? 0} major of ${s.events} faults)`,
            advice: 'pages are read back from disk: check memory pressure, swap activity and working-set size',
          }
        : null,
  },
  NOISE_RULE,
];
