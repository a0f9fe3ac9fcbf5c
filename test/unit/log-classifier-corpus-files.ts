// Reading the crash corpus files (shared by the corpus and plumbing tests).

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
