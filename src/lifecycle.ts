import type { ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { constants as osConstants } from 'node:os';

// Every child kerntop starts is tracked here, so that no way out (quit, signals, a crash) leaves one
// running. SIGKILL of kerntop itself is covered by the parent-death signal set when spawning.
const children = new Set<ChildProcess>();

export function trackChild(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** Kills every tracked child and its process group, synchronously (safe inside process 'exit'). */
export function killAllChildren(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const c of children) {
    if (c.pid === undefined || c.exitCode !== null || c.signalCode !== null) continue;
    try {
      process.kill(-c.pid, signal);
    } catch {
      try {
        c.kill(signal);
      } catch {
        // already gone
      }
    }
  }
}

process.on('exit', () => killAllChildren('SIGKILL'));

let setprivPath: string | null | undefined;

/**
 * Command prefix that makes the kernel SIGKILL the child when kerntop dies, even by SIGKILL:
 * util-linux `setpriv --pdeathsig KILL`. Empty when setpriv is missing (children are still killed on
 * every other way out).
 */
export function pdeathsigPrefix(): string[] {
  if (setprivPath === undefined) {
    setprivPath = null;
    for (const dir of ['/usr/bin', '/bin', '/usr/sbin', '/sbin', ...(process.env.PATH ?? '').split(':')]) {
      try {
        accessSync(`${dir}/setpriv`, constants.X_OK);
        setprivPath = `${dir}/setpriv`;
        break;
      } catch {
        // keep looking
      }
    }
  }
  return setprivPath ? [setprivPath, '--pdeathsig', 'KILL', '--'] : [];
}

// The signals that ask kerntop to stop, and the one place that listens to them: every command, the
// screen and the jobs subscribe here instead of installing handlers of their own.
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

export function isStopSignal(name: string): name is StopSignal {
  return (STOP_SIGNALS as readonly string[]).includes(name);
}

/** The conventional exit code of a process ended by `signal`: 128 + its number (SIGINT 130, SIGTERM 143, SIGHUP 129). */
export function signalExitCode(signal: StopSignal): number {
  return 128 + osConstants.signals[signal];
}

const stopHandlers = new Set<(signal: StopSignal) => void>();
const onSignal = (signal: NodeJS.Signals) => {
  if (!isStopSignal(signal)) return;
  for (const h of [...stopHandlers]) h(signal);
};

/**
 * Calls `handler` with the signal's name each time SIGINT, SIGTERM or SIGHUP asks kerntop to stop,
 * until the returned function is called. Handlers run in the order they subscribed. While nobody
 * is subscribed the signals keep their default action (the process ends).
 */
export function onStopRequested(handler: (signal: StopSignal) => void): () => void {
  // A wrapper, so that the same function subscribed twice is two subscriptions.
  const h = (signal: StopSignal) => handler(signal);
  if (stopHandlers.size === 0) for (const s of STOP_SIGNALS) process.on(s, onSignal);
  stopHandlers.add(h);
  return () => {
    if (!stopHandlers.delete(h)) return;
    if (stopHandlers.size === 0) for (const s of STOP_SIGNALS) process.off(s, onSignal);
  };
}

/**
 * Runs cleanup once on SIGINT, SIGTERM, SIGHUP, an uncaught error or an unhandled rejection, then exits
 * with the conventional code. cleanup gets a few seconds; children are killed regardless.
 */
export function onShutdown(cleanup: (why: string) => Promise<number | void> | number | void, timeoutMs = 3000): void {
  let done = false;
  const run = (why: string, code: number, err?: unknown) => {
    if (done) return;
    done = true;
    if (err) process.stderr.write(`kerntop: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    const timer = setTimeout(() => {
      killAllChildren('SIGKILL');
      process.exit(code);
    }, timeoutMs);
    timer.unref();
    // cleanup may choose the exit code (quiet mode: the status); a crash always exits 3.
    let chosen: number | void = undefined;
    Promise.resolve()
      .then(() => cleanup(why))
      .then((c) => (chosen = c))
      .catch((e: unknown) => process.stderr.write(`kerntop: cleanup failed: ${String(e)}\n`))
      .finally(() => {
        killAllChildren('SIGKILL');
        process.exit(err === undefined && typeof chosen === 'number' ? chosen : code);
      });
  };
  onStopRequested((signal) => run(signal, signalExitCode(signal)));
  process.on('uncaughtException', (e) => run('uncaughtException', 3, e));
  process.on('unhandledRejection', (e) => run('unhandledRejection', 3, e));
}
