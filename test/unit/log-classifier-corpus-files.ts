// Reading the crash corpus files (shared by the corpus and plumbing tests).
import { readdirSync, readFileSync } from 'node:fs';

/** The console log of a corpus file: syzkaller test files lose their header lines and any expected REPORT: section. */
export function logText(file: string, text: string): string {
  if (!file.startsWith('syzkaller/')) return text;
  const s = text.replace(/\r/g, '');
  const blank = s.indexOf('\n\n');
  let body = blank < 0 ? '' : s.slice(blank + 2);
  // A file with no header starts with its blank line.
  if (s.startsWith('\n')) body = s.slice(1);
  const rep = body.search(/\n\nREPORT:\n|\nTAIL REPORTS:\n/);
  return rep < 0 ? body : body.slice(0, rep);
}

/**
 * Held-out public reports, each file opening with SOURCE:, TITLE: and FUNCTION: lines (the published
 * title and guilty function) and a blank line; the log follows. Three rounds from outside syzkaller's
 * pkg/report/testdata, each collected after the one before had been measured and fixed; rounds 1 and
 * 2 have been tuned on since, round 3 has not (each round's README says what was done).
 */
const HELDOUT_ROUNDS = {
  1: new URL('../../fixtures/crash-corpus-heldout/', import.meta.url),
  2: new URL('../../fixtures/crash-corpus-heldout-2/', import.meta.url),
  3: new URL('../../fixtures/crash-corpus-heldout-3/', import.meta.url),
} as const;
export interface HeldoutCase {
  file: string;
  source: string;
  title: string;
  function: string | null;
  log: string;
}
export type HeldoutRound = keyof typeof HELDOUT_ROUNDS;

export function readHeldout(round: HeldoutRound): HeldoutCase[] {
  const heldoutRoot = HELDOUT_ROUNDS[round];
  const out: HeldoutCase[] = [];
  for (const file of readdirSync(heldoutRoot)
    .filter((f) => f.endsWith('.log'))
    .sort()) {
    const text = readFileSync(new URL(file, heldoutRoot), 'utf8');
    const blank = text.indexOf('\n\n');
    const head = text.slice(0, blank);
    const field = (k: string) => new RegExp(`^${k}: (.*)$`, 'm').exec(head)?.[1];
    const fn = field('FUNCTION');
    out.push({
      file,
      source: field('SOURCE') ?? '',
      title: field('TITLE') ?? '',
      function: fn === undefined || fn === '-' ? null : fn,
      log: text.slice(blank + 2),
    });
  }
  return out;
}
