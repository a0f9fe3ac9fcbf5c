import type { CommandModule } from 'yargs';
import type { MonitorArgs } from '../monitor.js';
import { thresholdOptions } from '../options.js';
// The pane names have one owner (ui/layout.ts); this import loads no Ink.
import { paneOption } from '../../ui/pane-option.js';

export const monitorCommand: CommandModule<object, MonitorArgs> = {
  command: '$0',
  describe: 'live monitor (interactive on a terminal; -q for one summary, --events for JSON lines)',
  builder: (y) =>
    y
      .options(thresholdOptions)
      .option('quiet', {
        alias: 'q',
        type: 'boolean',
        default: false,
        describe: 'no live screen: one summary at the end (or on Ctrl+C); exit 0 OK, 1 warnings, 2 critical',
      })
      .option('duration', { type: 'number', describe: 'stop after N seconds' })
      .option('json', { type: 'boolean', default: false, describe: 'with -q: the summary as JSON' })
      .option('events', {
        type: 'boolean',
        default: false,
        describe: 'one JSON line per event on stdout (per-second aggregates too with --ticks)',
      })
      .option('ticks', {
        type: 'boolean',
        default: false,
        describe: 'with --events: also print the per-second probe.tick aggregates',
      })
      .option('probes', {
        type: 'string',
        describe: 'families to run: "sched,bio" only those; "+vfs" add; "-faults" remove; "all"',
      })
      .option('histogram', {
        type: 'boolean',
        default: true,
        describe: 'latency histograms in the summary (--no-histogram to leave them out)',
      })
      .option('record', { type: 'string', describe: 'write every event to FILE (JSON lines after a header)' })
      .option('replay', { type: 'string', describe: 'replay a recording instead of probing the kernel (no root needed)' })
      .option('speed', {
        type: 'number',
        default: 1,
        describe: 'with --replay: 1 recorded pace, 2 twice as fast, 0 as fast as possible',
      })
      .options(paneOption)
      .option('kmsg', {
        type: 'boolean',
        default: true,
        describe: 'follow the kernel log (/dev/kmsg) too (--no-kmsg to leave it out)',
      })
      .conflicts('replay', 'record')
      .example('kerntop', 'live monitor')
      .example('kerntop -q --duration 30 --json', 'summary of 30 s as JSON; exit code follows the status')
      .example('kerntop --events --probes oom', 'stream OOM kills as JSON lines')
      .example('kerntop --replay fixtures/sessions/busy-host.jsonl', 'try kerntop without root') as never,
  handler: async (argv) => {
    // Loaded here, not at start-up: the monitor pulls in Ink and React, which every other subcommand can do without.
    const { runMonitor } = await import('../monitor.js');
    const code = await runMonitor(argv);
    // Nothing is left to do: leave now rather than wait for stray handles (stdin, timers).
    process.exit(code);
  },
};
