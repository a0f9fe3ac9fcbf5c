import { readFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import type { Auth } from '../../fleet/prometheus.js';
import type { FleetOptions } from '../../fleet/fetch.js';
import { importWithoutCi } from '../without-ci.js';

export interface FleetArgs {
  prometheus: string;
  selector?: string;
  'node-label': string;
  'straggler-factor': number;
  window: string;
  lookback: string;
  'stale-after': string;
  interval: number;
  timeout: number;
  'bearer-token-file'?: string;
  'basic-auth-user'?: string;
  'basic-auth-password-file'?: string;
  quiet: boolean;
  json: boolean;
}

const say = (msg: string) => process.stderr.write(`kerntop fleet: ${msg}\n`);

function readSecret(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new Error(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}

function authFrom(a: FleetArgs): Auth {
  if (a['bearer-token-file'] && a['basic-auth-user'])
    throw new Error('give either --bearer-token-file or --basic-auth-user, not both');
  if (a['bearer-token-file']) return { bearer: readSecret(a['bearer-token-file'], '--bearer-token-file') };
  if (a['basic-auth-user']) {
    if (!a['basic-auth-password-file']) throw new Error('--basic-auth-user needs --basic-auth-password-file');
    return { username: a['basic-auth-user'], password: readSecret(a['basic-auth-password-file'], '--basic-auth-password-file') };
  }
  return null;
}

export async function runFleet(a: FleetArgs): Promise<number> {
  const { Prometheus, PrometheusError } = await import('../../fleet/prometheus.js');
  const { durationSeconds, fetchFleet } = await import('../../fleet/fetch.js');
  const { parseSelector } = await import('../../fleet/selector.js');
  const { fleetExitCode, fleetJson } = await import('../../fleet/json.js');
  const { sortRows } = await import('../../fleet/sort.js');
  let opts: FleetOptions;
  let prom: InstanceType<typeof Prometheus>;
  try {
    if (!(a['straggler-factor'] > 1))
      throw new Error(`--straggler-factor must be a number above 1 (got ${a['straggler-factor']})`);
    if (!(a.interval >= 1)) throw new Error(`--interval must be at least 1 second (got ${a.interval})`);
    opts = {
      matchers: parseSelector(a.selector),
      window: a.window,
      lookback: a.lookback,
      lookbackS: durationSeconds(a.lookback, '--lookback'),
      staleAfterS: durationSeconds(a['stale-after'], '--stale-after'),
      nodeLabel: a['node-label'],
      stragglerFactor: a['straggler-factor'],
    };
    durationSeconds(a.window, '--window');
    prom = new Prometheus({ url: a.prometheus, auth: authFrom(a), timeoutMs: a.timeout * 1000 });
  } catch (e) {
    say((e as Error).message);
    return 3;
  }
  const selector = opts.matchers.length ? `{${opts.matchers.join(',')}}` : '';
  const meta = { prometheus: prom.base, selector, stragglerFactor: opts.stragglerFactor };

  if (a.quiet || a.json) {
    try {
      const snap = await fetchFleet(prom, opts);
      const j = fleetJson(snap, meta, sortRows(snap.rows));
      if (snap.empty_reason) {
        say(snap.empty_reason);
        if (a.json) process.stdout.write(`${JSON.stringify({ ...j, error: snap.empty_reason })}\n`);
        return 3;
      }
      if (a.json) process.stdout.write(`${JSON.stringify(j)}\n`);
      else {
        const { fleetText } = await import('../../ui/fleet/text.js');
        process.stdout.write(`${fleetText(j, process.stdout.columns || 160).join('\n')}\n`);
      }
      return fleetExitCode(snap.rows);
    } catch (e) {
      if (!(e instanceof PrometheusError)) throw e;
      say(e.message);
      if (a.json)
        process.stdout.write(
          `${JSON.stringify({ ...fleetJson({ time_s: Date.now() / 1000, rows: [], medians: { runq_p99_us: null, bio_p99_us: null }, requests: prom.requests, empty_reason: null }, meta), error: e.message })}\n`,
        );
      return 3;
    }
  }
  const { runFleetTui } = await importWithoutCi(() => import('../../ui/fleet/run.js'));
  return runFleetTui(prom, opts, { ...meta, intervalMs: a.interval * 1000 });
}

export const fleetCommand: CommandModule<object, FleetArgs> = {
  command: 'fleet',
  describe: 'which nodes are sick right now, and why: every kerntop exporter through Prometheus, worst first',
  builder: (y) =>
    y
      .option('prometheus', {
        type: 'string',
        demandOption: true,
        describe: 'base URL of Prometheus, or of an engine that speaks its HTTP API (Thanos, VictoriaMetrics, Mimir)',
      })
      .option('selector', { type: 'string', describe: 'label matchers for the nodes to show, like \'{nodepool="gpu"}\'' })
      .option('node-label', {
        type: 'string',
        default: 'node',
        describe: 'the label that names a node when the scrape config adds one (else instance)',
      })
      .option('straggler-factor', {
        type: 'number',
        default: 3,
        describe: 'mark a node whose run-queue or block I/O p99 is more than this many times the fleet median',
      })
      .option('window', { type: 'string', default: '5m', describe: 'range of rate() for the p99s and retransmits/s' })
      .option('lookback', {
        type: 'string',
        default: '1h',
        describe: 'nodes seen within this long are listed (stale when they stopped)',
      })
      .option('stale-after', {
        type: 'string',
        default: '2m',
        describe: 'a node whose latest sample is older than this is STALE',
      })
      .option('interval', { type: 'number', default: 10, describe: 'seconds between refreshes of the screen' })
      .option('timeout', { type: 'number', default: 10, describe: 'seconds to wait for each answer of Prometheus' })
      .option('bearer-token-file', { type: 'string', describe: 'send the token in this file as Authorization: Bearer' })
      .option('basic-auth-user', { type: 'string', describe: 'basic auth user (with --basic-auth-password-file)' })
      .option('basic-auth-password-file', { type: 'string', describe: 'file holding the basic auth password' })
      .option('quiet', {
        alias: 'q',
        type: 'boolean',
        default: false,
        describe:
          'no screen: print the rows once; exit 0 OK, 1 warnings or stale nodes, 2 critical, 3 Prometheus cannot be asked',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print the rows once as JSON (same exit codes)' })
      .example('kerntop fleet --prometheus http://prometheus:9090', 'the fleet, worst first')
      .example(
        'kerntop fleet --prometheus http://prometheus:9090 --selector \'{nodepool="gpu"}\' -q',
        "one table for cron; the exit code is the worst node's",
      ) as never,
  handler: async (argv) => {
    const code = await runFleet(argv);
    await new Promise<void>((r) => process.stdout.write('', () => r()));
    process.exit(code);
  },
};
