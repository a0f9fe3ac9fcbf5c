import type { CommandModule } from 'yargs';
import type { ExporterArgs } from '../exporter-run.js';
import { DEFAULT_LISTEN } from '../../exporter/listen.js';
import { DEFAULT_STATE_DIR } from '../../exporter/state-dir.js';
import { thresholdOptions } from '../options.js';

export const exporterCommand: CommandModule<object, ExporterArgs> = {
  command: 'exporter',
  describe: 'serve what kerntop measures to Prometheus (/metrics), with /healthz and /summary.json; read-only',
  builder: (y) =>
    y
      // --web.config.file is the flag's name across Prometheus exporters: a name, not a path into an object.
      .parserConfiguration({ 'dot-notation': false })
      .options(thresholdOptions)
      .option('listen', {
        type: 'string',
        default: DEFAULT_LISTEN,
        describe: 'ADDR:PORT to serve on (":9864" every interface, "127.0.0.1:9864", "[::1]:9864")',
      })
      .option('state-dir', {
        type: 'string',
        default: DEFAULT_STATE_DIR,
        describe: 'where the kernel-log position (boot id, seq) is kept, so a restart does not count old records again',
      })
      .option('web.config.file', {
        type: 'string',
        describe:
          'exporter-toolkit web configuration (YAML): tls_server_config {cert_file, key_file}, basic_auth_users {name: bcrypt hash}',
      })
      .option('summary-window', {
        type: 'number',
        default: 600,
        describe: 'seconds of recent history /summary.json covers (between half of it and all of it)',
      })
      .option('probes', {
        type: 'string',
        describe: 'families to run: "sched,bio" only those; "+vfs" add; "-faults" remove; "all"',
      })
      .option('kmsg', {
        type: 'boolean',
        default: true,
        describe: 'follow the kernel log (/dev/kmsg): Xid errors and log findings (--no-kmsg to leave it out)',
      })
      .option('replay', {
        type: 'string',
        describe: 'serve the counts of a recording instead of probing this kernel (a stand-in node; no root needed)',
      })
      .option('speed', { type: 'number', default: 1, describe: 'with --replay: 1 recorded pace, 0 as fast as possible' })
      .example('kerntop exporter', 'serve on :9864')
      .example('kerntop exporter --listen 127.0.0.1:9864 --web.config.file web.yml', 'TLS and basic auth')
      .example(
        'kerntop exporter --replay fixtures/sessions/busy-host.jsonl --listen :9865',
        'a recorded node, without root',
      ) as never,
  handler: async (argv) => {
    const { runExporter } = await import('../exporter-run.js');
    const code = await runExporter(argv);
    process.exit(code);
  },
};
