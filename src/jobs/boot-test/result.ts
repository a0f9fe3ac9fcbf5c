// The boot test's verdict, one shape for the CLI's --json, its exit code and the TUI.
import type { LogAnalysis, LogLineHit } from '../../knowledge/log-classifier/index.js';

export interface BootTestCounts {
  panics: number;
  oops: number;
  errors: number;
  warnings: number;
}

export interface BootTestResult {
  /** Booted to the completion marker, no panic or oops, no timeout, the command (if any) exited 0. */
  success: boolean;
  duration_s: number;
  /** The guest's init printed its completion marker. */
  boot_completed: boolean;
  /** From the kernel's "Linux version" banner, else the image header or the tree's kernel.release. */
  kernel_version: string | null;
  runner: 'qemu' | 'vng';
  accel: 'kvm' | 'tcg';
  timeout_occurred: boolean;
  /** Exit status of the runner process (QEMU or vng); null when it was killed. */
  exit_code: number | null;
  /**
   * The classifier's counts, less the lines TCG's timing explains (emulation_noise), so a clean boot
   * under emulation is not "booted with errors".
   */
  counts: BootTestCounts;
  /** Panics or oopses. */
  has_critical_issues: boolean;
  /** The classifier's whole output, unchanged. */
  analysis: LogAnalysis;
  /** Error/warning lines set aside because emulation (TCG) causes them; see emulation-noise.ts. */
  emulation_noise: LogLineHit[];
  log_path: string | null;
  /** Exit status of --exec inside the guest, from the completion marker; null when it never printed. */
  exec_rc: number | null;
  cancelled: boolean;
  kernel: { image: string; origin: 'tree' | 'file' | 'host'; arch: string; arch_from: string };
  settings: { memory: string; cpus: number; timeout_s: number; append: string | null; exec: string | null };
  /** The VM command line, to rerun it by hand. */
  command: string[];
  console: { lines: number; escapes_removed: number; dmesg_repeats_dropped: number };
  timings_s: { setup: number; accel_probe: number; boot: number; analysis: number };
  /** Choices made on the user's behalf (runner, accelerator) and why. */
  notes: string[];
}

/** kerntop's exit code: 0 clean boot, 1 booted with errors/warnings (or a failing command), 2 critical or no boot. */
export function bootTestExitCode(
  r: Pick<BootTestResult, 'boot_completed' | 'timeout_occurred' | 'has_critical_issues' | 'counts' | 'exec_rc'>,
): 0 | 1 | 2 {
  if (r.has_critical_issues || !r.boot_completed || r.timeout_occurred) return 2;
  if (r.counts.errors > 0 || r.counts.warnings > 0 || (r.exec_rc !== null && r.exec_rc !== 0)) return 1;
  return 0;
}

/** One line for a person: what happened, in the order they would ask. */
export function summarize(r: BootTestResult): string {
  const parts: string[] = [];
  if (r.cancelled) parts.push('cancelled');
  else if (r.timeout_occurred) parts.push(`timed out after ${r.settings.timeout_s} s`);
  else if (r.boot_completed) parts.push(`booted in ${r.timings_s.boot.toFixed(1)} s`);
  else if (r.counts.panics > 0) parts.push('kernel panic before the boot completed');
  else parts.push('did not boot');
  parts.push(`${r.kernel_version ?? 'unknown kernel'} (${r.kernel.arch}, ${r.runner}/${r.accel})`);
  const c = r.counts;
  parts.push(
    `${c.panics} panic${c.panics === 1 ? '' : 's'}, ${c.oops} oops, ${c.errors} error${c.errors === 1 ? '' : 's'}, ${c.warnings} warning${c.warnings === 1 ? '' : 's'}`,
  );
  if (r.exec_rc !== null && r.exec_rc !== 0) parts.push(`command exited ${r.exec_rc}`);
  return parts.join('; ');
}
