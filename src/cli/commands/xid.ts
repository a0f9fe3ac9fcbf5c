import { createReadStream } from 'node:fs';
import type { CommandModule } from 'yargs';
import { runSourceUntilDone } from '../run-source.js';
import type { KerntopEvent } from '../../events.js';
import { queryNvidiaSmi } from '../../knowledge/xid/nvidia-smi.js';
import { gpuLabel, XidTracker, type XidEvent } from '../../knowledge/xid/tracker.js';
import { xidToKernelEvent } from '../../sources/kmsg/xid-event.js';
import { xidSection } from '../../report/xid-section.js';
import { escapeControls } from '../../sources/kmsg/format.js';
import { eachLine } from '../../sources/kmsg/lines.js';
import { KmsgSource } from '../../sources/kmsg/source.js';
import { isoMicros } from '../../sources/kmsg/walltime.js';
import { TextLogParser } from '../../sources/kmsg/textlog.js';
import { createStore } from '../../store/index.js';
import { selectXid } from '../../store/xid.js';

interface XidArgs {
  follow: boolean;
  json: boolean;
  input?: string;
  source: 'auto' | 'kmsg' | 'dmesg';
  'kmsg-path'?: string;
}

/** Repeats of one Xid on one GPU this close together print as one row (xN), as the store counts them. */
const STORM_GAP_MS = 10_000;

/** The --json form of an Xid: the documented keys first, details after. */
export function xidJson(e: XidEvent): string {
  const o: Record<string, unknown> = { xid: e.xid, gpu: e.gpu };
  if (e.pid !== undefined) o.pid = e.pid;
  if (e.process !== undefined) o.process = e.process;
  o.message = e.message;
  o.class = e.class;
  o.severity = e.severity;
  o.action = e.action;
  o.seq = e.seq;
  o.ts_us = e.ts_us;
  if (e.wall) o.wall = e.wall;
  o.name = e.name;
  o.action_code = e.action_code;
  for (const k of ['form', 'gpu_instance', 'compute_instance', 'caused_by', 'channel', 'recovery', 'nvlink'] as const)
    if (e[k] !== undefined) o[k] = e[k];
  return JSON.stringify(o);
}

function when(e: XidEvent): string {
  if (e.wall) return e.wall.slice(0, 19).replace('T', ' ');
  if (e.ts_us > 0) return `[${(e.ts_us / 1e6).toFixed(6)}]`;
  return `#${e.seq}`;
}

function xidLine(e: XidEvent, times: number, last?: XidEvent): string {
  const proc = e.process
    ? ` ${e.process}${typeof e.pid === 'number' ? `[${e.pid}]` : ''}`
    : typeof e.pid === 'number'
      ? ` pid ${e.pid}`
      : '';
  const mig =
    e.gpu_instance !== undefined
      ? ` GI ${e.gpu_instance}${e.compute_instance !== undefined ? ` CI ${e.compute_instance}` : ''}`
      : '';
  const storm = times > 1 ? ` x${times} (until ${last ? when(last) : '?'})` : '';
  return `${when(e)}  Xid ${e.xid}${storm}  GPU ${gpuLabel(e.gpu)}${mig}  ${e.severity} ${e.class}: ${e.name}${proc}\n    ${e.message}\n    -> ${e.action}`;
}

function stormKey(e: XidEvent): string {
  return `${e.gpu.pci}|${e.xid}`;
}

/** Collapses storms as events arrive: a row is printed when the next different Xid comes or on flush. */
class StormPrinter {
  private cur: { first: XidEvent; last: XidEvent; n: number; key: string; t: number } | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly write: (s: string) => void,
    private readonly live: boolean,
  ) {}

  add(e: XidEvent): void {
    const key = stormKey(e);
    const t = e.time_ms ?? e.ts_us / 1000;
    if (this.cur && this.cur.key === key && t - this.cur.t <= STORM_GAP_MS) {
      this.cur.n++;
      this.cur.last = e;
      this.cur.t = t;
      this.arm();
      return;
    }
    this.flush();
    this.cur = { first: e, last: e, n: 1, key, t };
    // Live: show the first one at once; repeats are summed into one line afterwards.
    if (this.live) {
      this.write(xidLine(e, 1));
      this.cur.n = 0;
      this.cur.first = e;
    }
    this.arm();
  }

  private arm(): void {
    if (!this.live) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), STORM_GAP_MS);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const c = this.cur;
    this.cur = null;
    if (!c) return;
    if (this.live) {
      if (c.n > 0)
        this.write(`    ... Xid ${c.first.xid} on GPU ${gpuLabel(c.first.gpu)} repeated x${c.n} more (until ${when(c.last)})`);
    } else this.write(xidLine(c.first, c.n, c.last));
  }
}

function exitCodeOf(worst: string | null): number {
  return worst === 'critical' ? 2 : worst === 'warning' ? 1 : 0;
}

export async function runXid(argv: XidArgs): Promise<number> {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
  });
  // On a terminal the text form shows a log's control bytes as \xNN (as dmesg does); JSON stays exact.
  const tty = process.stdout.isTTY === true && !argv.json;
  const write = (s: string) => process.stdout.write((tty ? escapeControls(s) : s) + '\n');
  // A saved log's window ends at its last event, not at the time it is read.
  const store = createStore(undefined, argv.input ? 0 : Date.now());
  const printer = new StormPrinter(write, argv.follow);
  const onXid = (e: XidEvent) => {
    if (argv.json) write(xidJson(e));
    else printer.add(e);
  };
  const finish = (): number => {
    printer.flush();
    const sum = selectXid(store.state);
    if (!argv.json) {
      write('');
      for (const l of xidSection(sum).lines) write(l);
    }
    return exitCodeOf(sum.worst_severity);
  };

  if (argv.input && argv.follow) {
    process.stderr.write('kerntop xid: --follow reads the live log; it cannot be used with --input\n');
    return 3;
  }
  if (argv.input) {
    const parser = new TextLogParser();
    const tracker = new XidTracker();
    const handle = (recs: ReturnType<TextLogParser['push']>) => {
      for (const r of recs) {
        for (const x of tracker.process(r)) {
          // The wall time in words only for the few records that are Xids, not for every line.
          if (r.wall_ms !== undefined && !x.wall) x.wall = isoMicros(r.wall_ms * 1000);
          onXid(x);
          store.dispatch(xidToKernelEvent(x, x.time_ms ?? Date.now()));
        }
      }
    };
    // Read as a stream, line by line: a log of any size in bounded memory.
    try {
      await eachLine(argv.input === '-' ? process.stdin : createReadStream(argv.input), (l) => handle(parser.push(l)));
    } catch (e) {
      process.stderr.write(
        `kerntop xid: cannot read ${argv.input}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`,
      );
      return 3;
    }
    handle(parser.flush());
    return finish();
  }

  const smi = await queryNvidiaSmi();
  if (smi.gpus === null)
    process.stderr.write(
      `kerntop: nvidia-smi unavailable (${smi.reason}): GPUs are named by PCI address and the UUID the driver logged\n`,
    );
  const src = new KmsgSource({
    source: argv.source,
    path: argv['kmsg-path'],
    follow: argv.follow,
    start: 'oldest',
    cursor: null,
    classify: null,
    gpus: smi.gpus ?? [],
    onXid,
  });
  const emit = (ev: KerntopEvent) => {
    if (ev.type === 'kmsg.record') return; // the store keeps only what the Xid view needs
    if (ev.type === 'source.diag') process.stderr.write(`kerntop: ${ev.message}\n`);
    store.dispatch(ev);
  };
  if (!(await runSourceUntilDone(src, emit, 'xid'))) return 3;
  return finish();
}

export const xidCommand: CommandModule<object, XidArgs> = {
  command: 'xid',
  describe: 'NVIDIA Xid errors from the kernel log (or a saved log): what failed, on which GPU, and what to do',
  builder: (y) =>
    y
      .option('follow', {
        alias: 'f',
        type: 'boolean',
        default: false,
        describe: 'after the buffer, report new Xids as they come',
      })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'one JSON object per Xid: xid, gpu, pid, process, message, class, severity, action, seq, ts_us, wall',
      })
      .option('input', {
        alias: 'i',
        type: 'string',
        nargs: 1,
        describe:
          'read a saved log instead (raw /dev/kmsg records, dmesg text with or without times, journalctl -k); - for stdin',
      })
      .option('source', {
        type: 'string',
        choices: ['auto', 'kmsg', 'dmesg'] as const,
        default: 'auto' as const,
        describe: 'auto: /dev/kmsg, else `dmesg -S`',
      })
      .option('kmsg-path', { type: 'string', describe: 'read the kmsg device at this path' })
      .example('kerntop xid', 'Xids in the kernel buffer, grouped per GPU; exit 2 if any needs a reset or drain')
      .example('journalctl -k -b -1 | kerntop xid --input -', 'Xids of the previous boot') as never,
  handler: async (argv) => {
    const code = await runXid(argv);
    // stdout to a pipe is written asynchronously: exit only once everything has left.
    await new Promise<void>((r) => process.stdout.write('', () => r()));
    process.exit(code);
  },
};
