import { readFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { onStopRequested } from '../../lifecycle.js';

interface VmcoreReportArgs {
  vmcore?: string;
  vmlinux?: string;
  'debuginfo-dir'?: string[];
  'enable-plugins'?: string[];
  'only-plugins'?: string[];
  'skip-plugins'?: string[];
  experimental: boolean;
  label?: string;
  build: boolean;
  'compression-type': 'auto' | 'xz' | 'gzip' | 'none';
  'tmp-dir': string;
  'list-plugins': boolean;
  json: boolean;
}

export function kerntopVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export async function runVmcoreReportCli(argv: VmcoreReportArgs): Promise<number> {
  // The job (and execa) load only when this command runs, so other commands start fast.
  const { runVmcoreReport, CancelledError } = await import('../../jobs/vmcore/job.js');
  const { PluginSelectionError, VMCORE_PLUGINS, splitList } = await import('../../jobs/vmcore/plugins-select.js');
  const { renderSosTxt } = await import('../../jobs/vmcore/report-text.js');
  if (argv['list-plugins']) {
    for (const p of VMCORE_PLUGINS) {
      process.stdout.write(
        `${p.name.padEnd(14)} ${p.kind.padEnd(13)} ${p.needs_debuginfo ? 'vmlinux  ' : 'any      '} ${p.description}\n`,
      );
    }
    return 0;
  }
  if (!argv.vmcore) {
    process.stderr.write('kerntop vmcore-report: --vmcore PATH is required (kerntop crashes lists the dumps under /var/crash)\n');
    return 3;
  }
  const ac = new AbortController();
  // SIGINT, SIGTERM or SIGHUP (the terminal went away) cancels the report: the collector is killed and
  // nothing is kept.
  const off = onStopRequested(() => ac.abort());
  try {
    const result = await runVmcoreReport(
      {
        vmcore: argv.vmcore,
        vmlinux: argv.vmlinux,
        debuginfoDirs: splitList(argv['debuginfo-dir']),
        enablePlugins: splitList(argv['enable-plugins']),
        onlyPlugins: splitList(argv['only-plugins']),
        skipPlugins: splitList(argv['skip-plugins']),
        experimental: argv.experimental,
        label: argv.label,
        build: argv.build,
        compression: argv['compression-type'],
        tmpDir: argv['tmp-dir'],
        cmdline: ['kerntop', ...process.argv.slice(2)].join(' '),
        version: kerntopVersion(),
      },
      {
        signal: ac.signal,
        onEvent: (ev) => {
          if (!argv.json && ev.type === 'job.progress') process.stderr.write(`kerntop: ${ev.message}\n`);
        },
      },
    );
    if (argv.json) {
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    } else {
      process.stdout.write(renderSosTxt(result));
      if (result.archive) process.stdout.write(`\nArchive:    ${result.archive}\nsha256:     ${result.checksum}\n`);
      if (result.build_dir) process.stdout.write(`\nDirectory:  ${result.build_dir}\n`);
    }
    return result.exit_code;
  } catch (e) {
    if (e instanceof PluginSelectionError) {
      process.stderr.write(`kerntop vmcore-report: ${e.message}\n`);
      return 3;
    }
    if (e instanceof CancelledError) {
      process.stderr.write('kerntop vmcore-report: cancelled; nothing was kept\n');
      return 3;
    }
    process.stderr.write(`kerntop vmcore-report: ${(e as Error).message}\n`);
    return 3;
  } finally {
    off();
  }
}

export const vmcoreReportCommand: CommandModule<object, VmcoreReportArgs> = {
  command: 'vmcore-report',
  describe: 'sos-style report from a kernel crash dump (vmcore) with drgn',
  builder: (y) =>
    y
      .option('vmcore', {
        type: 'string',
        describe: 'the dump: an ELF vmcore (kdump, QEMU dump-guest-memory) or kdump-compressed file',
      })
      .option('vmlinux', { type: 'string', describe: 'vmlinux with debuginfo, of the exact kernel that crashed' })
      .option('debuginfo-dir', {
        type: 'string',
        array: true,
        describe: 'directory to search for vmlinux and module debuginfo (repeatable)',
      })
      .option('enable-plugins', {
        alias: 'e',
        type: 'string',
        array: true,
        describe: 'also run these optional plugins (comma-separated)',
      })
      .option('only-plugins', {
        alias: ['o', 'plugins'],
        type: 'string',
        array: true,
        describe: 'run only these plugins (comma-separated)',
      })
      .option('skip-plugins', {
        alias: 'n',
        type: 'string',
        array: true,
        describe: 'do not run these plugins; wins over -e and -o',
      })
      .option('experimental', { type: 'boolean', default: false, describe: 'admit experimental plugins' })
      .option('label', { type: 'string', describe: 'label added to the archive name' })
      .option('build', { type: 'boolean', default: false, describe: 'keep the report directory; do not pack it' })
      .option('compression-type', {
        alias: 'z',
        choices: ['auto', 'xz', 'gzip', 'none'] as const,
        default: 'auto' as const,
        describe: 'archive compression (auto: xz when available)',
      })
      .option('tmp-dir', { type: 'string', default: '/var/tmp', describe: 'where the archive is written' })
      .option('list-plugins', { alias: 'l', type: 'boolean', default: false, describe: 'list the plugins and exit' })
      .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' }),
  handler: async (argv) => {
    process.exitCode = await runVmcoreReportCli(argv);
  },
};
