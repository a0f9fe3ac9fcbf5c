import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { commands } from './commands/index.js';
import { joinDashValues } from './options.js';
import { releaseHungUpStdio } from '../hung-up-stdio.js';

// A terminal that hung up must not turn the exit into a crash (see hung-up-stdio.ts).
process.on('exit', () => releaseHungUpStdio());

// Exit codes, one meaning everywhere: 0 OK, 1 warnings, 2 critical findings, 3 could not run.
const cli = yargs(joinDashValues(hideBin(process.argv)))
  .scriptName('kerntop')
  .usage(
    'kerntop: a top-style monitor for Linux kernel health\n\nUsage: kerntop [options]   (live monitor)\n       kerntop <command> [options]',
  )
  .strict()
  .help()
  .alias('h', 'help')
  .version()
  .wrap(Math.min(120, process.stdout.columns || 100))
  .fail((msg, err, y) => {
    if (err) throw err;
    process.stderr.write(`kerntop: ${msg}\n\n`);
    y.showHelp();
    process.exit(3);
  });
for (const c of commands) cli.command(c);

try {
  await cli.parseAsync();
} catch (err) {
  process.stderr.write(`kerntop: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 3;
}
