import type { Rule } from './rules.js';

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
