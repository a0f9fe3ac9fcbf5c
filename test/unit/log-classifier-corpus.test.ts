// Runs the classifier over the whole corpus of real crash logs and healthy logs
// (fixtures/crash-corpus, origins in SOURCES.md) and prints the rates. The expected class and guilty
// function follow from the published title by the fixed mapping below (not by the classifier's
// own tables), unless the manifest names them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeLog } from '../../src/knowledge/log-classifier/index.js';

interface Entry {
  set: 'dev' | 'heldout';
  title?: string;
  class?: string;
  function?: string | null;
  crashed?: boolean;
}

const root = new URL('../../fixtures/crash-corpus/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', root), 'utf8')) as Record<string, Entry>;

/** Title prefix -> class, in the order tested. */
const TITLE_CLASS: Array<[RegExp, string]> = [
  [/^KASAN:/, 'kasan'], [/^KMSAN:/, 'kmsan'], [/^KCSAN:/, 'kcsan'], [/^KFENCE:/, 'kfence'], [/^UBSAN:/, 'ubsan'],
  [/^BUG: soft lockup/, 'soft_lockup'], [/hard lockup/i, 'hard_lockup'], [/^INFO: rcu detected stall/, 'rcu_stall'],
  [/^INFO: task (?:hung|can't die)/, 'hung_task'], [/^BUG: workqueue lockup/, 'workqueue_lockup'],
  [/^(?:general protection fault|stack segment fault)/, 'gpf'],
  [/unable to handle kernel NULL pointer dereference/, 'null_deref'], [/unable to handle kernel paging request/, 'paging_request'],
  [/^(?:possible deadlock|inconsistent lock state|WARNING: suspicious RCU usage|(?:WARNING|BUG): (?:bad unlock balance|held lock freed|lock held when returning|still has locks held)|INFO: trying to register non-static key|BUG: spinlock)/, 'lockdep'],
  [/^BUG: (?:sleeping function called|scheduling while atomic|using (?:smp_processor_id|__this_cpu))/, 'atomic_sleep'],
  [/^memory leak/, 'memory_leak'], [/^OOM kill/, 'oom_kill'],
  [/^(?:kernel panic: stack is corrupted|kernel panic: corrupted stack end|kernel stack overflow|BUG: stack guard page)/, 'stack_corruption'],
  [/^PANIC: double fault/, 'double_fault'], [/^divide error/, 'divide_error'], [/^invalid opcode/, 'invalid_opcode'],
  [/^(?:kernel BUG|BUG: corrupted list|BUG: bad usercopy)/, 'kernel_bug'], [/^kernel panic:/, 'panic'],
  [/^WARNING/, 'warning'], [/^unregister_netdevice/, 'netdev_refcount'], [/^machine check|^hardware error/, 'mce'],
];

export function classOfTitle(title: string): string {
  for (const [re, c] of TITLE_CLASS) if (re.test(title)) return c;
  return 'oops';
}

/** The function a title names ("... in FUNC"), or null. */
export function functionOfTitle(title: string): string | null {
  const m = / in ([A-Za-z_$][\w$]*)/.exec(title);
  return m ? m[1] : null;
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

function score(set: 'dev' | 'heldout' | 'all'): Score {
  const s: Score = { crashFiles: 0, detected: 0, classRight: 0, funcCases: 0, funcRight: 0, titleRight: 0, healthyFiles: 0, falseCrash: 0, misses: [] };
  for (const [file, e] of Object.entries(manifest)) {
    if (set !== 'all' && e.set !== set) continue;
    const a = analyzeLog(readFileSync(new URL(file, root), 'utf8'));
    if (e.crashed === false) {
      s.healthyFiles++;
      if (a.crashed) {
        s.falseCrash++;
        s.misses.push(`${file}: false crash "${a.title}"`);
      }
      continue;
    }
    s.crashFiles++;
    const title = e.title!;
    const wantClass = e.class ?? classOfTitle(title);
    const wantFunc = e.function !== undefined ? e.function : functionOfTitle(title);
    if (!a.crashed) {
      s.misses.push(`${file}: not detected (want ${title})`);
      continue;
    }
    s.detected++;
    if (a.type === wantClass) s.classRight++;
    else s.misses.push(`${file}: class ${a.type} want ${wantClass} (${a.title})`);
    if (a.title === title) s.titleRight++;
    if (wantFunc) {
      s.funcCases++;
      if (a.function === wantFunc) s.funcRight++;
      else s.misses.push(`${file}: function ${a.function} want ${wantFunc}`);
    }
  }
  return s;
}

const pct = (n: number, d: number) => (d ? (100 * n) / d : 0);

function report(name: string, s: Score): string {
  return [
    `corpus ${name}: ${s.crashFiles} crash logs, ${s.healthyFiles} healthy logs`,
    `  crash reports detected ${pct(s.detected, s.crashFiles).toFixed(1)}% (${s.detected}/${s.crashFiles})`,
    `  false crash reports on healthy logs ${pct(s.falseCrash, s.healthyFiles).toFixed(1)}% (${s.falseCrash}/${s.healthyFiles})`,
    `  class right ${pct(s.classRight, s.detected).toFixed(1)}% (${s.classRight}/${s.detected})`,
    `  guilty function right ${pct(s.funcRight, s.funcCases).toFixed(1)}% (${s.funcRight}/${s.funcCases})`,
    `  title exactly syzkaller's ${pct(s.titleRight, s.detected).toFixed(1)}% (${s.titleRight}/${s.detected})`,
    ...s.misses.map((m) => `    - ${m}`),
  ].join('\n');
}

describe('crash corpus', () => {
  it('every manifest entry names a file that exists', () => {
    for (const f of Object.keys(manifest)) expect(() => readFileSync(new URL(f, root))).not.toThrow();
  });

  it('meets the detection, false-alarm, class and function aims', () => {
    const dev = score('dev');
    const held = score('heldout');
    const all = score('all');
    console.log(['', report('dev (tuned on)', dev), report('held-out (measured, not tuned on)', held), report('all', all)].join('\n'));
    // The aims hold on the set the classifier was written against; the held-out figures are
    // reported as measured, and the whole corpus must not fall below these floors.
    expect(pct(dev.detected, dev.crashFiles)).toBeGreaterThanOrEqual(95);
    expect(pct(dev.falseCrash, dev.healthyFiles)).toBeLessThanOrEqual(5);
    expect(pct(dev.classRight, dev.detected)).toBeGreaterThanOrEqual(90);
    expect(pct(dev.funcRight, dev.funcCases)).toBeGreaterThanOrEqual(70);
    expect(pct(all.detected, all.crashFiles)).toBeGreaterThanOrEqual(90);
    expect(pct(all.falseCrash, all.healthyFiles)).toBeLessThanOrEqual(5);
    expect(pct(all.classRight, all.detected)).toBeGreaterThanOrEqual(90);
    expect(pct(all.funcRight, all.funcCases)).toBeGreaterThanOrEqual(70);
  });
});
