import { hostname, release } from 'node:os';
import type { KerntopEvent } from '../events.js';
import { cancelJobs, jobsSettled } from '../jobs/registry.js';
import { onShutdown } from '../lifecycle.js';
import { STATUS_EXIT_CODE, summaryJson, summaryText } from '../report/summary.js';
import { ReplaySource } from '../sources/replay/player.js';
import { Recorder, RECORDER_SOURCE } from '../sources/replay/recorder.js';
import { RECORDING_VERSION } from '../sources/replay/format.js';
import { KmsgSource } from '../sources/kmsg/source.js';
import { LogStream } from '../sources/kmsg/log-stream.js';
import { lastBootDiags } from '../sources/last-boot/diag.js';
import type { EventSource } from '../sources/source.js';
import { createStore, selectOverallStatus, type Store } from '../store/index.js';
import { planProbes, skippedStatuses } from './live-sources.js';
import { addNoise, cpusFrom, wantsNoise } from './cpus-option.js';
import { CpuTopologySource } from '../sources/cpus/topology.js';
import { tuiExitCode, type TuiExit } from '../ui/exit.js';
import { parseProbeList, thresholdsFrom } from './options.js';
import { importWithoutCi } from './without-ci.js';

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

const MAX_DURATION_S = Math.floor((2 ** 31 - 1) / 1000);

/** Exit code when --record could not write the whole run (as when kerntop cannot run at all). */
const RECORDING_FAILED_EXIT_CODE = 3;

const say = (msg: string) => process.stderr.write(`kerntop: ${msg}\n`);

/** Builds the sources for this run: a replay, or the live probes (and kernel log). */
async function buildSources(
  a: MonitorArgs,
  store: Store,
  thresholds: ReturnType<typeof thresholdsFrom>,
  emit: (ev: KerntopEvent) => void,
): Promise<{ sources: EventSource[]; replay: ReplaySource | null }> {
  if (a.replay) {
    const replay = new ReplaySource(a.replay, { speed: a.speed });
    return { sources: [replay], replay };
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
  for (const d of await lastBootDiags({}, now)) emit(d);
  const sources: EventSource[] = [];
  if (plan.source) sources.push(plan.source);
  else for (const st of skippedStatuses(plan, now)) emit(st);
  // The kernel log from now on: records already in the buffer happened before this run and would
  // otherwise be judged as if they were current (`kerntop kmsg` shows the whole buffer).
  // On the live screen the last lines of the buffer are shown as context, not judged.
  const interactive = !a.quiet && !a.events;
  if (a.kmsg)
    sources.push(
      new KmsgSource({
        source: 'auto',
        follow: true,
        start: 'end',
        context: interactive ? 200 : 0,
        cursor: null,
        classify: new LogStream(),
      }),
    );
  void store;
  if (sources.length > 0) sources.push(new CpuTopologySource({ measured: cpus ?? null }));
  return { sources, replay: null };
}

/** The Ink UI, loaded only for the live screen (quiet and --events runs do without React's memory). */
async function loadUi() {
  return importWithoutCi(() => import('../ui/run.js'));
}

/** Runs the monitor in the mode asked for and returns the exit code. */
export async function runMonitor(a: MonitorArgs): Promise<number> {
  const thresholds = thresholdsFrom(a);
  const interactive = !a.quiet && !a.events;
  if (interactive && !(process.stdout.isTTY && process.stdin.isTTY)) {
    say(
      'the live screen needs a terminal, and stdin/stdout is not one. Use -q for one summary (add --json for JSON), or --events for one JSON line per event.',
    );
    return 3;
  }
  // A timer cannot wait longer than 2^31-1 ms (about 24.8 days); beyond that it would fire at once.
  if (a.duration !== undefined && !(a.duration > 0 && a.duration <= MAX_DURATION_S))
    throw new Error(`--duration must be a number of seconds from more than 0 to ${MAX_DURATION_S} (got ${String(a.duration)})`);
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

  if (a.record) {
    // Opened, and its header written, before anything runs: a path that cannot be written is an
    // error now, not a surprise after the run.
    const onRecordError = (message: string) => {
      // At once: on the screen as a header alert, in --json as a diagnostic, on stderr otherwise.
      emit({ type: 'source.diag', ts_ms: Date.now(), source: RECORDER_SOURCE, level: 'error', message });
      if (!interactive) say(message);
    };
    try {
      recorder = new Recorder(
        a.record,
        {
          kerntop_recording: RECORDING_VERSION,
          host: hostname(),
          kernel_release: release(),
          start_ms: store.state.started_ms,
          start: new Date(store.state.started_ms).toISOString(),
          thresholds,
          ...(a.probes ? { probes: a.probes.split(',') } : {}),
        },
        onRecordError,
      );
    } catch (e) {
      say(`${(e as Error).message} (--record)`);
      return 3;
    }
  }

  const { sources, replay } = await buildSources(a, store, thresholds, emit);
  if (sources.length === 0) {
    say(
      'nothing to run: no probe can attach here and no other source is available (see the messages above, or `kerntop probes`).',
    );
    await recorder?.close();
    return 3;
  }

  let ended: Promise<number> | null = null;
  const end = (why: string): Promise<number> => {
    ended ??= (async () => {
      void why;
      // A job started from the screen (boot test, vmcore report) is cancelled on the way out (closing
      // its window does too): let it remove its VM and work directory before the process ends.
      if (ui) {
        cancelJobs();
        await Promise.race([jobsSettled(), new Promise((r) => setTimeout(r, 3000))]);
      }
      await Promise.all(sources.map((s) => s.stop().catch(() => undefined)));
      if (!replay) emit({ type: 'clock', ts_ms: Date.now() });
      await recorder?.close();
      // On the live screen it was an alert, gone with the screen: say it where it stays.
      if (recorder?.error && interactive) say(recorder.error);
      // A recording that could not be written is an answer of its own, whatever the status.
      const recordFailed = recorder?.error ? RECORDING_FAILED_EXIT_CODE : null;
      if (a.quiet) {
        const out = a.json
          ? `${JSON.stringify(summaryJson(store.state, { histograms: a.histogram }), null, 2)}\n`
          : summaryText(store.state, { histograms: a.histogram });
        await new Promise<void>((r) => process.stdout.write(out, () => r()));
        return recordFailed ?? STATUS_EXIT_CODE[selectOverallStatus(store.state)];
      }
      // --events into a slow pipe: everything written must reach it before the process exits.
      if (!stdoutClosed) await new Promise<void>((r) => process.stdout.write('', () => r()));
      return recordFailed ?? 0;
    })();
    return ended;
  };
  onShutdown(async (why) => {
    const code = await end(why);
    // A summary was asked for: its status is the answer. Otherwise the signal's conventional code.
    return a.quiet || recorder?.error ? code : undefined;
  });

  let started = 0;
  for (const s of sources) {
    try {
      await s.start(emit);
      started++;
    } catch (err) {
      say(`${s.name}: ${(err as Error).message}`);
      if (s === replay) {
        await Promise.all(sources.map((x) => x.stop().catch(() => undefined)));
        return 3;
      }
    }
  }
  if (started === 0) {
    // No probe and no kernel log: there is nothing to judge, so no status can be given.
    say('nothing to run: no probe can attach here and the kernel log could not be read (see the messages above).');
    await Promise.all(sources.map((x) => x.stop().catch(() => undefined)));
    await recorder?.close();
    return 3;
  }

  // Lets tests prove that a crash leaves no child behind (see test/e2e/lifecycle.test.ts).
  const crashAfter = Number(process.env.KERNTOP_CRASH_AFTER_MS);
  if (crashAfter > 0)
    setTimeout(() => {
      throw new Error('crash requested by KERNTOP_CRASH_AFTER_MS');
    }, crashAfter);

  const stops: Promise<string>[] = [];
  if (a.duration) stops.push(new Promise((r) => setTimeout(() => r('duration'), a.duration! * 1000)));
  if (replay && !interactive) stops.push(replay.done.then(() => 'replay done'));
  let tuiExit: TuiExit | null = null;
  if (interactive) {
    stops.push(
      ui!.runTui(store, { pane: a.pane, replay: !!replay }).then((x) => {
        tuiExit = x;
        return x.reason;
      }),
    );
  }
  if (stops.length === 0) stops.push(new Promise(() => {})); // until a signal
  const why = await Promise.race(stops);
  const code = await end(why);
  // The screen ended by a signal or a terminal that went away: the conventional 128 + signal number,
  // as the signal handlers answer too (whichever comes first, the code is the same).
  return tuiExit && !recorder?.error ? (tuiExitCode(tuiExit) ?? code) : code;
}
