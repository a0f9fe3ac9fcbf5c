import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_THRESHOLDS, type ProbeFamily, type Thresholds } from '../../events.js';
import type { Strategy } from './catalog.js';
import { cpuFilterExpr } from './cpus.js';

/** bpf-scripts/ at the package root (same depth from src/ and dist/). */
export const SCRIPTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bpf-scripts');

export interface ComposeParams {
  thresholds: Thresholds;
  /** Most one-by-one events a family may print per second; the rest are only counted. */
  events_per_s: number;
  kerntop_pid: number;
  /** CPUs to measure (--cpus), for fragments that filter with {{cpu_ok}}; all when absent. */
  cpus?: readonly number[];
}

/** Returns the body of the first `interval:s:1 { ... }` block and the fragment without it. */
export function splitInterval(src: string): { probes: string; tick: string } {
  const m = /interval:s:1\s*\{/.exec(src);
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
  const values: Record<string, number> = { ...p.thresholds, events_per_s: p.events_per_s, kerntop_pid: p.kerntop_pid };
  return src.replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
    if (k === 'cpu_ok') return cpuFilterExpr(p.cpus);
    if (k === 'noise_warn_us') return String(Math.trunc(p.thresholds.noise_warn_us ?? DEFAULT_THRESHOLDS.noise_warn_us!));
    if (!(k in values)) throw new Error(`bpf-scripts: unknown placeholder {{${k}}}`);
    return String(Math.trunc(values[k]));
  });
}

export function mapNames(src: string): string[] {
  return [...new Set([...src.matchAll(/@([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]))].sort();
}

/** A strategy's script, or several joined with '+' ("noise.irq.bt+noise.wake.bt"): one program, one interval block. */
export function loadFragment(strategy: Strategy): string {
  if (!strategy.script.includes('+')) return readFileSync(join(SCRIPTS_DIR, strategy.script), 'utf8');
  const parts = strategy.script.split('+').map((f) => splitInterval(readFileSync(join(SCRIPTS_DIR, f), 'utf8')));
  return `${parts.map((x) => x.probes.trim()).join('\n\n')}\n\ninterval:s:1\n{\n  ${parts.map((x) => x.tick.trim()).filter(Boolean).join('\n  ')}\n}\n`;
}

export interface Composed {
  program: string;
  /** 1-based inclusive line ranges of each family's probes, to blame bpftrace errors on a family. */
  ranges: { family: ProbeFamily; first: number; last: number; text: string }[];
}

/**
 * One bpftrace program for every chosen family: one child instead of one per family (each costs
 * ~100 MB). One BEGIN prints READY once probes are live, one interval merges every family's tick and
 * ends with TICK, and END clears every map so bpftrace prints nothing more at exit.
 */
export function compose(chosen: { family: ProbeFamily; strategy: Strategy }[], p: ComposeParams, load = loadFragment): Composed {
  const parts: string[] = ['BEGIN { printf("READY\\n"); }'];
  const ranges: Composed['ranges'] = [];
  const ticks: string[] = [];
  let line = 2; // after BEGIN and the blank line that joins parts
  for (const { family, strategy } of chosen) {
    const { probes: body, tick } = splitInterval(fill(load(strategy), p));
    const text = `// ---- ${family} (${strategy.script})\n${body.trim()}`;
    const n = text.split('\n').length;
    ranges.push({ family, first: line + 1, last: line + n, text });
    parts.push(text);
    line += n + 1;
    if (tick.trim()) ticks.push(tick.trim());
  }
  const maps = mapNames(parts.join('\n') + ticks.join('\n'));
  parts.push(`interval:s:1\n{\n  ${ticks.join('\n  ')}\n  printf("TICK\\n");\n}`);
  parts.push(`END\n{\n  ${maps.map((m) => `clear(@${m});`).join(' ')}\n}`);
  return { program: parts.join('\n\n') + '\n', ranges };
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
