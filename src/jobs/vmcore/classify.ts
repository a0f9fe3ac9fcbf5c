// The panic reason comes from the project's log classifier (src/knowledge/log-classifier), fed the
// log text the dump holds: it names the first report's class, title and guilty function. The
// collector's ranked panic line (drgn's panic_message() order) stays as the kernel's own words.
import { type LogAnalysis, analyzeLog } from '../../knowledge/log-classifier/index.js';

export interface PanicReason {
  /** The kernel's own panic line ("Kernel panic - not syncing: sysrq triggered crash"). */
  line: string | null;
  /** What it says after "Kernel panic - not syncing: " ("sysrq triggered crash"), or the line. */
  reason: string | null;
  title: string | null;
  class: string | null;
  function: string | null;
  source: 'log classifier' | 'collector ranking' | 'none';
  classifier_error?: string;
}

export function reasonFromPanicLine(line: string | null): string | null {
  if (!line) return null;
  const m = /Kernel panic - not syncing:\s*(.*)$/.exec(line);
  return (m ? m[1] : line).trim() || null;
}

export function panicReason(logText: string, rankedLine: string | null): PanicReason {
  const out: PanicReason = {
    line: rankedLine,
    reason: reasonFromPanicLine(rankedLine),
    title: null,
    class: null,
    function: null,
    source: rankedLine ? 'collector ranking' : 'none',
  };
  try {
    const a: LogAnalysis = analyzeLog(logText);
    const first = a.reports?.[0];
    out.title = a.title ?? first?.title ?? null;
    out.class = first?.class ?? a.type ?? null;
    out.function = a.function ?? first?.function ?? null;
    if (a.crashed || out.title) out.source = 'log classifier';
    if (!out.reason && out.title) out.reason = out.title.replace(/^kernel panic:\s*/i, '');
  } catch (e) {
    out.classifier_error = (e as Error).message.split('\n')[0];
  }
  return out;
}
