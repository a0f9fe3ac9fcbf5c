import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';

interface CrashesArgs {
  dir?: string;
  json: boolean;
}

export async function runCrashesCli(argv: CrashesArgs): Promise<number> {
  const { listCrashes } = await import('../../jobs/vmcore/crashes.js');
  const { humanBytes } = await import('../../jobs/vmcore/dumpfile.js');
  // Absolute, so every dump path listed can be pasted into vmcore-report from anywhere.
  const dir = resolve(argv.dir ?? '/var/crash');
  const list = await listCrashes(dir);
  if (argv.json) {
    process.stdout.write(JSON.stringify(list, null, 2) + '\n');
  } else if (list.status === 'not_directory' || list.status === 'unreadable') {
    process.stderr.write(`kerntop crashes: ${list.message}\n`);
  } else if (!list.entries.length) {
    process.stdout.write(`kerntop crashes: ${list.message}\n`);
  } else {
    const rows = list.entries.map((e) => [
      e.dump,
      e.time_iso ? e.time_iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '?',
      e.size_bytes !== null ? humanBytes(e.size_bytes) : '?',
      `${e.format}${e.producer !== 'unknown' ? `/${e.producer}` : ''}`,
      e.release ?? '?',
      e.debuginfo.found ? `yes ${e.debuginfo.path}` : `no: ${e.debuginfo.reason}`,
    ]);
    const head = ['DUMP', 'TIME', 'SIZE', 'FORMAT', 'RELEASE', 'DEBUGINFO'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
    process.stdout.write([fmt(head), ...rows.map(fmt)].join('\n') + '\n');
    for (const e of list.entries) for (const p of e.problems) process.stdout.write(`  ${e.dump}: ${p.message}\n`);
  }
  if (!argv.json) for (const u of list.unreadable) process.stderr.write(`kerntop crashes: ${u.message}\n`);
  if (list.status === 'listed' && !list.entries.length && list.unreadable.length) return 3;
  // A missing default /var/crash means "no dumps"; a missing directory the user named, or one that is
  // not a directory or cannot be read, cannot be listed.
  if (list.status === 'missing') return argv.dir !== undefined ? 3 : 0;
  return list.status === 'listed' ? 0 : 3;
}

export const crashesCommand: CommandModule<object, CrashesArgs> = {
  command: 'crashes',
  describe: 'list kernel crash dumps (kdump) with their format and whether debuginfo is here',
  builder: (y) =>
    y
      .option('dir', { type: 'string', describe: 'where kdump keeps dumps (default /var/crash)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the list as JSON' }),
  handler: async (argv) => {
    process.exitCode = await runCrashesCli(argv);
  },
};
