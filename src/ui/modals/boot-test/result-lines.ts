import { bootTestExitCode, type BootTestResult } from '../../../jobs/boot-test/result.js';
import type { ResultLine, Tone } from '../../labelled-rows.js';

// The boot test's verdict as the window shows it: the fields a person checks first, named as the
// CLI's --json names them, then the first errors and warnings and the notes.

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

export function verdict(r: BootTestResult): { text: string; tone: Tone } {
  if (r.cancelled) return { text: 'CANCELLED', tone: 'warn' };
  const code = bootTestExitCode(r);
  if (!r.success || code === 2) return { text: 'FAIL', tone: 'bad' };
  return code === 1 ? { text: 'PASS with errors/warnings', tone: 'warn' } : { text: 'PASS', tone: 'ok' };
}

export function resultLines(r: BootTestResult, findings = 3): ResultLine[] {
  const c = r.counts;
  const out: ResultLine[] = [
    { label: 'success', value: yesNo(r.success), tone: r.success ? 'ok' : 'bad' },
    { label: 'boot_completed', value: yesNo(r.boot_completed), tone: r.boot_completed ? 'ok' : 'bad' },
    { label: 'kernel_version', value: r.kernel_version ?? 'unknown', tone: 'plain' },
    { label: 'runner', value: r.runner, tone: 'plain' },
    { label: 'accel', value: r.accel, tone: 'plain' },
    { label: 'duration_s', value: `${r.duration_s.toFixed(1)} (boot ${r.timings_s.boot.toFixed(1)})`, tone: 'plain' },
    {
      label: 'counts',
      value: `panics ${c.panics}  oops ${c.oops}  errors ${c.errors}  warnings ${c.warnings}`,
      tone: c.panics || c.oops ? 'bad' : c.errors || c.warnings ? 'warn' : 'ok',
    },
  ];
  if (r.timeout_occurred) out.push({ label: 'timeout', value: `killed after ${r.settings.timeout_s} s`, tone: 'bad' });
  if (r.exec_rc !== null && r.exec_rc !== 0) out.push({ label: 'exec_rc', value: String(r.exec_rc), tone: 'bad' });
  if (r.analysis.title) {
    out.push({
      label: 'crash',
      value: `${r.analysis.title}${r.analysis.function ? ` (in ${r.analysis.function})` : ''}`,
      tone: r.analysis.crashed ? 'bad' : 'warn',
    });
  }
  out.push({ label: 'log_path', value: r.log_path ?? '-', tone: 'plain' });
  // The same lines the CLI lists, less what TCG's timing explains.
  const noise = new Set(r.emulation_noise.map((h) => h.line));
  const errors = r.analysis.errors.filter((h) => !noise.has(h.line));
  const warnings = r.analysis.warnings.filter((h) => !noise.has(h.line));
  for (const e of errors.slice(0, findings)) out.push({ label: 'error', value: `line ${e.line}: ${e.text}`, tone: 'bad' });
  for (const w of warnings.slice(0, findings)) out.push({ label: 'warning', value: `line ${w.line}: ${w.text}`, tone: 'warn' });
  const more = errors.length + warnings.length - Math.min(findings, errors.length) - Math.min(findings, warnings.length);
  if (more > 0) out.push({ label: '', value: `${more} more in the log`, tone: 'dim' });
  for (const n of r.notes) out.push({ label: 'note', value: n, tone: 'dim' });
  return out;
}
