import { hostname, release } from 'node:os';
import type { KerntopEvent } from '../events.js';
import { onShutdown } from '../lifecycle.js';
import { STATUS_EXIT_CODE, summaryJson, summaryText } from '../report/summary.js';
import { ReplaySource } from '../sources/replay/player.js';
import { Recorder } from '../sources/replay/recorder.js';
import { RECORDING_VERSION } from '../sources/replay/format.js';
import { KmsgSource } from '../sources/kmsg/source.js';
import { LogStream } from '../knowledge/log-classifier/index.js';
import type { EventSource } from '../sources/source.js';
import { createStore, selectOverallStatus, type Store } from '../store/index.js';
import { planProbes } from './live-sources.js';
import { addNoise, cpusFrom, wantsNoise } from './cpus-option.js';
import { CpuTopologySource } from '../sources/cpus/topology.js';
import { parseProbeList, thresholdsFrom } from './options.js';

export interface MonitorArgs {
  quiet: boolean;
  duration?: number;
  json: boolean;
  events: boolean;
  ticks: boolean;
  probes?: string;
  histogram: boolean;
  record?: string;
  replay?: string;
  speed: number;
  pane?: string;
  kmsg: boolean;
  [k: string]: unknown;
}

const say = (msg: string) => process.stderr.write(`kerntop: ${msg}\n`);

/** Builds the sources for this run: a replay, or the live probes (and kernel log). */
async function buildSources(a: MonitorArgs, store: Store, thresholds: ReturnType<typeof thresholdsFrom>, emit: (ev: KerntopEvent) => void): Promise<{ sources: EventSource[]; replay: ReplaySource | null; probeFamilies: string[] | undefined }> {
  if (a.replay) {
    const replay = new ReplaySource(a.replay, { speed: a.speed });
    return { sources: [replay], replay, probeFamilies: undefined };
  }
  const sel = parseProbeList(a.probes);
  const cpus = cpusFrom(a.cpus);
  if (wantsNoise(a)) addNoise(sel);
  const plan = await planProbes(sel, thresholds, cpus);
  const now = Date.now();
  emit({ type: 'session.info', ts_ms: now, host: hostname(), kernel_release: release(), thresholds });
  for (const p of plan.host.problems) {
    say(p);
    emit({ type: 'source.diag', ts_ms: now, source: 'probes', level: 'error', message: p });
  }
  for (const n of plan.host.notes) emit({ type: 'source.diag', ts_ms: now, source: 'probes', level: 'info', message: n });
  const sources: EventSource[] = [];
  if (plan.source) sources.push(plan.source);
  else for (const d of plan.decisions) emit({ type: 'probe.status', ts_ms: now, family: d.family, state: 'SKIPPED', ...(d.method ? { method: d.method } : {}), reason: d.reason });
  // The kernel log from now on: records already in the buffer happened before this run and would
  // otherwise be judged as if they were current (`kerntop kmsg` shows the whole buffer).
  // On the live screen the last lines of the buffer are shown as context, not judged.
  const interactive = !a.quiet && !a.events;
  if (a.kmsg) sources.push(new KmsgSource({ source: 'auto', follow: true, start: 'end', context: interactive ? 200 : 0, cursor: null, classify: new LogStream() }));
  void store;
  if (sources.length > 0) sources.push(new CpuTopologySource({ measured: cpus ?? null }));
  return { sources, replay: null, probeFamilies: a.probes?.split(',') };
}

/**
 * The Ink UI, loaded only for the live screen (quiet and --events runs do without React's memory).
 * Ink decides once, when loaded, that a CI variable in the environment means "no live frames"; a
 * person at a real terminal (a CI job's debug shell, `docker exec -it` with CI=true inherited) still
 * gets the live screen: the variables are hidden from Ink while it loads, then put back.
 */
async function loadUi() {
  const keys = ['CI', 'CONTINUOUS_INTEGRATION'] as const;
  const saved = keys.map((k) => process.env[k]);
  for (const k of keys) delete process.env[k];
  try {
    const [{ runTui }, { jobsSettled }] = await Promise.all([import('../ui/run.js'), import('../ui/modals/boot-test/use-job.js')]);
    return { runTui, jobsSettled };
  } finally {
    keys.forEach((k, i) => {
      if (saved[i] !== undefined) process.env[k] = saved[i];
    });
  }
}

/** Runs the monitor in the mode asked for and returns the exit code. */
export async function runMonitor(a: MonitorArgs): Promise<number> {
  const thresholds = thresholdsFrom(a);
  const interactive = !a.quiet && !a.events;
  if (interactive && !(process.stdout.isTTY && process.stdin.isTTY)) {
    say('the live screen needs a terminal, and stdin/stdout is not one. Use -q for one summary (add --json for JSON), or --events for one JSON line per event.');
    return 3;
  }
  if (a.duration !== undefined && !(a.duration > 0)) throw new Error('--duration must be a positive number of seconds');
  if (a.speed < 0 || !Number.isFinite(a.speed)) throw new Error('--speed must be 0 (as fast as possible) or more');

  const ui = interactive ? await loadUi() : null;
  const store = createStore(thresholds);
  let recorder: Recorder | null = null;
  let stdoutClosed = false;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    // A reader that went away (kerntop --events | head) ends the run, not in a crash.
    if (e.code === 'EPIPE') {
      stdoutClosed = true;
      void end('stdout closed');
    }
  });
  const emit = (ev: KerntopEvent) => {
    store.dispatch(ev);
    recorder?.write(ev);
    if (a.events && !stdoutClosed && (ev.type !== 'probe.tick' || a.ticks)) process.stdout.write(`${JSON.stringify(ev)}\n`);
  };

  const { sources, replay, probeFamilies } = await buildSources(a, store, thresholds, emit);
  if (sources.length === 0) {
    say('nothing to run: no probe can attach here and no other source is available (see the messages above, or `kerntop probes`).');
    return 3;
  }
  if (a.record) {
    recorder = new Recorder(a.record, { kerntop_recording: RECORDING_VERSION, host: hostname(), kernel_release: release(), start_ms: store.state.started_ms, start: new Date(store.state.started_ms).toISOString(), thresholds, ...(probeFamilies ? { probes: probeFamilies } : {}) });
    // Whatever was dispatched before the recorder existed (session info, skipped probes) goes first.
    for (const p of store.state.probes.values()) recorder.write(p);
    if (store.state.session) recorder.write(store.state.session);
  }

  let ended: Promise<number> | null = null;
  const end = (why: string): Promise<number> => {
    ended ??= (async () => {
      void why;
      // A job started from the screen (boot test, vmcore report) was cancelled on the way out: let it
      // remove its VM and work directory before the process ends.
      if (ui) await Promise.race([ui.jobsSettled(), new Promise((r) => setTimeout(r, 3000))]);
      await Promise.all(sources.map((s) => s.stop().catch(() => undefined)));
      if (!replay) emit({ type: 'clock', ts_ms: Date.now() });
      await recorder?.close();
      if (recorder?.error) say(`could not write the recording ${a.record}: ${recorder.error.message}`);
      if (a.quiet) {
        const out = a.json ? `${JSON.stringify(summaryJson(store.state, { histograms: a.histogram }), null, 2)}\n` : summaryText(store.state, { histograms: a.histogram });
        await new Promise<void>((r) => process.stdout.write(out, () => r()));
        return STATUS_EXIT_CODE[selectOverallStatus(store.state)];
      }
      // --events into a slow pipe: everything written must reach it before the process exits.
      if (!stdoutClosed) await new Promise<void>((r) => process.stdout.write('', () => r()));
      return 0;
    })();
    return ended;
  };
  onShutdown(async (why) => {
    const code = await end(why);
    // A summary was asked for: its status is the answer. Otherwise the signal's conventional code.
    return a.quiet ? code : undefined;
  });

  for (const s of sources) {
    try {
      await s.start(emit);
    } catch (err) {
      say(`${s.name}: ${(err as Error).message}`);
      if (s === replay) {
        await Promise.all(sources.map((x) => x.stop().catch(() => undefined)));
        return 3;
      }
    }
  }

  // Lets tests prove that a crash leaves no child behind (see test/e2e/lifecycle.test.ts).
  const crashAfter = Number(process.env.KERNTOP_CRASH_AFTER_MS);
  if (crashAfter > 0) setTimeout(() => { throw new Error('crash requested by KERNTOP_CRASH_AFTER_MS'); }, crashAfter);

  const stops: Promise<string>[] = [];
  if (a.duration) stops.push(new Promise((r) => setTimeout(() => r('duration'), a.duration! * 1000)));
  if (replay && !interactive) stops.push(replay.done.then(() => 'replay done'));
  if (interactive) {
    stops.push(ui!.runTui(store, { pane: a.pane, replay: !!replay }).then((x) => x.reason));
  }
  if (stops.length === 0) stops.push(new Promise(() => {})); // until a signal
  const why = await Promise.race(stops);
  return end(why);
}
