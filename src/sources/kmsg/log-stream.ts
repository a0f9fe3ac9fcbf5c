// The live kmsg feed's view of the classifier: every record goes through the same state machine as
// a whole log, and completed reports and single-line findings come out as KernelEvents. Here, not in
// knowledge: the classifier knows kernel reports; turning them into events is this source's job.
import type { KernelEvent, Severity } from '../../events.js';
import { Classifier, type ClassifiedReport } from '../../knowledge/log-classifier/classifier.js';

const SEVERITY: Record<ClassifiedReport['subsystem'], Severity> = {
  soft_lockup: 'critical',
  hard_lockup: 'critical',
  rcu_stall: 'critical',
  hung_task: 'critical',
  oops: 'critical',
  panic: 'critical',
  oom_kill: 'critical',
  mce: 'critical',
  warning: 'warning',
};

export class LogStream {
  private readonly classifier: Classifier;
  private out: KernelEvent[] = [];
  private no = 0;
  private now_ms: number | undefined;

  constructor(opts?: { maxReportLines?: number }) {
    this.classifier = new Classifier(
      {
        report: (r) => this.out.push(reportEvent(r, r.ts_ms ?? this.now_ms ?? Date.now())),
        line: () => {},
        event: (k, _no, text, ts_ms) => {
          const title =
            k.subsystem === 'io_error'
              ? `I/O error${k.dev ? ` on ${k.dev}` : ''}`
              : k.subsystem === 'fs_error'
                ? `filesystem error${k.dev ? ` on ${k.dev}` : ''}`
                : 'corrected hardware error';
          this.out.push({
            type: 'kernel.event',
            ts_ms: ts_ms ?? this.now_ms ?? Date.now(),
            source: 'log',
            subsystem: k.subsystem,
            severity: 'warning',
            title,
            fields: { rule: k.rule, device: k.dev ?? null, text: text.slice(0, 300) },
          });
        },
      },
      { maxReportLines: opts?.maxReportLines ?? 200 },
    );
  }

  /** One kernel log line (already decoded text, no prefix) with its level if known; returns the KernelEvents completed by this line. */
  push(text: string, meta?: { level?: number; ts_ms?: number; seq?: number }): KernelEvent[] {
    this.no = meta?.seq ?? this.no + 1;
    this.now_ms = meta?.ts_ms;
    // A kmsg record can hold several lines (continuations joined by the kernel): feed each.
    const s = typeof text === 'string' ? text : String(text ?? '');
    if (s.indexOf('\n') < 0) this.classifier.push({ no: this.no, text: s, level: meta?.level, ts_ms: meta?.ts_ms });
    else
      for (const part of s.split('\n')) this.classifier.push({ no: this.no, text: part, level: meta?.level, ts_ms: meta?.ts_ms });
    return this.take();
  }

  /** Ends pending reports (e.g. at end of input or after a quiet period). */
  flush(ts_ms?: number): KernelEvent[] {
    if (ts_ms !== undefined) this.now_ms = ts_ms;
    this.classifier.flush();
    return this.take();
  }

  /** True while a report is being collected (the caller may flush after a quiet period). */
  get pending(): boolean {
    return this.classifier.hasOpenReport;
  }

  private take(): KernelEvent[] {
    if (this.out.length === 0) return [];
    const o = this.out;
    this.out = [];
    return o;
  }
}

export function reportEvent(r: ClassifiedReport, ts_ms: number): KernelEvent {
  const ev: KernelEvent = {
    type: 'kernel.event',
    ts_ms,
    source: 'log',
    subsystem: r.subsystem,
    severity: SEVERITY[r.subsystem],
    title: r.title,
    fields: {
      class: r.class,
      function: r.function,
      cpu: r.cpu,
      tainted: r.tainted,
      corrupted: r.corrupted,
      panicked: r.panics.length > 0 || r.class === 'panic',
    },
  };
  if (r.pid !== null) ev.pid = r.pid;
  if (r.comm !== null) ev.comm = r.comm;
  if (r.pid !== null) ev.fields!.pid = r.pid;
  if (r.comm !== null) ev.fields!.comm = r.comm;
  return ev;
}
