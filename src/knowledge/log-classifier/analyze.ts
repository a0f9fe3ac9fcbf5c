// Whole-log analysis: any input form in, one LogAnalysis out. Lines are fed one at a time so a file
// of any size can be streamed through LogAnalyzer with bounded memory.
import { decodeInto as decodeIntoImport, type DecodedLine } from './decode.js';
import { Classifier, type ClassifiedReport, type InputLine } from './classifier.js';
import type { CrashReport, LogAnalysis, LogLineHit } from './types.js';
import { FS_ERROR_RULES, IO_ERROR_RULES } from './line-rules.js';

// Bound once: some loaders (tsx) turn each use of an imported name into a getter call, per line here.
const decodeInto = decodeIntoImport;

const RULE_KIND = new Map<string, string>([
  ...IO_ERROR_RULES.map((r) => [r.id, 'io_error'] as const),
  ...FS_ERROR_RULES.map((r) => [r.id, 'fs_error'] as const),
]);

/** Lists keep the first MAX_HITS entries; counts stay exact. */
const MAX_HITS = 1000;
const MAX_REPORTS = 1000;

export class LogAnalyzer {
  private readonly reports: ClassifiedReport[] = [];
  private readonly errors: LogLineHit[] = [];
  private readonly warnings: LogLineHit[] = [];
  private readonly counts: Record<string, number> = {
    panics: 0,
    oops: 0,
    errors: 0,
    warnings: 0,
    reports: 0,
    kernel_warnings: 0,
    lines: 0,
  };
  private readonly classifier: Classifier;
  private lineNo = 0;
  private lastWasKmsg = false;
  // One decoded line and one classifier input, reused for every line (the classifier copies what it keeps).
  private readonly d: DecodedLine = { text: '', level: undefined, ctx: undefined, ts_s: undefined, dict: undefined };
  private readonly input: InputLine = { no: 0, text: '', level: undefined, ctx: undefined, ts_ms: undefined };

  constructor(opts: { maxReportLines?: number } = {}) {
    this.classifier = new Classifier(
      {
        report: (r) => {
          this.counts.reports++;
          this.counts[r.class] = (this.counts[r.class] ?? 0) + 1;
          if (r.class === 'warning') this.counts.kernel_warnings++;
          else if (r.class !== 'panic') this.counts.oops++;
          if (this.reports.length < MAX_REPORTS) this.reports.push(r);
          // The report's header is also an error (or, for a kernel WARNING, a warning) line, so a
          // consumer that only reads errors/warnings still sees it.
          this.hit(r.class === 'warning' ? 'warning' : 'error', r.start_line, r.header, `report:${r.class}`);
        },
        line: (sev, no, text, rule) => {
          this.hit(sev, no, text, rule);
          // I/O and filesystem error lines are also counted by kind (the live feed's rows).
          const kind = rule ? RULE_KIND.get(rule) : undefined;
          if (kind) this.counts[kind] = (this.counts[kind] ?? 0) + 1;
        },
        panic: () => {
          this.counts.panics++;
        },
      },
      opts,
    );
  }

  private hit(sev: 'error' | 'warning', line: number, text: string, rule?: string): void {
    const list = sev === 'error' ? this.errors : this.warnings;
    this.counts[sev === 'error' ? 'errors' : 'warnings']++;
    if (list.length < MAX_HITS) list.push(rule ? { line, text, rule } : { line, text });
  }

  /** One raw input line (any supported form), without its newline. */
  pushRaw(raw: string): void {
    this.lineNo++;
    const d = decodeInto(raw, this.d);
    if (d.dict) {
      // " SUBSYSTEM=pci" after a /dev/kmsg record is metadata, not text.
      if (this.lastWasKmsg) return;
      d.dict = undefined;
    }
    this.lastWasKmsg = d.level !== undefined && /^\d{1,4},\d/.test(raw);
    const l = this.input;
    l.no = this.lineNo;
    l.text = d.text;
    l.level = d.level;
    l.ctx = d.ctx;
    this.classifier.push(l);
  }

  /** Feeds a chunk holding whole lines (the caller keeps any partial last line). */
  pushText(text: string): void {
    let pos = 0;
    const n = text.length;
    while (pos < n) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) nl = n;
      this.pushRaw(text.slice(pos, nl));
      pos = nl + 1;
    }
  }

  result(): LogAnalysis {
    this.classifier.flush();
    this.counts.lines = this.lineNo;
    const reports: CrashReport[] = this.reports.map((r) => ({
      class: r.class,
      title: r.title,
      function: r.function,
      cpu: r.cpu,
      pid: r.pid,
      comm: r.comm,
      tainted: r.tainted,
      start_line: r.start_line,
      end_line: r.end_line,
      corrupted: r.corrupted,
    }));
    const primary = reports[0] ?? null;
    const errors = [...this.errors].sort((a, b) => a.line - b.line);
    const warnings = [...this.warnings].sort((a, b) => a.line - b.line);
    return {
      crashed: primary !== null,
      type: primary?.class ?? null,
      title: primary?.title ?? null,
      function: primary?.function ?? null,
      reports,
      errors,
      warnings,
      counts: { ...this.counts },
      summary: summarize(primary, this.counts),
    };
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function summarize(primary: CrashReport | null, c: Record<string, number>): string {
  const tail = `${plural(c.errors, 'error')}, ${plural(c.warnings, 'warning')}`;
  if (primary) {
    const more = c.reports > 1 ? ` (+${c.reports - 1} more report${c.reports > 2 ? 's' : ''})` : '';
    const panic = c.panics > 0 && primary.class !== 'panic' ? ', kernel panicked' : '';
    return `CRASH: ${primary.title}${more}${panic}; ${tail}`;
  }
  if (c.errors || c.warnings) return tail;
  return 'OK: no crash reports, errors or warnings';
}

/** Analyzes a whole log: serial console, dmesg, /dev/kmsg records or journalctl -k output. Never throws on bad input. */
export function analyzeLog(text: string): LogAnalysis {
  const a = new LogAnalyzer();
  a.pushText(typeof text === 'string' ? text : String(text ?? ''));
  return a.result();
}
