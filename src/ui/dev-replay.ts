// Replays a recording into a store and runs the interactive UI over it, for trying the UI without root:
//   npx tsx src/ui/dev-replay.ts fixtures/sessions/<file>.jsonl [--speed 4] [--pane events] [--loop]
// `--speed 0` dispatches everything at once; `--rate N` paces at N events per second instead.
import type { KerntopEvent } from '../events.js';
import { readRecording } from '../sources/replay/player.js';
import { sessionEvent } from '../sources/replay/format.js';
import { createStore, type Store } from '../store/index.js';
import { runTui } from './run.js';

export interface Pacer {
  stop(): void;
}

/**
 * Feeds events into the store: at their recorded pace divided by `speed` (0: all at once), or at a
 * fixed `rate` of events per second. Calls onEnd after the last one.
 */
export function pace(
  store: Store,
  events: KerntopEvent[],
  opts: { speed?: number; rate?: number; loop?: boolean; onEnd?: () => void },
): Pacer {
  let i = 0;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const startWall = Date.now();
  const t0 = events[0]?.ts_ms ?? 0;
  let sent = 0;
  const tick = () => {
    if (stopped) return;
    const elapsed = Date.now() - startWall;
    // With a rate, the count due so far; otherwise each event's recorded time decides.
    const due = opts.rate ? Math.floor((elapsed * opts.rate) / 1000) : Infinity;
    while (!stopped && sent < due) {
      if (i >= events.length) {
        if (!opts.loop) break;
        i = 0;
      }
      const ev = events[i];
      if (!opts.rate && opts.speed && (ev.ts_ms - t0) / opts.speed > elapsed) break;
      store.dispatch(ev);
      i++;
      sent++;
    }
    if (i >= events.length && !opts.loop) {
      opts.onEnd?.();
      return;
    }
    timer = setTimeout(tick, 10);
  };
  tick();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

async function main(argv: string[]): Promise<number> {
  const file = argv.find((a, i) => !a.startsWith('--') && !argv[i - 1]?.match(/^--(speed|rate|pane)$/));
  const opt = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  if (!file) {
    process.stderr.write('usage: dev-replay <recording.jsonl> [--speed N] [--rate EVENTS_PER_S] [--pane NAME] [--loop]\n');
    return 3;
  }
  const rec = await readRecording(file);
  const store = createStore(rec.header.thresholds, rec.header.start_ms);
  store.dispatch(sessionEvent(rec.header));
  const pacer = pace(store, rec.events, {
    speed: opt('speed') !== undefined ? Number(opt('speed')) : 1,
    rate: opt('rate') !== undefined ? Number(opt('rate')) : undefined,
    loop: argv.includes('--loop'),
  });
  try {
    await runTui(store, { pane: opt('pane'), replay: true });
  } finally {
    pacer.stop();
  }
  return 0;
}

const isMain = /dev-replay\.(ts|js)$/.test(process.argv[1] ?? '');
if (isMain) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`kerntop: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(3);
    },
  );
}
