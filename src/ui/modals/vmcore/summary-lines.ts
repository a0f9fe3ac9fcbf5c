import type { VmcoreReportResult } from '../../../jobs/vmcore/model.js';
import type { ResultLine, Tone } from '../../labelled-rows.js';

// A finished vmcore report as the window shows it: why the kernel died, who was running, which
// kernel and taints, what went wrong collecting, and where the archive is.

export function reportVerdict(r: VmcoreReportResult): { text: string; tone: Tone } {
  const tone: Tone = r.status === 'complete' ? 'ok' : r.status === 'partial' ? 'warn' : 'bad';
  return { text: `${r.status.toUpperCase()} (exit code ${r.exit_code})`, tone };
}

export function summaryLines(r: VmcoreReportResult, problems = 3): ResultLine[] {
  const out: ResultLine[] = [];
  const reason = r.panic.reason ?? r.panic.title;
  out.push({ label: 'panic_reason', value: reason ?? 'no panic found in the log', tone: reason ? 'bad' : 'dim' });
  const c = r.panic.crashed;
  out.push({
    label: 'crashed_task',
    value: c ? `${c.comm}[${c.pid}] on CPU ${c.cpu}, state ${c.state}` : 'unknown',
    tone: c ? 'plain' : 'dim',
  });
  out.push({ label: 'release', value: r.kernel.release ?? 'unknown', tone: r.kernel.release ? 'plain' : 'dim' });
  const t = r.kernel.taints;
  out.push({
    label: 'taints',
    value: !t
      ? 'unknown'
      : t.mask === 0
        ? 'none'
        : `${t.letters} (${t.flags.map((f) => `${f.letter} ${f.name}: ${f.meaning}`).join('; ')})`,
    tone: !t ? 'dim' : t.mask === 0 ? 'ok' : 'warn',
  });
  if (r.kernel.crash_time) out.push({ label: 'crash_time', value: r.kernel.crash_time.iso, tone: 'plain' });
  const ran = r.plugins.filter((p) => p.status !== 'skipped');
  const count = (s: string) => ran.filter((p) => p.status === s).length;
  const failed = count('failed');
  const notRun = count('not_run');
  out.push({
    label: 'plugins',
    value: `${count('ok')} ok, ${failed} failed, ${notRun} not run, ${r.plugins.length - ran.length} skipped`,
    tone: failed ? 'bad' : notRun ? 'warn' : 'ok',
  });
  for (const p of ran.filter((x) => x.status === 'failed' || x.status === 'not_run')) {
    out.push({
      label: `  ${p.name}`,
      value: `${p.status}: ${p.error ?? p.reason ?? ''}`,
      tone: p.status === 'failed' ? 'bad' : 'warn',
    });
  }
  for (const p of r.problems.slice(0, problems)) out.push({ label: 'problem', value: p, tone: 'warn' });
  if (r.problems.length > problems)
    out.push({ label: '', value: `${r.problems.length - problems} more problems in sos_reports/sos.txt`, tone: 'dim' });
  if (r.archive) {
    out.push({ label: 'archive', value: r.archive, tone: 'plain' });
    if (r.checksum) out.push({ label: 'sha256', value: r.checksum, tone: 'dim' });
  } else if (r.build_dir) out.push({ label: 'directory', value: r.build_dir, tone: 'plain' });
  return out;
}
