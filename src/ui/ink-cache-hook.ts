// Ink 6.8 remembers every distinct string it has measured or wrapped, in two module-level caches that
// are never emptied (vadimdemedes/ink#986). A top-like screen shows new strings every frame (event
// lines, counters, the clock), so a UI left open grows without bound: about 3 MB of live heap a
// minute at 10 frames/s, measured with bench/tui.ts. This module loader hook rewrites those two
// caches, as Ink is loaded, to start over once they hold CACHE_LIMIT entries. bin/kerntop registers it.
// If a future Ink no longer has the exact lines, the source is left as it is (and the unit test that
// pins these patterns fails, so the hook gets a look).

export const CACHE_LIMIT = 4096;

interface Patch {
  file: string;
  edits: [find: string, replace: string][];
}

export const PATCHES: Patch[] = [
  {
    file: '/ink/build/measure-text.js',
    edits: [['    cache.set(text, dimensions);', `    if (cache.size >= ${CACHE_LIMIT}) cache.clear();\n    cache.set(text, dimensions);`]],
  },
  {
    file: '/ink/build/wrap-text.js',
    edits: [
      ['const cache = {};', 'let cache = {};\nlet cacheSize = 0;'],
      ['    cache[cacheKey] = wrappedText;', `    if (++cacheSize > ${CACHE_LIMIT}) {\n        cache = {};\n        cacheSize = 1;\n    }\n    cache[cacheKey] = wrappedText;`],
    ],
  },
];

/** The patched source of an Ink module, or null when `url` is not one to patch or a pattern is missing. */
export function patchInkSource(url: string, source: string): string | null {
  const p = PATCHES.find((x) => url.endsWith(x.file));
  if (!p) return null;
  let out = source;
  for (const [find, replace] of p.edits) {
    if (!out.includes(find)) return null;
    out = out.replace(find, replace);
  }
  return out;
}

interface LoadResult {
  format?: string | null;
  source?: string | ArrayBuffer | ArrayBufferView | null;
  shortCircuit?: boolean;
}

export async function load(url: string, context: unknown, nextLoad: (url: string, context: unknown) => Promise<LoadResult>): Promise<LoadResult> {
  const result = await nextLoad(url, context);
  if (!PATCHES.some((p) => url.endsWith(p.file)) || result.source === null || result.source === undefined) return result;
  const text = typeof result.source === 'string' ? result.source : new TextDecoder().decode(result.source as ArrayBuffer);
  const patched = patchInkSource(url, text);
  return patched === null ? result : { ...result, source: patched };
}
