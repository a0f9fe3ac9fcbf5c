// The panic reason comes from the project's log classifier (src/knowledge/log-classifier), fed the
// log text the dump holds. It is loaded when first needed so that a report still comes out, with
// the collector's ranked panic line, if the classifier fails on some log.

/** The part of the classifier's LogAnalysis a vmcore report uses. */
export interface LogReport {
  class?: string;
  title?: string;
  function?: string;
  cpu?: number;
  pid?: number;
  comm?: string;
}

export interface LogAnalysisLike {
  crashed: boolean;
  type?: string;
  title?: string;
  function?: string;
  reports: LogReport[];
  summary?: string;
}

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

const CLASSIFIER = '../../knowledge/log-classifier/index.js';

type Analyze = (text: string) => LogAnalysisLike;
let analyzeCache: Promise<Analyze | null> | null = null;

async function loadAnalyze(): Promise<Analyze | null> {
  // A computed specifier: the classifier is built alongside and may be absent in a partial install.
  const spec = CLASSIFIER;
  const mod = (await import(spec)) as { analyzeLog?: Analyze };
  return typeof mod.analyzeLog === 'function' ? mod.analyzeLog : null;
}

export function reasonFromPanicLine(line: string | null): string | null {
  if (!line) return null;
  const m = /Kernel panic - not syncing:\s*(.*)$/.exec(line);
  return (m ? m[1] : line).trim() || null;
}

export async function panicReason(logText: string, rankedLine: string | null): Promise<PanicReason> {
  const out: PanicReason = {
    line: rankedLine, reason: reasonFromPanicLine(rankedLine), title: null, class: null, function: null,
    source: rankedLine ? 'collector ranking' : 'none',
  };
  try {
    analyzeCache ??= loadAnalyze();
    const analyze = await analyzeCache;
    if (!analyze) throw new Error('log classifier exports no analyzeLog');
    const a = analyze(logText);
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
