import type { CommandModule } from 'yargs';
import { lastBoot, type LastBootReport } from '../../sources/last-boot/index.js';

interface LastBootArgs {
  pstore: string;
  'crash-dir': string;
  /** A file, or false for --no-journal. */
  journal?: string | false;
  json: boolean;
}

function when(ms: number | null): string {
  return ms === null
    ? ''
    : `, written ${new Date(ms)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC')}`;
}

export function lastBootText(r: LastBootReport): string {
  const out = [`last boot: ${r.verdict}`];
  if (r.crashed) {
    if (r.function) out.push(`  guilty function: ${r.function}`);
    const s = r.sources.find((x) => x.kind === r.from);
    if (s) out.push(`  from ${s.kind} ${s.origin}: ${s.note}${when(s.time_ms)}`);
  }
  out.push('sources:');
  for (const s of r.sources)
    out.push(
      `  ${s.kind.padEnd(9)} ${s.origin}: ${s.note}${s.found ? (s.crashed ? ` -> ${s.title}` : ' -> no crash report') : ''}`,
    );
  return out.join('\n') + '\n';
}

// A thin shell over sources/last-boot: the records a crashed boot left, read by the log classifier.
export const lastBootCommand: CommandModule<object, LastBootArgs> = {
  command: 'last-boot',
  describe: 'how the previous boot ended: crash records in pstore and /var/crash, its kernel journal',
  builder: (y) =>
    y
      .option('pstore', {
        type: 'string',
        default: '/sys/fs/pstore',
        describe: 'pstore directory (ramoops, EFI and ERST records)',
      })
      .option('crash-dir', {
        type: 'string',
        default: '/var/crash',
        describe: 'kdump directory; the newest dump with a dmesg file is read',
      })
      .option('journal', {
        type: 'string',
        describe:
          "a saved journal instead of this host's: a journal directory (a rescued disk's /var/log/journal), one .journal file, or a text copy of `journalctl -k -b -1` (--no-journal: leave it out)",
      })
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' })
      .example('kerntop last-boot', 'did the last boot end in a crash, and which?')
      .example('kerntop last-boot --pstore /mnt/old/pstore --no-journal --json', 'records copied from another machine')
      .example('kerntop last-boot --journal /mnt/var/log/journal', "a rescued disk's journal: its last boot") as never,
  handler: async (argv) => {
    const journal =
      argv.journal === false || String(argv.journal) === 'false' ? 'none' : argv.journal ? { file: argv.journal } : 'run';
    const r = await lastBoot({ pstoreDir: argv.pstore, crashDir: argv['crash-dir'], journal });
    process.stdout.write(argv.json ? JSON.stringify(r, null, 2) + '\n' : lastBootText(r));
    // 2: the last boot crashed; 0: it did not (or nothing says).
    process.exitCode = r.crashed ? 2 : 0;
  },
};
