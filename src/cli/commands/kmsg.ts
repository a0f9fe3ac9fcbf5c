import type { CommandModule } from 'yargs';
import { runSourceUntilDone } from '../run-source.js';
import type { KerntopEvent, KmsgRecordEvent } from '../../events.js';
import { CursorStore } from '../../sources/kmsg/cursor.js';
import { escapeControls, recordJson, recordText } from '../../sources/kmsg/format.js';
import { parseLevelList } from '../../knowledge/kernel-log/levels.js';
import { KmsgSource } from '../../sources/kmsg/source.js';

interface KmsgArgs {
  follow: boolean;
  new: boolean;
  json: boolean;
  level?: string;
  grep?: string;
  source: 'auto' | 'kmsg' | 'dmesg';
  'kmsg-path'?: string;
}

/** Writes to stdout; a closed pipe (| head) ends the program quietly instead of crashing it. */
function out(line: string): void {
  process.stdout.write(line + '\n');
}

export async function runKmsg(argv: KmsgArgs): Promise<number> {
  let levels: Set<number> | null = null;
  let grep: RegExp | null = null;
  try {
    if (argv.level) levels = parseLevelList(argv.level);
    if (argv.grep) grep = new RegExp(argv.grep);
  } catch (e) {
    process.stderr.write(`kerntop kmsg: ${(e as Error).message}\n`);
    return 3;
  }
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
  });
  const cursor = new CursorStore();
  const src = new KmsgSource({
    source: argv.source,
    path: argv['kmsg-path'],
    follow: argv.follow,
    start: argv.new ? 'new' : 'oldest',
    cursor,
    xid: false,
    classify: null,
  });
  // On a terminal a log line's control bytes would act on it; JSON escapes them itself, exactly.
  const tty = process.stdout.isTTY === true;
  const emit = (ev: KerntopEvent) => {
    switch (ev.type) {
      case 'kmsg.record': {
        const r = (ev as KmsgRecordEvent).record;
        if (levels && !levels.has(r.level)) return;
        if (grep && !grep.test(r.text)) return;
        out(argv.json ? recordJson(r, ev.source) : tty ? escapeControls(recordText(r)) : recordText(r));
        return;
      }
      case 'source.diag':
        // The source names itself and its problems on stderr, so stdout stays records only.
        process.stderr.write(`kerntop: ${ev.message}\n`);
        return;
      case 'parse.error':
        process.stderr.write(`kerntop: unparsable record skipped: ${JSON.stringify(ev.sample ?? '')}\n`);
        return;
      default:
        return;
    }
  };
  if (!(await runSourceUntilDone(src, emit, 'kmsg'))) return 3;
  return 0;
}

export const kmsgCommand: CommandModule<object, KmsgArgs> = {
  command: 'kmsg',
  describe: 'the kernel log from /dev/kmsg (dmesg that works in a container): whole buffer, --new, --follow',
  builder: (y) =>
    y
      .option('follow', {
        alias: 'f',
        type: 'boolean',
        default: false,
        describe: 'after the buffer, print new records as they come',
      })
      .option('new', {
        type: 'boolean',
        default: false,
        describe: 'only records after the last one kerntop read (position kept per boot)',
      })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'one JSON object per record: seq, ts_us, wall, level, facility, flags, text, subsystem, device',
      })
      .option('level', {
        alias: 'l',
        type: 'string',
        describe: 'levels to show, e.g. "err,warn", "warn+" (warn and more severe), 0-7',
      })
      .option('grep', { type: 'string', describe: 'only records whose text matches this regular expression' })
      .option('source', {
        type: 'string',
        choices: ['auto', 'kmsg', 'dmesg'] as const,
        default: 'auto' as const,
        describe: 'auto: /dev/kmsg, else `dmesg -S`',
      })
      .option('kmsg-path', {
        type: 'string',
        describe: 'read the kmsg device at this path (e.g. a host device mounted elsewhere)',
      })
      .example('kerntop kmsg --follow --level warn+', 'warnings and worse, then follow')
      .example('kerntop kmsg --new --json', 'records since the last run, as JSON lines') as never,
  handler: async (argv) => {
    const code = await runKmsg(argv);
    // stdout to a pipe is written asynchronously: exit only once everything has left.
    await new Promise<void>((r) => process.stdout.write('', () => r()));
    process.exit(code);
  },
};
