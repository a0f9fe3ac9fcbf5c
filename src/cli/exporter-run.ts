import { readFileSync } from 'node:fs';
import { hostname, release } from 'node:os';
import type { KerntopEvent } from '../events.js';
import { LogStream } from '../sources/kmsg/log-stream.js';
import { onShutdown } from '../lifecycle.js';
import { CursorStore } from '../sources/kmsg/cursor.js';
import { KmsgSource } from '../sources/kmsg/source.js';
import { ReplaySource } from '../sources/replay/player.js';
import type { EventSource } from '../sources/source.js';
import { createStore } from '../store/index.js';
import { planProbes, skippedStatuses } from './live-sources.js';
import { parseProbeList, thresholdsFrom } from './options.js';
import { health, type SourceStarts } from '../exporter/health.js';
import { formatListen, parseListen } from '../exporter/listen.js';
import { RecentWindow } from '../exporter/recent.js';
import { KerntopRegistry } from '../exporter/registry.js';
import { createExporterServer, listen } from '../exporter/server.js';
import { checkStateDir } from '../exporter/state-dir.js';
import { loadWebConfig, type WebConfig } from '../exporter/web-config.js';

export interface ExporterArgs {
  listen: string;
  'state-dir': string;
  'web.config.file'?: string;
  'summary-window': number;
  probes?: string;
  kmsg: boolean;
  replay?: string;
  speed: number;
  [k: string]: unknown;
}

const say = (msg: string) => process.stderr.write(`kerntop exporter: ${msg}\n`);

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Runs until a signal; returns the exit code (3 when it cannot start serving). */
export async function runExporter(a: ExporterArgs): Promise<number> {
  // Everything that can be wrong with the options is found before a probe is started.
  const thresholds = thresholdsFrom(a);
  const addr = parseListen(a.listen);
  if (!(a['summary-window'] > 0))
    throw new Error(`--summary-window must be a positive number of seconds (got ${a['summary-window']})`);
  if (a.speed < 0 || !Number.isFinite(a.speed)) throw new Error('--speed must be 0 (as fast as possible) or more');
  let web: WebConfig = { tls: null, users: {} };
  if (a['web.config.file']) web = loadWebConfig(a['web.config.file']);

  const store = createStore(thresholds);
  const recent = new RecentWindow(thresholds, a.replay ? null : a['summary-window'] * 1000);
  let applied = 0;
  const emit = (ev: KerntopEvent) => {
    applied++;
    store.dispatch(ev);
    recent.dispatch(ev);
  };

  const sources: EventSource[] = [];
  let replay: ReplaySource | null = null;
  let bpftraceVersion = '';
  let kernelRelease = release();
  const starts: SourceStarts = { starting: [], failed: [], probes: false };
  if (a.replay) {
    replay = new ReplaySource(a.replay, { speed: a.speed, onHeader: (h) => (kernelRelease = h.kernel_release) });
    sources.push(replay);
  } else {
    const plan = await planProbes(parseProbeList(a.probes), thresholds);
    bpftraceVersion = plan.host.bpftrace?.version ?? '';
    const now = Date.now();
    emit({ type: 'session.info', ts_ms: now, host: hostname(), kernel_release: release(), thresholds });
    for (const p of plan.host.problems) {
      say(p);
      emit({ type: 'source.diag', ts_ms: now, source: 'probes', level: 'error', message: p });
    }
    if (plan.source) {
      sources.push(plan.source);
      starts.probes = true;
    } else for (const st of skippedStatuses(plan, now)) emit(st);
    if (a.kmsg) {
      const problem = checkStateDir(a['state-dir']);
      if (problem) {
        say(problem);
        emit({ type: 'source.diag', ts_ms: now, source: 'exporter', level: 'warning', message: problem });
      }
      // From the saved (boot_id, seq) on: a restart on the same boot counts only newer records; a new
      // boot (or the first run) counts its log from the first record.
      const kmsg = new KmsgSource({
        source: 'auto',
        follow: true,
        start: 'new',
        cursor: new CursorStore([a['state-dir']]),
        classify: new LogStream(),
      });
      sources.push(kmsg);
    }
  }
  if (sources.length === 0) {
    say('nothing to export: no probe can attach here and the kernel log is off (see the messages above, or `kerntop probes`).');
    return 3;
  }

  const registry = new KerntopRegistry(() => store.state, {
    version: version(),
    get kernel_release() {
      return kernelRelease;
    },
    bpftrace_version: bpftraceVersion,
    events_applied: () => applied,
  });
  const server = createExporterServer({
    registry,
    version: () => store.state.version,
    health: () => health(store.state, starts),
    recent: () => recent.state,
    web,
    onError: say,
  });
  let bound;
  try {
    bound = await listen(server, addr);
  } catch (e) {
    say((e as Error).message);
    return 3;
  }
  const scheme = web.tls ? 'https' : 'http';
  say(
    `serving /metrics, /healthz and /summary.json on ${scheme}://${formatListen(bound)}${Object.keys(web.users).length ? ' (basic auth)' : ''}`,
  );

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      recent.stop();
      server.close();
      server.closeAllConnections();
      // The kmsg source saves its (boot_id, seq) cursor as it stops.
      await Promise.all(sources.map((s) => s.stop().catch(() => undefined)));
    })());
  onShutdown(async () => {
    await stop();
    return 0;
  });

  starts.starting = sources.map((s) => s.name);
  for (const s of sources) {
    try {
      await s.start(emit);
    } catch (err) {
      const msg = `${s.name}: ${(err as Error).message}`;
      say(msg);
      starts.failed.push(msg);
    }
    starts.starting = starts.starting.filter((n) => n !== s.name);
  }
  if (replay && !starts.failed.length) void replay.done.then(() => say(`replay of ${a.replay} done; still serving its counts`));
  recent.start();
  await new Promise(() => {}); // until a signal
  return 0;
}
