// Ink 6.8 remembers every distinct string it has measured or wrapped, in two module-level caches that
// are never emptied (vadimdemedes/ink#986). A top-like screen shows new strings every frame (event
// lines, counters, the clock), so a UI left open grows without bound: about 3 MB of live heap a
// minute at 10 frames/s, measured with bench/tui.ts. This module loader hook rewrites those two
// caches, as Ink is loaded, to start over once they hold CACHE_LIMIT entries. bin/kerntop registers it.
// Ink also builds every frame from scratch: for each line on screen it tokenizes the ANSI codes, slices
// the line to its box and measures each character, with caches that live for one frame only. Between
// two frames of a top-like screen most lines are the same, so the third patch keeps those caches from
// frame to frame (bounded by FRAME_CACHE_LIMIT) and adds the clipped slices to them: a frame then costs about
// what changed on it. Measured with bench/tui.ts.
// The fourth fixes Ink's incremental rendering (only changed lines are written) for a frame that ends
// in a newline, as kerntop's does (it leaves the last row free): after such a frame the cursor is one
// row lower than Ink assumes, so every redraw landed a row down. The patched module marks itself
// (INCREMENTAL_FIXED) and run.tsx turns incremental rendering on only then; without the hook
// (`tsx src/cli/main.ts`, tests) Ink rewrites the whole frame on a change, as before.
// The fifth: each frame Ink measures every Text node's widest line again, uncached (string-width
// per character, the largest cost of an idle live frame in a CPU profile); it now asks measure-text,
// whose cache the first patch bounds.
// If a future Ink no longer has the exact lines, the source is left as it is (and the unit test that
// pins these patterns fails, so the hook gets a look).

export const CACHE_LIMIT = 4096;
/**
 * Entries the frame-to-frame caches keep: a few frames' worth of lines. Kept long, these objects
 * outlive V8's young generation and cost full collections under a stream of new lines.
 */
export const FRAME_CACHE_LIMIT = 1024;

/** Set on globalThis by the patched log-update.js when it loads. */
export const INCREMENTAL_FIXED = 'kerntop.ink-incremental-fixed';

/** Whether the Ink in this process has the incremental-rendering fix (its modules were loaded through this hook). */
export function inkIncrementalFixed(): boolean {
  return (globalThis as Record<symbol, unknown>)[Symbol.for(INCREMENTAL_FIXED)] === true;
}

interface Patch {
  file: string;
  edits: [find: string, replace: string][];
  /** Text the patched source must contain (the unit test checks it). */
  proof: string;
}

export const PATCHES: Patch[] = [
  {
    file: '/ink/build/measure-text.js',
    edits: [
      [
        '    cache.set(text, dimensions);',
        `    if (cache.size >= ${CACHE_LIMIT}) cache.clear();\n    cache.set(text, dimensions);`,
      ],
    ],
    proof: String(CACHE_LIMIT),
  },
  {
    file: '/ink/build/wrap-text.js',
    edits: [
      ['const cache = {};', 'let cache = {};\nlet cacheSize = 0;'],
      [
        '    cache[cacheKey] = wrappedText;',
        `    if (++cacheSize > ${CACHE_LIMIT}) {\n        cache = {};\n        cacheSize = 1;\n    }\n    cache[cacheKey] = wrappedText;`,
      ],
    ],
    proof: String(CACHE_LIMIT),
  },
  {
    file: '/ink/build/output.js',
    edits: [
      ['    styledChars = new Map();\n', '    styledChars = new Map();\n    slices = new Map();\n'],
      [
        'export default class Output {',
        // One set of caches for all frames, started over once any of them holds FRAME_CACHE_LIMIT entries.
        `let sharedCaches;\nfunction framesCaches() {\n    const c = sharedCaches;\n    if (c === undefined || c.styledChars.size >= ${FRAME_CACHE_LIMIT} || c.widths.size >= ${FRAME_CACHE_LIMIT} || c.blockWidths.size >= ${FRAME_CACHE_LIMIT} || c.slices.size >= ${FRAME_CACHE_LIMIT}) {\n        sharedCaches = new OutputCaches();\n    }\n    return sharedCaches;\n}\nexport default class Output {`,
      ],
      ['    caches = new OutputCaches();', '    caches = framesCaches();'],
      [
        '                            return sliceAnsi(line, from, to);',
        '                            const sliceKey = `${from}:${to}:${line}`;\n                            let sliced = this.caches.slices.get(sliceKey);\n                            if (sliced === undefined) {\n                                sliced = sliceAnsi(line, from, to);\n                                this.caches.slices.set(sliceKey, sliced);\n                            }\n                            return sliced;',
      ],
    ],
    proof: `>= ${FRAME_CACHE_LIMIT}`,
  },
  {
    file: '/ink/build/render-node-to-output.js',
    edits: [
      ["import widestLine from 'widest-line';", "import measureText from './measure-text.js';"],
      ['                const currentWidth = widestLine(text);', '                const currentWidth = measureText(text).width;'],
    ],
    proof: 'measureText(text).width',
  },
  {
    file: '/ink/build/log-update.js',
    edits: [
      ['const createIncremental = ', `globalThis[Symbol.for('${INCREMENTAL_FIXED}')] = true;\nconst createIncremental = `],
      [
        '            buffer.push(ansiEscapes.cursorUp(previousVisible - 1));',
        "            buffer.push(ansiEscapes.cursorUp(previousVisible - (previousOutput.endsWith('\\n') ? 0 : 1)));",
      ],
    ],
    proof: "previousOutput.endsWith('\\n') ? 0 : 1",
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

export async function load(
  url: string,
  context: unknown,
  nextLoad: (url: string, context: unknown) => Promise<LoadResult>,
): Promise<LoadResult> {
  const result = await nextLoad(url, context);
  if (!PATCHES.some((p) => url.endsWith(p.file)) || result.source === null || result.source === undefined) return result;
  const text = typeof result.source === 'string' ? result.source : new TextDecoder().decode(result.source as ArrayBuffer);
  const patched = patchInkSource(url, text);
  return patched === null ? result : { ...result, source: patched };
}
