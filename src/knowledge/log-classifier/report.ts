// Turning the lines of one report into its title, guilty function and task fields.
import type { CrashFormat, StackPart, StackSpec } from './formats.js';
import {
  type Frame,
  hungTaskExtractor,
  isInlineFrameLine,
  isSkippedFrame,
  isSkippedHeaderFrame,
  isStallAnchor,
  parseFrame,
  parseIpLine,
  canonicalFunc,
} from './frames.js';

export interface ReportLine {
  no: number;
  text: string;
  ctx?: string;
}

export interface Finalized {
  title: string;
  function: string | null;
  cpu: number | null;
  pid: number | null;
  comm: string | null;
  tainted: string | null;
  corrupted: boolean;
  groups: Record<string, string>;
}

// Another stack starts here ("Allocated by task 1:"): a trace ends where the next one begins.
const STACK_KEYWORD_RE =
  /Call Trace:|Call trace:|^\s*backtrace(?: \(crc [0-9a-f]+\))?:|^Backtrace:|Allocated by task \d+:|Freed by task \d+:|Last potentially related work creation:|Second to last potentially related|^\s*Allocated:|^\s*Freed:|^Uninit was (?:created|stored)|^Local variable .* created at:|^Bytes \d+-\d+ of \d+ are uninitialized/;
const TRACE_START_RE =
  /Call Trace:|Call trace:|^\s*backtrace(?: \(crc [0-9a-f]+\))?:|^Backtrace:|^\s*Stack:|^stack backtrace:|^Task dump for CPU/;
const TRACE_END_RE = /^\s*<\/TASK>|^---\[ end |^\s*RIP: [0-9a-f]{4}:0x|^\s*Code: |^Modules linked in|^={20,}/;
// x86 kernel-mode instruction pointer (code segment 0010, or 0060 on 32-bit), as printed for an
// interrupt inside a trace; user mode is 0033/0023/0073.
const KERNEL_IP_IN_TRACE_RE = /^\s*(?:RIP: 0010|EIP: 0060):[A-Za-z_]/;
const CODE_RE = /^\s*Code: /;
// "CPU: 0 PID: 45 Comm: sh Tainted: G        W          6.1.192 #1" (UID: since 6.11).
const TASK_RE =
  /^\s*CPU: (\d+) (?:UID: \d+ )?PID: (\d+) Comm: (.+?)(?: (?:Not tainted|Tainted: ([A-Z ]+?))\s+\S*\d+\.\d+|\s+Not tainted|\s+Tainted:|\s*$)/;
const TASK_RE_OLD = /^\s*(?:Pid|PID): (\d+), comm: +(\S+)(?: (?:Not tainted|Tainted: ([A-Z ]+?)) )?/;

function frameMatches(f: Frame, spec: StackSpec | undefined): boolean {
  if (f.header && spec?.trustHeader) return !isSkippedHeaderFrame(f.func, spec.skip);
  return !isSkippedFrame(f.func, spec?.skip) && !(spec?.skip && spec.skip.test(f.raw));
}

/** Runs one list of stack parts over the lines; returns all frames met (in order) with a flag for "skipped". */
function collectFrames(lines: ReportLine[], header: RegExpExecArray, parts: StackPart[]): Frame[] {
  const frames: Frame[] = [];
  let pos = 1; // line 0 is the header
  for (const part of parts) {
    if (part === 'header') {
      const name = header.groups?.func ?? header.groups?.func2;
      // "BUG: KASAN: ... in foo include/x.h:12 [inline]": a symbolizer's line, see isInlineFrameLine.
      if (name && !isInlineFrameLine(lines[0].text)) frames.push({ raw: name, func: canonicalFunc(name), header: true });
      continue;
    }
    if (part === 'ip') {
      for (let i = pos; i < lines.length; i++) {
        if (TRACE_END_RE.test(lines[i].text) && /^---\[ end /.test(lines[i].text)) break;
        const f = parseIpLine(lines[i].text);
        if (f) {
          frames.push(f);
          pos = i + 1;
          break;
        }
      }
      continue;
    }
    if (part === 'trace' || part === 'frames') {
      let i = pos;
      if (part === 'trace') {
        while (i < lines.length && !TRACE_START_RE.test(lines[i].text)) i++;
        if (i >= lines.length) continue;
        i++;
      }
      let seen = 0;
      // An interrupt taken in the kernel prints its registers inside the trace ("asm_sysvec_...",
      // "RIP: 0010:__schedule+0x1c8/0x5240", registers, "Code:") and the stack goes on below them.
      let irqRegs = false;
      for (; i < lines.length; i++) {
        const t = lines[i].text;
        if (seen > 0 && KERNEL_IP_IN_TRACE_RE.test(t)) irqRegs = true;
        else if (seen > 0 && (STACK_KEYWORD_RE.test(t) || (TRACE_END_RE.test(t) && !(irqRegs && CODE_RE.test(t))))) break;
        const f = parseFrame(t);
        if (f === null || f === 'questionable') continue;
        irqRegs = false;
        seen++;
        if (!isInlineFrameLine(t)) frames.push(f);
      }
      pos = i;
      continue;
    }
    if ('after' in part) {
      for (let i = pos; i < lines.length; i++) {
        const m = part.after.exec(lines[i].text);
        if (m) {
          if (m.groups?.func) frames.push({ raw: m.groups.func, func: canonicalFunc(m.groups.func) });
          pos = i + 1;
          break;
        }
      }
      continue;
    }
    if ('at' in part) {
      for (let i = pos; i < lines.length; i++) {
        // Lockdep repeats "at:" once per inlined callee when symbolized; the raw line names the real one.
        if (isInlineFrameLine(lines[i].text)) continue;
        const m = part.at.exec(lines[i].text);
        if (m && m.groups?.func) {
          frames.push({ raw: m.groups.func, func: canonicalFunc(m.groups.func) });
          pos = i + 1;
          break;
        }
      }
    }
  }
  return frames;
}

function pick(frames: Frame[], spec: StackSpec): Frame | null {
  if (spec.extractor === 'stall') {
    // Anchors (syscall entry, work item, softirq...) are looked for among all frames, skipped or not;
    // the kept frame just above the first anchor names the stall.
    let prev: Frame | null = null;
    for (const f of frames) {
      if (prev && isStallAnchor(f)) return prev;
      if (frameMatches(f, spec)) prev = f;
    }
    return frames.find((f) => frameMatches(f, spec)) ?? null;
  }
  const kept = frames.filter((f) => frameMatches(f, spec));
  if (spec.extractor === 'hung') return hungTaskExtractor(kept);
  // A report cut right after its only frame still names it, unless this kind of report skips that
  // frame on its own ("WARNING: ODEBUG bug in corrupted" when only debug_print_object is left).
  if (kept[0]) return kept[0];
  const only = frames.length === 1 ? frames[0] : null;
  return only && !(spec.skip && spec.skip.test(only.func)) ? only : null;
}

export function guiltyFrame(lines: ReportLine[], header: RegExpExecArray, spec: StackSpec): Frame | null {
  const frames1 = collectFrames(lines, header, spec.parts);
  const f1 = pick(frames1, spec);
  // The second layout is for reports where the first found no frame at all; frames that were all
  // plumbing mean there is no culprit to name (syzkaller titles those "in corrupted").
  if (f1 || !spec.parts2 || frames1.length > 0) return f1;
  return pick(collectFrames(lines, header, spec.parts2), spec);
}

// syzkaller-style title clean-up: no addresses, offsets or timestamps in a title; bounded length.
export function sanitizeTitle(t: string): string {
  let s = t
    .replace(/([A-Za-z_$][\w.$]*)\+0x[0-9a-f]+\/0x[0-9a-f]+/g, '$1')
    // pkg/report's rule: anything that looks like an address after a non-alphanumeric character
    // ("bpf_prog_82ec301e76077160" -> "bpf_prog_ADDR", the name of a JIT image).
    .replace(/(^|[^a-zA-Z0-9])(?:0x)?[0-9a-f]{6,}/g, '$1ADDR')
    .replace(/\s+/g, ' ')
    .trim();
  if (s.length > 120) s = s.slice(0, 120);
  return s;
}

export function finalizeReport(fmt: CrashFormat, header: RegExpExecArray, lines: ReportLine[]): Finalized {
  const groups: Record<string, string> = {};
  for (const [k, v] of Object.entries(header.groups ?? {})) if (v !== undefined) groups[k.replace(/[23]$/, '')] ??= v;
  if (fmt.details) {
    for (const d of fmt.details) {
      for (const l of lines) {
        const m = d.exec(l.text);
        if (m?.groups) {
          for (const [k, v] of Object.entries(m.groups)) if (v !== undefined) groups[k] ??= v;
          break;
        }
      }
    }
  }
  let fn: string | null = null;
  let corrupted = fmt.corrupted === true;
  if (fmt.stack) {
    const f = guiltyFrame(lines, header, fmt.stack);
    fn = f ? f.func : null;
  }
  let title = fmt.title;
  if (title.includes('{FUNC}')) {
    // No frame left: syzkaller's placeholder, so the title still matches the dashboard's ("INFO: task
    // hung in corrupted"); the report is marked corrupted.
    title = title.replace('{FUNC}', fn ?? 'corrupted');
    if (!fn) corrupted = true;
  }
  // A missing detail drops its phrase ("OOM kill of {victim}" -> "OOM kill").
  title = title.replace(/ (?:of|in|for|at) \{(\w+)\}/g, (m, k: string) => (groups[k] !== undefined ? m : ''));
  title = title.replace(/\{(\w+)\}/g, (_m, k: string) => groups[k] ?? '');
  title = sanitizeTitle(title.replace(/ {2,}/g, ' '));
  if (/\[ *\d+\.\d+\]/.test(title)) corrupted = true;

  let cpu: number | null = groups.cpu !== undefined ? Number(groups.cpu) : null;
  let pid: number | null = groups.pid !== undefined ? Number(groups.pid) : null;
  let comm: string | null = groups.comm ?? null;
  let tainted: string | null = null;
  for (let i = 0; i < lines.length && i < 60; i++) {
    const t = lines[i].text;
    if (t.indexOf('PID') < 0 && t.indexOf('Pid') < 0) continue;
    const m = TASK_RE.exec(t);
    if (m) {
      cpu ??= Number(m[1]);
      pid ??= Number(m[2]);
      comm ??= m[3];
      if (m[4]) tainted = m[4].replace(/\s+/g, '');
      break;
    }
    const o = TASK_RE_OLD.exec(t);
    if (o) {
      pid ??= Number(o[1]);
      comm ??= o[2];
      if (o[3]) tainted = o[3].replace(/\s+/g, '');
      break;
    }
  }
  if (fmt.class === 'oom_kill' && groups.victim) {
    comm = groups.victim;
    pid = groups.victim_pid !== undefined ? Number(groups.victim_pid) : pid;
  }
  return { title, function: fn, cpu, pid, comm, tainted, corrupted, groups };
}
