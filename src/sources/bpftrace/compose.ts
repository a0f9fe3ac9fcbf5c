import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProbeFamily, Thresholds } from '../../events.js';
import type { Strategy } from './catalog.js';

/** bpf-scripts/ at the package root (same depth from src/ and dist/). */
export const SCRIPTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bpf-scripts');

export interface ComposeParams {
  thresholds: Thresholds;
  /** Most one-by-one events a family may print per second; the rest are only counted. */
  events_per_s: number;
  /** kerntop's own pid (tgid): its threads are left out of what it measures. */
  kerntop_pid: number;
  /** Thread ids of kerntop's node process when the program is written (default: the pid alone). */
  kerntop_tids?: number[];
}

/**
 * The bpftrace child's own pid is not known when the program is written (it is composed before the
 * spawn), so the child is started with its pid as positional parameter $1 (see bpftraceArgv).
 */
const BPFTRACE_PID = '$1';

/** Returns the body of the first `interval:s:1 { ... }` block and the fragment without it. */
export function splitInterval(src: string): { probes: string; tick: string } {
  return splitBlock(src, /interval:s:1\s*\{/);
}

/** Returns the body of the first block whose header matches (ending in its `{`) and the fragment without it. */
export function splitBlock(src: string, header: RegExp): { probes: string; tick: string } {
  const m = header.exec(src);
  if (!m) return { probes: src, tick: '' };
  let depth = 1;
  let i = m.index + m[0].length;
  for (; i < src.length && depth > 0; i++) {
    if (src[i] === '{') depth++;
    else if (src[i] === '}') depth--;
  }
  return { probes: src.slice(0, m.index) + src.slice(i), tick: src.slice(m.index + m[0].length, i - 1) };
}

function fill(src: string, p: ComposeParams): string {
  // {{mark_kerntop_tids @map}}: one `@map[tid] = 1;` per thread of kerntop and for the bpftrace child.
  src = src.replace(/\{\{mark_kerntop_tids (@\w+)\}\}/g, (_, map: string) =>
    [...(p.kerntop_tids ?? [p.kerntop_pid]), BPFTRACE_PID].map((t) => `${map}[${t}] = 1;`).join(' '),
  );
  const values: Record<string, string> = { bpftrace_pid: BPFTRACE_PID };
  for (const [k, v] of Object.entries({ ...p.thresholds, events_per_s: p.events_per_s, kerntop_pid: p.kerntop_pid }))
    values[k] = String(Math.trunc(v));
  return src.replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
    if (!(k in values)) throw new Error(`bpf-scripts: unknown placeholder {{${k}}}`);
    return values[k];
  });
}

/**
 * Maps an interval block prints but does not clear. bpftrace 0.17 runs print() and clear() in
 * userspace one after the other, so an update landing between them would be lost: counts and
 * histograms are never cleared and the assembler takes differences. Max and top-N maps are still
 * cleared each second (a value lost there only shifts one second's max or ranking). A running total
 * printed with a limit (`print(@m, 5)`) could not be differenced, as keys leave and re-enter the top.
 */
export function runningTotals(tick: string): string[] {
  const cleared = new Set([...tick.matchAll(/clear\(@(\w+)\)/g)].map((m) => m[1]));
  const out: string[] = [];
  for (const m of tick.matchAll(/print\(@(\w+)\s*(,[^)]*)?\)/g)) {
    if (cleared.has(m[1])) continue;
    if (m[2])
      throw new Error(
        `bpf-scripts: @${m[1]} is a running total (never cleared) printed with a limit; print it in full or clear it`,
      );
    out.push(m[1]);
  }
  return out;
}

export function mapNames(src: string): string[] {
  return [...new Set([...src.matchAll(/@([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]))].sort();
}

export function loadFragment(strategy: Strategy): string {
  return readFileSync(join(SCRIPTS_DIR, strategy.script), 'utf8');
}

export interface Composed {
  program: string;
  /** Maps the interval prints and never clears: running totals, of which kerntop reports per-second differences. */
  totals: string[];
  /** 1-based inclusive line ranges of each family's probes, to blame bpftrace errors on a family. */
  ranges: { family: ProbeFamily; first: number; last: number; text: string }[];
}

/**
 * One bpftrace program for every chosen family: one child instead of one per family (each costs
 * ~100 MB). One BEGIN prints READY once probes are live, one interval merges every family's tick and
 * ends with TICK, and END clears every map so bpftrace prints nothing more at exit.
 */
export function compose(chosen: { family: ProbeFamily; strategy: Strategy }[], p: ComposeParams, load = loadFragment): Composed {
  const bodies: { family: ProbeFamily; strategy: Strategy; body: string; tick: string }[] = [];
  const begins: string[] = [];
  for (const { family, strategy } of chosen) {
    const { probes: rest, tick } = splitInterval(fill(load(strategy), p));
    // A fragment's BEGIN (setting up its maps) runs before READY in the one BEGIN.
    const { probes: body, tick: begin } = splitBlock(rest, /^BEGIN\s*\{/m);
    if (begin.trim()) begins.push(begin.trim());
    bodies.push({ family, strategy, body, tick });
  }
  const parts: string[] = [
    begins.length ? `BEGIN\n{\n  ${begins.join('\n  ')}\n  printf("READY\\n");\n}` : 'BEGIN { printf("READY\\n"); }',
  ];
  const ranges: Composed['ranges'] = [];
  const ticks: string[] = [];
  const totals: string[] = [];
  let line = parts[0].split('\n').length + 1; // after BEGIN and the blank line that joins parts
  for (const { family, strategy, body, tick } of bodies) {
    const text = `// ---- ${family} (${strategy.script})\n${body.trim()}`;
    const n = text.split('\n').length;
    ranges.push({ family, first: line + 1, last: line + n, text });
    parts.push(text);
    line += n + 1;
    if (tick.trim()) ticks.push(tick.trim());
    totals.push(...runningTotals(tick));
  }
  const maps = mapNames(parts.join('\n') + ticks.join('\n'));
  parts.push(`interval:s:1\n{\n  ${ticks.join('\n  ')}\n  printf("TICK\\n");\n}`);
  parts.push(`END\n{\n  ${maps.map((m) => `clear(@${m});`).join(' ')}\n}`);
  return { program: parts.join('\n\n') + '\n', totals, ranges };
}

/**
 * The family a bpftrace error points at: by a probe name it quotes, else by the source line it echoes
 * under the error (its line numbers are not reliable in 0.17, so they are not used).
 */
export function blame(errorText: string, composed: Composed): ProbeFamily | null {
  for (const m of errorText.matchAll(/((?:tracepoint|kprobe|kretprobe|kfunc|kretfunc|software|hardware):[\w:.-]+)/g)) {
    const r = composed.ranges.find((x) => x.text.includes(m[1]));
    if (r) return r.family;
  }
  for (const raw of errorText.split('\n')) {
    const line = raw.trim();
    if (line.length < 8 || /^[~\s]+$/.test(line) || line.startsWith('ERROR') || line.includes('.bt:')) continue;
    const hits = composed.ranges.filter((x) => x.text.includes(line));
    if (hits.length === 1) return hits[0].family;
  }
  return null;
}

/**
 * argv that runs bpftrace on a program file with its own pid as $1: a shell execs bpftrace in its own
 * process, so `$$` is bpftrace's pid. Without /bin/sh, $1 is 0 and only kerntop's node process is left out.
 */
export function bpftraceArgv(bpftrace: string, file: string, hasShell = existsSync('/bin/sh')): string[] {
  return hasShell ? ['/bin/sh', '-c', 'exec "$0" -f json "$1" $$', bpftrace, file] : [bpftrace, '-f', 'json', file, '0'];
}
