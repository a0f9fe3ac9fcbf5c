// The one state machine behind analyzeLog (whole logs), LogStream (the live kmsg feed) and the CLI:
// it takes decoded lines one at a time, groups crash reports, and reports single-line findings.
// Memory is bounded: one open report of at most maxReportLines lines.
import {
  CRASH_FORMATS,
  HEADERLESS_OOPS,
  IP_LINE_RE,
  OOPS_BODY_EVIDENCE_RE,
  mayBeHeader as mayBeHeaderImport,
  type CrashFormat,
} from './formats.js';
import { finalizeReport, type ReportLine } from './report.js';
import { isInlineFrameLine } from './frames.js';
import type { CrashReport } from './types.js';
import { lineSeverity as lineSeverityImport, lineEventKind, type LineSeverity } from './line-rules.js';
import { REPORT_BODY_RE } from './report-body.js';

// Hot-path imports bound once: some loaders (tsx) turn each use of an imported name into a getter call.
const headerPrefilter = mayBeHeaderImport;
const lineSeverity = lineSeverityImport;

export interface InputLine {
  no: number;
  text: string;
  level?: number;
  ctx?: string;
  ts_ms?: number;
}

/** A crash report as the public API gives it, plus what the analyzer and the stream need internally. */
export interface ClassifiedReport extends CrashReport {
  subsystem: CrashFormat['subsystem'];
  format: string;
  /** Messages of "Kernel panic - not syncing" lines that belong to this report (panic_on_warn, Fatal exception). */
  panics: string[];
  header: string;
  ts_ms?: number;
}

export interface Sink {
  report(r: ClassifiedReport): void;
  line(sev: Exclude<LineSeverity, null>, no: number, text: string, rule: string | undefined): void;
  event?(
    kind: { subsystem: 'io_error' | 'fs_error' | 'mce'; rule: string; dev?: string },
    no: number,
    text: string,
    ts_ms?: number,
  ): void;
  /** A "Kernel panic" line, whether it opened its own report or belongs to another. */
  panic?(no: number, msg: string): void;
}

export interface HeaderMatch {
  fmt: CrashFormat;
  m: RegExpExecArray;
}

/** The first format whose header matches this line, or null. */
export function matchHeader(text: string): HeaderMatch | null {
  if (!headerPrefilter(text)) return null;
  for (const fmt of CRASH_FORMATS) {
    const m = fmt.header.exec(text);
    if (!m) continue;
    if (fmt.suppress && fmt.suppress.test(text)) return null;
    return { fmt, m };
  }
  return null;
}

// Lines that belong to a report body (frames, registers, the kernel's report prose). A report stays
// open while these keep coming; QUIET_LIMIT other lines in a row close it.
const BODY_RE = REPORT_BODY_RE;
const END_RE = /^---\[ end (?:trace|Kernel panic)/;
const SEPARATOR_RE = /^={20,}\s*$/;
const EVIDENCE_RE =
  /Call Trace:|Call trace:|^\s*RIP: |^\s*pc : |^CPU: \d+ (?:UID: \d+ )?PID: \d+|^Hardware name: |^\s*backtrace:|Modules linked in:|^\s*\[<[0-9a-f]+>\]|^\s*[A-Za-z_][\w.]*\+0x[0-9a-f]+\/0x[0-9a-f]+/;

const QUIET_LIMIT = 30;
/** After "---[ end trace ]---": lines in which a panic/continuation still belongs to the report. */
const TAIL_LIMIT = 40;
const EVIDENCE_WINDOW = 15;
/** A live report whose next line comes this much later is over. */
const GAP_MS = 10_000;
/** Lines kept (as references, in a ring) to find the start of a report whose header was lost. */
const LOOKBACK = 64;

interface Open {
  hm: HeaderMatch;
  lines: ReportLine[];
  start: number;
  end: number;
  quiet: number;
  tail: number; // -1: in body; >=0: lines seen after the end marker
  evidence: boolean;
  held: Array<[Exclude<LineSeverity, null>, number, string, string | undefined]>; // line hits held until evidence decides
  panics: string[];
  ctx?: string;
  cpuTraceback: boolean;
  ts_ms?: number;
  last_ts_ms?: number;
  dropped: number;
  /** Every line so far is a header naming an inlined callee (see push). */
  inlineHeaders: boolean;
}

export class Classifier {
  private open: Open | null = null;
  private readonly maxLines: number;
  // Ring of the last LOOKBACK lines outside reports (two arrays: no object per line).
  private readonly recentText: string[] = new Array<string>(LOOKBACK).fill('');
  private readonly recentNo: number[] = new Array<number>(LOOKBACK).fill(0);
  private recentCtx: Array<string | undefined> = new Array<string | undefined>(LOOKBACK).fill(undefined);
  private recentPos = 0;
  /** Last input line of the last report (a header-less report never reaches back into it). */
  private lastReportLine = 0;

  constructor(
    private readonly sink: Sink,
    opts: { maxReportLines?: number } = {},
  ) {
    this.maxLines = Math.max(20, opts.maxReportLines ?? 400);
  }

  push(l: InputLine): void {
    const o = this.open;
    if (o && l.ts_ms !== undefined && o.last_ts_ms !== undefined && l.ts_ms - o.last_ts_ms > GAP_MS) this.close();
    const hm = matchHeader(l.text);
    if (hm) {
      const isPanic = hm.fmt.subsystem === 'panic' && hm.fmt.class === 'panic';
      const msg = isPanic ? (hm.m.groups?.msg ?? '') : '';
      if (isPanic) this.sink.panic?.(l.no, msg);
      const cur = this.open;
      if (cur && hm.fmt.continuation) {
        if (isPanic) cur.panics.push(msg);
        cur.tail = -1;
        cur.quiet = 0;
        this.append(cur, l, true);
        return;
      }
      if (cur && cur.inlineHeaders) {
        // A symbolized report repeats its header once per inlined callee ("BUG: KASAN: ... in
        // instrument_atomic_read include/linux/instrumented.h:68 [inline]") before the real one:
        // one report, named by the first header that is not an inline frame.
        cur.hm = hm;
        cur.lines = [{ no: l.no, text: l.text, ctx: l.ctx }];
        cur.end = l.no;
        cur.inlineHeaders = isInlineFrameLine(l.text);
        if (!hm.fmt.needsEvidence) cur.evidence = true;
        return;
      }
      if (cur) this.close();
      this.start(hm, l);
      return;
    }
    const cur = this.open;
    if (!cur) {
      this.lineOutside(l);
      return;
    }
    cur.inlineHeaders = false;
    if (!cur.evidence) {
      if (EVIDENCE_RE.test(l.text)) cur.evidence = true;
      else if (l.no - cur.start > EVIDENCE_WINDOW) {
        this.discard();
        this.lineOutside(l);
        return;
      }
    }
    if (cur.tail >= 0) {
      // After the end marker only continuation headers (handled above) extend the report.
      cur.tail++;
      if (cur.tail > TAIL_LIMIT) {
        this.close();
        this.lineOutside(l);
        return;
      }
      this.lineQuietly(l);
      return;
    }
    if (END_RE.test(l.text) || (SEPARATOR_RE.test(l.text) && cur.lines.length >= 3 && cur.hm.fmt.class !== 'lockdep')) {
      this.append(cur, l, true);
      cur.tail = 0;
      return;
    }
    if (cur.ctx && l.ctx && l.ctx !== cur.ctx) {
      if (/Sending NMI from CPU|NMI backtrace for cpu/.test(l.text)) cur.cpuTraceback = true;
      // Interleaved output of another task: not part of this report, and not a report line either.
      if (!(cur.cpuTraceback && l.ctx.startsWith('C'))) {
        this.lineOutside(l);
        return;
      }
    }
    if (/Sending NMI from CPU/.test(l.text)) cur.cpuTraceback = true;
    if (BODY_RE.test(l.text)) {
      cur.quiet = 0;
      this.append(cur, l, true);
    } else {
      cur.quiet++;
      if (cur.quiet > QUIET_LIMIT) {
        this.close();
        this.lineOutside(l);
        return;
      }
      this.append(cur, l, false);
      this.lineQuietly(l);
    }
    if (cur.lines.length >= this.maxLines && this.open === cur) this.close();
  }

  /** Ends the open report, if any (end of input, or a quiet period on a live feed). */
  flush(): void {
    if (this.open) this.close();
  }

  get hasOpenReport(): boolean {
    return this.open !== null;
  }

  private start(hm: HeaderMatch, l: InputLine): void {
    const isPanic = hm.fmt.class === 'panic';
    this.open = {
      hm,
      lines: [{ no: l.no, text: l.text, ctx: l.ctx }],
      start: l.no,
      end: l.no,
      quiet: 0,
      tail: -1,
      evidence: !hm.fmt.needsEvidence,
      held: [],
      panics: isPanic ? [hm.m.groups?.msg ?? ''] : [],
      ctx: l.ctx,
      cpuTraceback: false,
      ts_ms: l.ts_ms,
      last_ts_ms: l.ts_ms,
      dropped: 0,
      inlineHeaders: isInlineFrameLine(l.text),
    };
  }

  private append(o: Open, l: InputLine, content: boolean): void {
    if (o.lines.length < this.maxLines) o.lines.push({ no: l.no, text: l.text, ctx: l.ctx });
    else o.dropped++;
    if (content) o.end = l.no;
    if (l.ts_ms !== undefined) o.last_ts_ms = l.ts_ms;
  }

  /** A line outside any report: error/warning verdict and live-feed line events. */
  private lineOutside(l: InputLine): void {
    const k = this.recentPos;
    this.recentText[k] = l.text;
    this.recentNo[k] = l.no;
    this.recentCtx[k] = l.ctx;
    this.recentPos = (k + 1) % LOOKBACK;
    if (l.text.charCodeAt(0) === 45 /* - */ && END_RE.test(l.text) && this.headerless()) return;
    const v = lineSeverity(l.text, l.level);
    if (v.sev) this.sink.line(v.sev, l.no, l.text, v.rule);
    if (this.sink.event) {
      const k = lineEventKind(l.text);
      if (k) this.sink.event(k, l.no, l.text, l.ts_ms);
    }
  }

  /**
   * A line inside a report's span that is not report text (interleaved output of other CPUs or
   * user space): judged on its own, as outside a report. Before the report is confirmed by kernel
   * evidence, its verdict is held and given out only if the report turns out not to be one.
   */
  private lineQuietly(l: InputLine): void {
    const o = this.open!;
    if (o.evidence) {
      this.lineOutside(l);
      return;
    }
    const v = lineSeverity(l.text, l.level);
    if (v.sev) o.held.push([v.sev, l.no, l.text, v.rule]);
  }

  /**
   * An end marker with no report open: looks back (within LOOKBACK lines, never into the last
   * report) for an instruction-pointer line with a register dump or stack trace around it, and
   * reports the span as a header-less oops.
   */
  private headerless(): boolean {
    const n: number[] = [];
    for (let i = 1; i <= LOOKBACK; i++) {
      const k = (this.recentPos - i + LOOKBACK) % LOOKBACK;
      const no = this.recentNo[k];
      if (no === 0 || no <= this.lastReportLine) break;
      n.push(k);
    }
    // n: ring slots from the end marker backwards.
    let ip = -1;
    for (let i = 1; i < n.length; i++) if (IP_LINE_RE.test(this.recentText[n[i]])) ip = i;
    if (ip < 0) return false;
    let evidence = 0;
    for (let i = 1; i < n.length; i++) if (OOPS_BODY_EVIDENCE_RE.test(this.recentText[n[i]])) evidence++;
    if (evidence < 2) return false;
    // Start: walk back from the earliest IP line over report body lines.
    let start = ip;
    while (start + 1 < n.length && BODY_RE.test(this.recentText[n[start + 1]])) start++;
    // Line 0 stands for the header (the stack parts read from line 1): the end marker, which is
    // this format's header; then the span in order.
    const endMarker = this.recentText[n[0]];
    const lines: ReportLine[] = [{ no: this.recentNo[n[0]], text: endMarker }];
    for (let i = start; i > 0; i--)
      lines.push({ no: this.recentNo[n[i]], text: this.recentText[n[i]], ctx: this.recentCtx[n[i]] });
    const header = HEADERLESS_OOPS.header.exec(endMarker)!;
    const f = finalizeReport(HEADERLESS_OOPS, header, lines);
    const first = lines[1];
    this.lastReportLine = lines[0].no;
    this.sink.report({
      class: HEADERLESS_OOPS.class,
      subsystem: HEADERLESS_OOPS.subsystem,
      format: HEADERLESS_OOPS.id,
      title: f.title,
      function: f.function,
      cpu: f.cpu,
      pid: f.pid,
      comm: f.comm,
      tainted: f.tainted,
      start_line: first.no,
      end_line: lines[0].no,
      corrupted: true,
      panics: [],
      header: first.text,
    });
    return true;
  }

  private discard(): void {
    const o = this.open!;
    this.open = null;
    // Not a kernel report after all ("BUG: start networkManagement" from user space): its header and
    // held lines are judged as ordinary lines.
    const h = o.lines[0];
    const v = lineSeverity(h.text, undefined);
    if (v.sev) this.sink.line(v.sev, h.no, h.text, v.rule);
    for (const [sev, no, text, rule] of o.held) this.sink.line(sev, no, text, rule);
  }

  private close(): void {
    const o = this.open!;
    if (!o.evidence) {
      this.discard();
      return;
    }
    this.open = null;
    this.lastReportLine = o.end;
    const lines =
      o.ctx === undefined
        ? o.lines
        : o.lines.filter((x) => !x.ctx || x.ctx === o.ctx || (o.cpuTraceback && x.ctx.startsWith('C')));
    const f = finalizeReport(o.hm.fmt, o.hm.m, lines);
    const fmt = o.hm.fmt;
    // A "Fatal exception" panic with no report before it: the report it ends was lost.
    const corrupted = f.corrupted || (o.dropped > 0 && f.function === null);
    this.sink.report({
      class: fmt.class,
      subsystem: fmt.subsystem,
      format: fmt.id,
      title: f.title,
      function: f.function,
      cpu: f.cpu,
      pid: f.pid,
      comm: f.comm,
      tainted: f.tainted,
      start_line: o.start,
      end_line: o.end,
      corrupted,
      panics: o.panics,
      header: o.lines[0].text,
      ts_ms: o.ts_ms,
    });
  }
}
