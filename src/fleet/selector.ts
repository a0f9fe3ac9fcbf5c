// --selector '{nodepool="gpu",zone=~"eu-.*"}': label matchers that every query of the fleet view
// carries. Only the matcher list is accepted (no metric name), so it can be put on every metric.

// One matcher: a label name, an operator, a double- or single-quoted string (escapes allowed).
const MATCHER = /^\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*$/;

/** Splits on the commas between matchers, not those inside quoted values. */
function splitMatchers(inner: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (quote) {
      cur += c;
      if (c === '\\') cur += inner[++i] ?? '';
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
      cur += c;
    } else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur);
  return out;
}

/** The matchers inside the braces, checked; throws a message with the accepted form. */
export function parseSelector(sel: string | undefined): string[] {
  if (sel === undefined || sel.trim() === '' || sel.trim() === '{}') return [];
  const t = sel.trim();
  if (!t.startsWith('{') || !t.endsWith('}'))
    throw new Error(`--selector must be label matchers in braces, like '{nodepool="gpu"}' (got ${JSON.stringify(sel)})`);
  const parts = splitMatchers(t.slice(1, -1));
  for (const p of parts)
    if (!MATCHER.test(p))
      throw new Error(
        `--selector: ${JSON.stringify(p.trim())} is not a label matcher (name="value", name!="value", name=~"regex" or name!~"regex")`,
      );
  return parts.map((p) => p.trim());
}

/** metric{matchers...,extra...} */
export function withSelector(metric: string, matchers: readonly string[], extra: readonly string[] = []): string {
  const all = [...matchers, ...extra];
  return all.length ? `${metric}{${all.join(',')}}` : metric;
}
