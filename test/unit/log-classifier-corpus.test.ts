// Runs the classifier over the whole corpus of real crash logs and healthy logs
// (fixtures/crash-corpus, origins in SOURCES.md) and prints the rates. The expected class and guilty
// function follow from the published title by the fixed mapping below (not by the classifier's
// own tables), unless the manifest names them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeLog, type LogAnalysis } from '../../src/knowledge/log-classifier/index.js';
import { logText, readHeldout, type HeldoutRound } from './log-classifier-corpus-files.js';

interface Entry {
  set: 'dev' | 'heldout';
  title?: string;
  class?: string;
  function?: string | null;
  crashed?: boolean;
  corrupted?: boolean;
  alt?: string[];
  source?: string;
}

const root = new URL('../../fixtures/crash-corpus/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', root), 'utf8')) as Record<string, Entry>;

/** syzkaller's title normalisation (pkg/report sanitizeTitle): addresses, line numbers and other numbers. */
export function normTitle(t: string): string {
  return t
    .replace(/(^|[^a-zA-Z0-9])(?:0x)?[0-9a-f]{6,}/g, '$1ADDR')
    .replace(/(\.[ch]):\d+/g, '$1:LINE')
    .replace(/\b\d+\b/g, 'NUM')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * syzkaller title prefix -> our class, first match wins. The titles are syzkaller's own
 * (pkg/report title templates), so this table is the fixed bridge between their names and ours.
 */
export const TITLE_CLASS: ReadonlyArray<[RegExp, string]> = [
  [/^KASAN:/, 'kasan'],
  [/^KMSAN:/, 'kmsan'],
  [/^KCSAN:/, 'kcsan'],
  [/^KFENCE:/, 'kfence'],
  [/^UBSAN:/, 'ubsan'],
  [/^BUG: soft lockup/, 'soft_lockup'],
  [/hard lockup|hard LOCKUP/, 'hard_lockup'],
  [/^INFO: rcu detected stall/, 'rcu_stall'],
  [/^INFO: task (?:hung|can't die)/, 'hung_task'],
  [/^BUG: workqueue lockup/, 'workqueue_lockup'],
  [/^(?:general protection fault|stack segment fault)/, 'gpf'],
  [/unable to handle kernel NULL pointer dereference/, 'null_deref'],
  [/unable to handle kernel(?: paging request|$)/, 'paging_request'],
  [
    /^(?:possible deadlock|inconsistent lock state|(?:WARNING: )?suspicious RCU usage|(?:WARNING|BUG): (?:bad unlock balance|held lock freed|lock held when returning|still has locks held)|INFO: trying to register non-static key|BUG: spinlock|BUG: rwlock|BUG: MAX_LOCK|BUG: looking up invalid subclass)/,
    'lockdep',
  ],
  [/^BUG: (?:sleeping function called|scheduling while atomic|using (?:smp_processor_id|__this_cpu))/, 'atomic_sleep'],
  [/^(?:memory leak|unreferenced object)/, 'memory_leak'],
  [/^OOM kill/, 'oom_kill'],
  [
    /^(?:kernel panic: stack is corrupted|kernel panic: corrupted stack end|kernel stack overflow|BUG: stack guard page)/,
    'stack_corruption',
  ],
  [/^PANIC: double fault/, 'double_fault'],
  [/^divide error/, 'divide_error'],
  [/^invalid opcode/, 'invalid_opcode'],
  [/^(?:kernel BUG|BUG: corrupted list|BUG: bad usercopy)/, 'kernel_bug'],
  [/^kernel panic:/, 'panic'],
  [/^WARNING/, 'warning'],
  [/^unregister_netdevice/, 'netdev_refcount'],
  [/^machine check|^hardware error/, 'mce'],
];

export function classOfTitle(title: string): string {
  for (const [re, c] of TITLE_CLASS) if (re.test(title)) return c;
  return 'oops';
}

/**
 * The function a title names: the last " in FUNC" ("KASAN: use-after-free Read in foo" -> foo,
 * "KCSAN: data-race in foo / bar" -> foo), or null when it names none, a source path
 * ("UBSAN: ... in kernel/time/hrtimer.c:LINE") or syzkaller's "corrupted" placeholder.
 */
export function functionOfTitle(title: string): string | null {
  const t = title.replace(/ in preemptible code/, '');
  let fn: string | null = null;
  for (const m of t.matchAll(/ in ([A-Za-z_$][\w$]*)(?=$| )/g)) fn = m[1];
  return fn === 'corrupted' ? null : fn;
}

interface Score {
  crashFiles: number;
  detected: number;
  classRight: number;
  funcCases: number;
  funcRight: number;
  titleRight: number;
  healthyFiles: number;
  falseCrash: number;
  misses: string[];
}

// Each file is analyzed once; the three sets are views of the same results.
const results = new Map<string, LogAnalysis>();
function analysis(file: string): LogAnalysis {
  let a = results.get(file);
  if (!a) {
    a = analyzeLog(logText(file, readFileSync(new URL(file, root), 'utf8')));
    results.set(file, a);
  }
  return a;
}

function emptyScore(): Score {
  return {
    crashFiles: 0,
    detected: 0,
    classRight: 0,
    funcCases: 0,
    funcRight: 0,
    titleRight: 0,
    healthyFiles: 0,
    falseCrash: 0,
    misses: [],
  };
}

/**
 * Scores one crash log against its published title: detected, class, title and guilty function
 * (right when it is one of `functions`; compared as the title is, after the same normalisation:
 * "bpf_prog_ADDR" for a JIT image's name).
 */
function judgeCrash(s: Score, file: string, a: LogAnalysis, title: string, wantClass: string, functions: string[]): void {
  s.crashFiles++;
  if (!a.crashed) {
    s.misses.push(`${file}: not detected (want ${title})`);
    return;
  }
  s.detected++;
  if (a.type === wantClass) s.classRight++;
  else s.misses.push(`${file}: class ${a.type} want ${wantClass} (${a.title})`);
  if (a.title !== null && normTitle(a.title) === normTitle(title)) s.titleRight++;
  else s.misses.push(`${file}: title "${a.title}" want "${title}"`);
  if (functions.length === 0) return;
  s.funcCases++;
  const got = a.function === null ? null : normTitle(a.function);
  if (got !== null && functions.some((f) => normTitle(f) === got)) s.funcRight++;
  else s.misses.push(`${file}: function ${a.function} want ${functions[0]}`);
}

function score(set: 'dev' | 'heldout' | 'all'): Score {
  const s = emptyScore();
  for (const [file, e] of Object.entries(manifest)) {
    if (set !== 'all' && e.set !== set) continue;
    const a = analysis(file);
    if (e.crashed === false) {
      s.healthyFiles++;
      if (a.crashed) {
        s.falseCrash++;
        s.misses.push(`${file}: false crash "${a.title}"`);
      }
      continue;
    }
    const title = e.title!;
    const wantFunc = e.function !== undefined ? e.function : functionOfTitle(title);
    // syzkaller's ALT: titles are its other accepted names for the same crash ("sys_foo" for "foo").
    const alsoRight = (e.alt ?? []).map(functionOfTitle).filter((f): f is string => f !== null);
    judgeCrash(s, file, a, title, e.class ?? classOfTitle(title), wantFunc ? [wantFunc, ...alsoRight] : []);
  }
  return s;
}

function scoreHeldout(round: HeldoutRound): Score {
  const s = emptyScore();
  for (const c of readHeldout(round))
    judgeCrash(s, c.file, analyzeLog(c.log), c.title, classOfTitle(c.title), c.function ? [c.function] : []);
  return s;
}

const pct = (n: number, d: number) => (d ? (100 * n) / d : 0);

// Held-out misses are listed only on request (CORPUS_SHOW_HELDOUT=1), so tuning is done on the dev
// list alone; the held-out figures are always printed.
function report(name: string, s: Score, listMisses = true): string {
  return [
    `corpus ${name}: ${s.crashFiles} crash logs, ${s.healthyFiles} healthy logs`,
    `  crash reports detected ${pct(s.detected, s.crashFiles).toFixed(1)}% (${s.detected}/${s.crashFiles})`,
    `  false crash reports on healthy logs ${pct(s.falseCrash, s.healthyFiles).toFixed(1)}% (${s.falseCrash}/${s.healthyFiles})`,
    `  class right ${pct(s.classRight, s.detected).toFixed(1)}% (${s.classRight}/${s.detected})`,
    `  guilty function right ${pct(s.funcRight, s.funcCases).toFixed(1)}% (${s.funcRight}/${s.funcCases})`,
    `  title exactly syzkaller's ${pct(s.titleRight, s.detected).toFixed(1)}% (${s.titleRight}/${s.detected})`,
    ...(listMisses ? s.misses.map((m) => `    - ${m}`) : s.misses.length ? [`    (${s.misses.length} misses not listed)`] : []),
  ].join('\n');
}

/** Crash logs per expected class, with the number detected in that class (whole corpus). */
function byClass(): string {
  const n = new Map<string, [number, number]>();
  for (const [file, e] of Object.entries(manifest)) {
    if (e.crashed === false) continue;
    const c = e.class ?? classOfTitle(e.title!);
    const v = n.get(c) ?? [0, 0];
    v[0]++;
    if (analysis(file).type === c) v[1]++;
    n.set(c, v);
  }
  const rows = [...n].sort((a, b) => b[1][0] - a[1][0]).map(([c, [k, ok]]) => `${c} ${ok}/${k}`);
  const healthy = Object.values(manifest).filter((e) => e.crashed === false).length;
  return `per class (right/files): ${rows.join(', ')}; healthy logs ${healthy}`;
}

describe('crash corpus', () => {
  it('every manifest entry names a file that exists', () => {
    for (const f of Object.keys(manifest)) expect(() => readFileSync(new URL(f, root))).not.toThrow();
  });

  it('syzkaller entries carry the title of their file header and a pinned source', () => {
    for (const [f, e] of Object.entries(manifest)) {
      if (!f.startsWith('syzkaller/')) continue;
      const text = readFileSync(new URL(f, root), 'utf8');
      const title = /^TITLE: (.*)$/m.exec(text.slice(0, text.indexOf('\n\n') + 1))?.[1];
      expect(e.title, f).toBe(title);
      expect(e.crashed === false, f).toBe(title === undefined);
      expect(e.source, f).toMatch(/^google\/syzkaller:pkg\/report\/testdata\/linux\/report\/\d+@[0-9a-f]{40}$/);
      expect(e.set, f).toBe(Number(/(\d+)\.log$/.exec(f)![1]) % 3 === 0 ? 'heldout' : 'dev');
    }
  });

  it('maps syzkaller titles to a class and a guilty function', () => {
    expect(functionOfTitle('KASAN: use-after-free Read in foo_bar')).toBe('foo_bar');
    expect(functionOfTitle('KCSAN: data-race in foo / bar')).toBe('foo');
    expect(functionOfTitle('BUG: using __this_cpu_read() in preemptible code')).toBeNull();
    expect(functionOfTitle('BUG: using smp_processor_id() in preemptible code in foo')).toBe('foo');
    expect(functionOfTitle('UBSAN: Undefined behaviour in kernel/time/hrtimer.c:LINE')).toBeNull();
    expect(functionOfTitle('INFO: task hung in corrupted')).toBeNull();
    expect(functionOfTitle('memory leak in __alloc_skb (size 2048)')).toBe('__alloc_skb');
    expect(classOfTitle('unable to handle kernel paging request in blk_rq_map_sg')).toBe('paging_request');
    expect(classOfTitle('suspicious RCU usage at net/core/filter.c:LINE')).toBe('lockdep');
    expect(classOfTitle('unreferenced object')).toBe('memory_leak');
  });

  it('meets the detection, false-alarm, class and function aims', () => {
    const dev = score('dev');
    const held = score('heldout');
    const all = score('all');
    const pub = scoreHeldout(1);
    const pub2 = scoreHeldout(2);
    const pub3 = scoreHeldout(3);
    const showHeld = process.env.CORPUS_SHOW_HELDOUT === '1';
    console.log(
      [
        '',
        report('dev (tuned on)', dev),
        report('syzkaller testdata held back (measured, not tuned on)', held, showHeld),
        report('all of fixtures/crash-corpus', all, false),
        byClass(),
        report('public reports round 1, fixtures/crash-corpus-heldout (measured, then tuned on)', pub),
        report('public reports round 2, fixtures/crash-corpus-heldout-2 (measured, then tuned on)', pub2),
        report('held-out public reports round 3, fixtures/crash-corpus-heldout-3 (measured, not tuned on)', pub3, showHeld),
      ].join('\n'),
    );
    // The aims hold on the set the classifier was written against; the held-out figures are
    // reported as measured, and the whole corpus must not fall below these floors.
    expect(pct(dev.detected, dev.crashFiles)).toBeGreaterThanOrEqual(95);
    expect(pct(dev.falseCrash, dev.healthyFiles)).toBeLessThanOrEqual(5);
    expect(pct(dev.classRight, dev.detected)).toBeGreaterThanOrEqual(90);
    expect(pct(dev.funcRight, dev.funcCases)).toBeGreaterThanOrEqual(70);
    expect(pct(all.detected, all.crashFiles)).toBeGreaterThanOrEqual(95);
    expect(pct(all.falseCrash, all.healthyFiles)).toBeLessThanOrEqual(5);
    expect(pct(all.classRight, all.detected)).toBeGreaterThanOrEqual(90);
    expect(pct(all.funcRight, all.funcCases)).toBeGreaterThanOrEqual(70);
    expect(dev.falseCrash + all.falseCrash).toBe(0);
    expect(pct(dev.funcRight, dev.funcCases)).toBeGreaterThanOrEqual(90);
    expect(pct(dev.titleRight, dev.detected)).toBeGreaterThanOrEqual(85);
    // Public reports. Round 1: measured at function 55.3% and title 55.3% when the plumbing tables
    // were written, 77.1% after them, then its misses were read and fixed (95.8%): floors below that.
    // Round 2: measured untouched at 86.8% and 86.8%, then its misses were fixed (98.1%).
    expect(pct(pub.detected, pub.crashFiles)).toBeGreaterThanOrEqual(97);
    expect(pct(pub.funcRight, pub.funcCases)).toBeGreaterThanOrEqual(90);
    expect(pct(pub.titleRight, pub.detected)).toBeGreaterThanOrEqual(90);
    expect(pct(pub2.detected, pub2.crashFiles)).toBeGreaterThanOrEqual(97);
    expect(pct(pub2.funcRight, pub2.funcCases)).toBeGreaterThanOrEqual(95);
    expect(pct(pub2.titleRight, pub2.detected)).toBeGreaterThanOrEqual(95);
    // Round 3, never tuned on: measured at 96.1% and 96.1%; the floors are the aims (80/70/97).
    expect(pct(pub3.detected, pub3.crashFiles)).toBeGreaterThanOrEqual(97);
    expect(pct(pub3.funcRight, pub3.funcCases)).toBeGreaterThanOrEqual(80);
    expect(pct(pub3.titleRight, pub3.detected)).toBeGreaterThanOrEqual(70);
    expect(pub.falseCrash + pub2.falseCrash + pub3.falseCrash).toBe(0);
  });
});
