// The interactive UI under a firehose: a recording replayed at 20 000 events per second into the store,
// with the UI drawing into an in-memory 120x40 terminal, against the same replay into the store alone.
// Then the screen left alone: bin/kerntop (live, and a replay that has ended) in a 120x40 tmux pane,
// against htop in a pane beside it, measured in the same seconds (see bench/idle-tmux.ts).
//   NODE_ENV=production node --expose-gc --import tsx bench/tui.ts [--rate 20000] [--seconds 60] [--ref-seconds 20] [--recording FILE]
//     [--idle-seconds 20] [--no-idle]   (the idle part runs the built dist/: `npx tsc -p tsconfig.json` first)
// (`npx tsx bench/tui.ts` works too; --expose-gc adds the heap after a full GC at both ends of the UI phase,
// and NODE_ENV=production is how bin/kerntop runs React.)
// Prints node's CPU (% of one core), key press to updated frame, frames per second and the RSS slope,
// with ratios against the reference measured in the same run (reference, UI, reference again).
import { EventEmitter } from 'node:events';
import { register } from 'node:module';
import type { KerntopEvent } from '../src/events.js';
import { readRecording } from '../src/sources/replay/player.js';
import { createStore, type Store } from '../src/store/index.js';
import { idleInTmux, type IdleResult } from './idle-tmux.js';

// As bin/kerntop does: bound Ink's text caches before Ink is loaded (--unbounded-ink to compare).
const BOUNDED = !process.argv.includes('--unbounded-ink');
if (BOUNDED) register(new URL('../src/ui/ink-cache-hook.ts', import.meta.url).href);
const { runTui } = await import('../src/ui/run.js');

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const RATE = Number(arg('rate', '20000'));
const UI_S = Number(arg('seconds', '60'));
const REF_S = Number(arg('ref-seconds', '20'));
const FILE = arg('recording', 'fixtures/sessions/busy-host.jsonl');
const IDLE_S = Number(arg('idle-seconds', '20'));
const IDLE = !process.argv.includes('--no-idle');
const COLUMNS = 120;
const ROWS = 40;

class FakeTty extends EventEmitter {
  isTTY = true;
  columns = COLUMNS;
  rows = ROWS;
  bytes = 0;
  writes = 0;
  last = '';
  onWrite: ((s: string) => void) | null = null;
  write = (s: string, cb?: () => void) => {
    this.bytes += s.length;
    this.writes++;
    this.last = s;
    this.onWrite?.(s);
    cb?.();
    return true;
  };
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write(d: string) {
    this.data = d;
    this.emit('readable');
  }
  read() {
    const d = this.data;
    this.data = null;
    return d;
  }
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

interface Feed {
  stop(): number;
}

/** Dispatches the recording's events in a loop at `rate` per second, re-timed to the wall clock. */
function feed(store: Store, events: KerntopEvent[], rate: number): Feed {
  const t0 = Date.now();
  let n = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - t0) * rate) / 1000);
    while (n < due) {
      const ev = events[n % events.length];
      store.dispatch({ ...ev, ts_ms: Date.now() } as KerntopEvent);
      n++;
    }
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      return n;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (b: number) => b / 1024 / 1024;

function slopeMbPerMin(samples: { t: number; rss: number }[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((a, s) => a + s.t, 0) / n;
  const my = samples.reduce((a, s) => a + s.rss, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.t - mx) * (s.rss - my);
    den += (s.t - mx) ** 2;
  }
  return den === 0 ? 0 : ((num / den) * 60_000) / 1024 / 1024;
}

interface Phase {
  name: string;
  events: number;
  wall_ms: number;
  cpu_ms: number;
  rss: { t: number; rss: number }[];
}

async function measure(
  name: string,
  seconds: number,
  store: Store,
  events: KerntopEvent[],
  during?: (elapsedMs: number) => Promise<void>,
): Promise<Phase> {
  const rss: { t: number; rss: number }[] = [];
  const c0 = process.cpuUsage();
  const w0 = Date.now();
  const f = feed(store, events, RATE);
  const sampler = setInterval(() => rss.push({ t: Date.now() - w0, rss: process.memoryUsage().rss }), 1000);
  while (Date.now() - w0 < seconds * 1000) {
    if (during) await during(Date.now() - w0);
    else await sleep(200);
  }
  const n = f.stop();
  clearInterval(sampler);
  const c = process.cpuUsage(c0);
  return { name, events: n, wall_ms: Date.now() - w0, cpu_ms: (c.user + c.system) / 1000, rss };
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function main() {
  const rec = await readRecording(FILE);
  const events = rec.events.filter((e) => e.type !== 'session.info');
  const session = {
    type: 'session.info' as const,
    ts_ms: Date.now(),
    host: rec.header.host,
    kernel_release: rec.header.kernel_release,
    thresholds: rec.header.thresholds,
  };
  process.stdout.write(
    `bench/tui: ${RATE} events/s looped from ${FILE} (${events.length} events), ${COLUMNS}x${ROWS}, UI ${UI_S} s, reference 2 x ${REF_S} s\n`,
  );

  // Warm the JIT a little so the first phase is not charged for it.
  const warm = createStore(rec.header.thresholds);
  for (let i = 0; i < 50_000; i++) warm.dispatch({ ...events[i % events.length], ts_ms: Date.now() } as KerntopEvent);

  const refStore1 = createStore(rec.header.thresholds);
  refStore1.dispatch(session);
  const ref1 = await measure('store only (reference)', REF_S, refStore1, events);

  const store = createStore(rec.header.thresholds);
  store.dispatch(session);
  const stdout = new FakeTty();
  const stdin = new FakeStdin();
  let frames = 0;
  const renderMs: number[] = [];
  const ui = runTui(store, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    env: { TERM: 'xterm-256color', LANG: 'C.UTF-8' },
    onRender: (ms) => {
      frames++;
      renderMs.push(ms);
    },
    signalExitTimeoutMs: 0,
  });
  await sleep(500);

  // Key presses that change what is on screen, each timed to the first write that shows it. A write
  // holds only the lines that changed, so each check looks for a line the key changes.
  const presses: { key: string; shows: (s: string) => boolean }[] = [
    { key: '?', shows: (s) => s.includes('quit (the terminal is restored)') },
    { key: '\u001B', shows: (s) => s.includes('Subsystems') && !s.includes('quit (the terminal is restored)') },
    { key: 'p', shows: (s) => s.includes('PAUSED') },
    { key: 'p', shows: (s) => s.includes('kerntop') && !s.includes('PAUSED') },
  ];
  const latencies: number[] = [];
  let pressIndex = 0;
  let nextPressAt = 1000;
  const gc = (globalThis as { gc?: () => void }).gc;
  const heapAfterGc = () => {
    gc?.();
    return process.memoryUsage().heapUsed;
  };
  const heapStart = heapAfterGc();
  const framesBefore = frames;
  const uiPhase = await measure('store + UI', UI_S, store, events, async (elapsed) => {
    if (elapsed < nextPressAt) return sleep(Math.min(100, nextPressAt - elapsed));
    nextPressAt += 1000;
    const p = presses[pressIndex++ % presses.length];
    const t = performance.now();
    const seen = new Promise<number>((resolve) => {
      const giveUp = setTimeout(() => resolve(NaN), 2000);
      stdout.onWrite = (s) => {
        if (p.shows(s)) {
          clearTimeout(giveUp);
          stdout.onWrite = null;
          resolve(performance.now() - t);
        }
      };
    });
    stdin.write(p.key);
    latencies.push(await seen);
  });
  const uiFrames = frames - framesBefore;
  const heapEnd = heapAfterGc();
  // Back to the main screen before quitting: the last press may have left the help open, and an
  // Escape followed at once by 'q' reads as Alt+q. Then 'q', with a bound on the wait.
  await sleep(300);
  stdin.write('\u001B');
  await sleep(300);
  stdin.write('q');
  const quitTimeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error('bench/tui: the UI did not quit within 5 s of q')), 5000).unref(),
  );
  await Promise.race([ui, quitTimeout]);

  const refStore2 = createStore(rec.header.thresholds);
  refStore2.dispatch(session);
  const ref2 = await measure('store only (reference, again)', REF_S, refStore2, events);

  const cpuPct = (p: Phase) => (100 * p.cpu_ms) / p.wall_ms;
  const rate = (p: Phase) => (1000 * p.events) / p.wall_ms;
  const refCpu = (cpuPct(ref1) + cpuPct(ref2)) / 2;
  const rows = [ref1, uiPhase, ref2];
  process.stdout.write(
    `\n${'phase'.padEnd(32)}${'events/s'.padStart(10)}${'CPU % of a core'.padStart(18)}${'RSS slope MB/min'.padStart(19)}\n`,
  );
  for (const p of rows) {
    process.stdout.write(
      `${p.name.padEnd(32)}${rate(p).toFixed(0).padStart(10)}${cpuPct(p).toFixed(1).padStart(18)}${slopeMbPerMin(p.rss).toFixed(2).padStart(19)}\n`,
    );
  }
  const lat = latencies.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const missed = latencies.length - lat.length;
  const rm = renderMs.slice().sort((a, b) => a - b);
  process.stdout.write(
    `\nUI CPU: ${cpuPct(uiPhase).toFixed(1)}% of a core (aim <= 30%); ratio to the store alone: ${(cpuPct(uiPhase) / refCpu).toFixed(2)}x; UI's own share: ${(cpuPct(uiPhase) - refCpu).toFixed(1)}% of a core\n`,
  );
  process.stdout.write(
    `frames: ${(uiFrames / (uiPhase.wall_ms / 1000)).toFixed(1)}/s (live: one a second on the clock, plus key presses), Ink render time median ${pct(rm, 0.5).toFixed(2)} ms, p95 ${pct(rm, 0.95).toFixed(2)} ms; ${(stdout.bytes / 1024 / (uiPhase.wall_ms / 1000 + 1)).toFixed(0)} KiB/s written\n`,
  );
  process.stdout.write(
    `key press -> updated frame (n=${lat.length}${missed ? `, ${missed} not seen within 2 s` : ''}): median ${pct(lat, 0.5).toFixed(1)} ms, p95 ${pct(lat, 0.95).toFixed(1)} ms, max ${lat[lat.length - 1].toFixed(1)} ms (aim < 100 ms)\n`,
  );
  const first = uiPhase.rss[0]?.rss ?? 0;
  const last = uiPhase.rss[uiPhase.rss.length - 1]?.rss ?? 0;
  const half = uiPhase.rss.slice(Math.floor(uiPhase.rss.length / 2));
  process.stdout.write(`RSS slope over the second half of the UI phase: ${slopeMbPerMin(half).toFixed(2)} MB/min\n`);
  if (gc)
    process.stdout.write(
      `JS heap after a full GC: ${mb(heapStart).toFixed(1)} MB at the start of the UI phase, ${mb(heapEnd).toFixed(1)} MB at its end\n`,
    );
  process.stdout.write(
    `NODE_ENV=${process.env.NODE_ENV ?? '(unset: React development build)'}; Ink text caches ${BOUNDED ? 'bounded (src/ui/ink-cache-hook.ts)' : 'unbounded (--unbounded-ink)'}\n`,
  );
  process.stdout.write(
    `RSS during the UI phase: ${mb(first).toFixed(1)} -> ${mb(last).toFixed(1)} MB, slope ${slopeMbPerMin(uiPhase.rss).toFixed(2)} MB/min over ${(uiPhase.wall_ms / 1000).toFixed(0)} s (reference slopes ${slopeMbPerMin(ref1.rss).toFixed(2)} and ${slopeMbPerMin(ref2.rss).toFixed(2)} MB/min)\n`,
  );

  const firehose = `${cpuPct(uiPhase).toFixed(1)}% of a core at ${rate(uiPhase).toFixed(0)} events/s (aim < 25%)`;
  if (!IDLE) {
    process.stdout.write(`\nCPU, screen left alone: skipped (--no-idle); under the firehose: ${firehose}\n`);
    process.exit(0);
  }
  const idle: IdleResult[] = [];
  for (const [name, argv] of [
    ['live', []],
    ['replay, ended', ['--replay', FILE, '--speed', '0']],
  ] as [string, string[]][]) {
    idle.push(await idleInTmux(name, argv, IDLE_S, COLUMNS, ROWS));
  }
  process.stdout.write(
    `\nCPU, screen left alone (node's own process, ${IDLE_S} s in a ${COLUMNS}x${ROWS} tmux pane, beside ${idle[0]?.refName ?? 'htop'} in another):\n`,
  );
  for (const r of idle) {
    const ratio = r.refPct > 0 ? `${(r.pct / r.refPct).toFixed(2)}x ${r.refName}` : `${r.refName} at 0`;
    process.stdout.write(
      `  kerntop ${r.name.padEnd(14)}${r.pct.toFixed(2).padStart(7)}% of a core (aim < 3%); ${r.refName} ${r.refPct.toFixed(2)}% in the same seconds; ratio ${ratio}${r.note ? `; ${r.note}` : ''}\n`,
    );
  }
  process.stdout.write(`  under the firehose (above): ${firehose}\n`);
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/tui: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
