// Reads `kerntop -q --json` output on stdin and checks that probes attached: some entry of a
// `probes` list (array, or object keyed by name) reports an attached/running state.
import { readFileSync } from 'node:fs';

const text = readFileSync(0, 'utf8').trim();
// One document (possibly pretty-printed), or JSON lines of which the last is the summary.
let doc;
try {
  doc = JSON.parse(text);
} catch {
  try {
    doc = JSON.parse(text.split('\n').filter(Boolean).at(-1) ?? '');
  } catch (err) {
    console.error(`not JSON: ${String(err)}: ${text.slice(0, 500)}`);
    process.exit(1);
  }
}
const found = [];
const walk = (v) => {
  if (!v || typeof v !== 'object') return;
  for (const [k, child] of Object.entries(v)) {
    if (k === 'probes' && child && typeof child === 'object') {
      found.push(
        ...(Array.isArray(child)
          ? child
          : Object.entries(child).map(([name, p]) => ({ name, ...(typeof p === 'object' ? p : { status: p }) }))),
      );
    } else walk(child);
  }
};
walk(doc);
const attached = found.filter((p) => /attached|running|ok|active|live/i.test(String(p?.status ?? p?.state ?? '')));
if (attached.length === 0) {
  console.error(`no attached probe in ${JSON.stringify(found).slice(0, 800) || 'the output'}`);
  process.exit(1);
}
const label = (p) => p?.family ?? p?.name ?? '?';
const others = found.filter((p) => !attached.includes(p)).map((p) => `${label(p)} ${p?.state ?? p?.status ?? ''}`.trim());
console.log(`attached: ${attached.map(label).join(', ')}${others.length ? `; not: ${others.join(', ')}` : ''}`);
