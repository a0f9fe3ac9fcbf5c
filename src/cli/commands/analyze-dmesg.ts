import { createReadStream, fstatSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { LogAnalyzer, type LogAnalysis } from '../../knowledge/log-classifier/index.js';

interface Args {
  file?: string;
  json?: boolean;
}

/** Feeds a byte stream to the analyzer line by line (bounded memory, any file size). */
async function analyzeStream(input: Readable): Promise<LogAnalysis> {
  const a = new LogAnalyzer();
  let rest = '';
  input.setEncoding('utf8');
  for await (const chunk of input as AsyncIterable<string>) {
    const s = rest + chunk;
    const last = s.lastIndexOf('\n');
    if (last < 0) {
      rest = s;
      // A single line longer than 1 MiB is not a log line; judge what we have and go on.
      if (rest.length > 1 << 20) {
        a.pushRaw(rest);
        rest = '';
      }
      continue;
    }
    a.pushText(s.slice(0, last));
    rest = s.slice(last + 1);
  }
  if (rest.length) a.pushRaw(rest);
  return a.result();
}

class CannotRun extends Error {}

/** True when stdin is a pipe or a file (not a terminal, not /dev/null). */
function stdinIsPiped(): boolean {
  try {
    const st = fstatSync(0);
    return st.isFIFO() || st.isFile() || st.isSocket();
  } catch {
    return false;
  }
}

async function readSource(file: string | undefined): Promise<{ name: string; analysis: LogAnalysis }> {
  if (file === '-' || (file === undefined && stdinIsPiped())) {
    return { name: 'stdin', analysis: await analyzeStream(process.stdin) };
  }
  if (file === undefined) {
    // No file and nothing piped in: the running kernel's log, with levels (dmesg -r: "<3>[ 1.2] text").
    try {
      // execa costs ~90 ms to load: only when a child is really needed, not at every start-up.
      const { execa } = await import('execa');
      const r = await execa('dmesg', ['--raw'], { reject: true, stripFinalNewline: false, maxBuffer: 1 << 30 });
      const a = new LogAnalyzer();
      a.pushText(r.stdout);
      return { name: 'dmesg', analysis: a.result() };
    } catch (err) {
      const e = err as { code?: string; stderr?: string; shortMessage?: string };
      if (e.code === 'ENOENT')
        throw new CannotRun(
          'dmesg is not installed (apt-get install util-linux), or give a saved log: kerntop analyze-dmesg FILE',
        );
      throw new CannotRun(
        `dmesg failed: ${(e.stderr || e.shortMessage || String(err)).trim()} (run as root or set kernel.dmesg_restrict=0, or give a saved log: kerntop analyze-dmesg FILE)`,
      );
    }
  }
  const stream = createReadStream(file);
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  try {
    await opened;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'ENOENT'
        ? 'no such file'
        : e.code === 'EACCES'
          ? 'permission denied'
          : e.code === 'EISDIR'
            ? 'is a directory'
            : e.message;
    throw new CannotRun(
      `cannot read ${file}: ${why} (give the path of a saved console log, dmesg output, /dev/kmsg records or journalctl -k output; - reads stdin)`,
    );
  }
  return { name: file, analysis: await analyzeStream(stream) };
}

function clip(s: string, n = 160): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

export function formatText(name: string, a: LogAnalysis): string {
  const out: string[] = [];
  out.push(`${name}: ${a.counts.lines ?? 0} lines`);
  out.push(`Result: ${a.summary}`);
  if (a.reports.length) {
    out.push('', `Crash reports (${a.counts.reports ?? a.reports.length}):`);
    a.reports.forEach((r, i) => {
      out.push(`  ${i + 1}. [${r.class}] ${r.title}${r.corrupted ? '  (corrupted)' : ''}`);
      const task = r.pid !== null ? `PID ${r.pid}${r.comm ? ` (${r.comm})` : ''}` : r.comm ? r.comm : '-';
      out.push(
        `     function ${r.function ?? '-'} | CPU ${r.cpu ?? '-'} | ${task} | tainted ${r.tainted ?? '-'} | lines ${r.start_line}-${r.end_line}${i === 0 ? ' | primary' : ''}`,
      );
    });
  }
  for (const [label, list, total] of [
    ['Errors', a.errors, a.counts.errors],
    ['Warnings', a.warnings, a.counts.warnings],
  ] as const) {
    if (!total) continue;
    out.push('', `${label} (${total}):`);
    for (const h of list.slice(0, 20)) out.push(`  ${String(h.line).padStart(6)}: ${clip(h.text)}`);
    if (total > 20) out.push(`  ... ${total - 20} more (--json lists up to 1000)`);
  }
  const counts = Object.entries(a.counts)
    .filter(([k, v]) => v && k !== 'lines')
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  out.push('', `Counts: ${counts || 'none'}`);
  return out.join('\n') + '\n';
}

export const analyzeDmesgCommand: CommandModule<object, Args> = {
  command: 'analyze-dmesg [file]',
  describe: 'classify a kernel log: crash reports (panic, Oops, KASAN, lockups, hung tasks, ...), errors, warnings',
  builder: (y) =>
    y
      .positional('file', {
        type: 'string',
        describe:
          "console log, dmesg output, /dev/kmsg records or journalctl -k output; - for stdin (default: this kernel's dmesg)",
      })
      .option('json', { type: 'boolean', default: false, describe: 'print the analysis as JSON' })
      .epilogue('Exit status: 0 clean, 1 errors or warnings only, 2 a crash report, 3 could not read the log.'),
  handler: async (argv) => {
    let res: { name: string; analysis: LogAnalysis };
    // yargs re-parses a positional as `--file -`, which turns a lone "-" into "": take it back.
    const file = argv.file === '' && hideBin(process.argv).includes('-') ? '-' : argv.file;
    try {
      res = await readSource(file);
    } catch (err) {
      if (err instanceof CannotRun) {
        process.stderr.write(`kerntop analyze-dmesg: ${err.message}\n`);
        process.exitCode = 3;
        return;
      }
      throw err;
    }
    const a = res.analysis;
    process.stdout.write(argv.json ? JSON.stringify(a, null, 2) + '\n' : formatText(res.name, a));
    process.exitCode = a.crashed ? 2 : a.counts.errors || a.counts.warnings ? 1 : 0;
  },
};
