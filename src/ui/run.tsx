import os from 'node:os';
import { format } from 'node:util';
import { render, type Instance } from 'ink';
import { onStopRequested, type StopSignal } from '../lifecycle.js';
import type { Store } from '../store/index.js';
import { App } from './App.js';
import { inkIncrementalFixed } from './ink-cache-hook.js';
import type { HostInfo } from './panes/Header.js';
import { parsePane, TuiUsageError } from './pane-option.js';
import { takeTerminal } from './terminal.js';
import { ThemeContext, themeFromEnv } from './theme.js';
import { tuiExitCode, type TuiExit } from './exit.js';

export type { TuiExit } from './exit.js';

export { TuiUsageError } from './pane-option.js';

export interface TuiOptions {
  /** One of summary, hist, events, kmsg, probes: show only that pane. */
  pane?: string;
  /** Called once when the user quits or a signal ends the UI, before runTui resolves. */
  onQuit?: (exit: TuiExit) => void;
  /** The store is fed from a recording: the header shows the recording's clock, not this host's. */
  replay?: boolean;
  /** Header facts when the store has no session.info event (live); a replay's own header wins. */
  host?: Partial<HostInfo>;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  env?: NodeJS.ProcessEnv;
  /** Use the alternate screen (default true), as top and less do. */
  altScreen?: boolean;
  /**
   * After SIGTERM/SIGHUP/SIGINT the UI resolves so the caller can stop its sources; if the process is
   * still alive this many ms later it exits with 128+signal (0 disables).
   */
  signalExitTimeoutMs?: number;
  snapshotIntervalMs?: number;
  /** Called after each frame with Ink's render time (benchmarks). */
  onRender?: (renderTimeMs: number) => void;
}

export const NOT_A_TTY_MESSAGE =
  'the interactive monitor needs a terminal, but stdin or stdout is not a TTY. ' +
  'Use `kerntop -q` for a one-shot summary or `kerntop --events` for one line per event ' +
  '(with docker exec, pass -it; with ssh, pass -t).';

/**
 * Runs the interactive UI over `store` until the user quits (q, Ctrl+C) or a signal arrives. Resolves
 * with how it ended; the caller then stops its sources. The terminal is restored on every way out.
 * Rejects with a TuiUsageError when there is no terminal or the pane name is unknown.
 */
export async function runTui(store: Store, opts: TuiOptions = {}): Promise<TuiExit> {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  if (!stdout.isTTY || !stdin.isTTY) throw new TuiUsageError(NOT_A_TTY_MESSAGE);
  const pane = parsePane(opts.pane);
  const env = opts.env ?? process.env;
  const theme = themeFromEnv(env);
  const host: HostInfo = {
    host: opts.host?.host ?? os.hostname(),
    kernel_release: opts.host?.kernel_release ?? os.release(),
    uptime_s: opts.host?.uptime_s ?? os.uptime(),
  };

  let instance: Instance | null = null;
  const guard = takeTerminal(stdout, stdin, {
    altScreen: opts.altScreen ?? true,
    beforeRestore: () => instance?.unmount(),
  });

  // Anything printed with console.* while the frame is up would scroll it into garbage: show it as
  // a diagnostic instead.
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
  const toDiag =
    (level: 'info' | 'warning' | 'error') =>
    (...args: unknown[]) =>
      store.dispatch({ type: 'source.diag', ts_ms: Date.now(), source: 'console', level, message: format(...args) });
  console.log = console.info = console.debug = toDiag('info');
  console.warn = toDiag('warning');
  console.error = toDiag('error');

  return new Promise<TuiExit>((resolve, reject) => {
    let settled = false;
    let offStop = () => {};
    const cleanup = () => {
      offStop();
      stdout.off('error', onStdoutError);
      Object.assign(console, saved);
      guard.restore();
      guard.dispose();
    };
    const finish = (exit: TuiExit) => {
      if (settled) return;
      settled = true;
      cleanup();
      try {
        opts.onQuit?.(exit);
      } finally {
        resolve(exit);
      }
    };
    const onSignal = (signal: StopSignal) => {
      finish({ reason: 'signal', signal });
      const timeout = opts.signalExitTimeoutMs ?? 5000;
      if (timeout > 0) setTimeout(() => process.exit(tuiExitCode({ reason: 'signal', signal }) ?? 143), timeout).unref();
    };
    // EIO/EPIPE: the terminal went away (ssh dropped, tmux pane killed).
    const onStdoutError = () => finish({ reason: 'hangup' });
    offStop = onStopRequested(onSignal);
    stdout.on('error', onStdoutError);

    try {
      instance = render(
        <ThemeContext.Provider value={theme}>
          <App store={store} pane={pane} host={host} replay={opts.replay} snapshotIntervalMs={opts.snapshotIntervalMs} />
        </ThemeContext.Provider>,
        {
          stdout,
          stdin,
          exitOnCtrlC: false,
          patchConsole: false,
          maxFps: 30,
          // Rewrite only the lines that changed (a clock tick is one line, not the whole screen), where
          // Ink has the fix for frames that end in a newline (see ink-cache-hook.ts).
          incrementalRendering: inkIncrementalFixed(),
          onRender: opts.onRender ? (m) => opts.onRender!(m.renderTime) : undefined,
        },
      );
    } catch (err) {
      settled = true;
      cleanup();
      reject(err);
      return;
    }
    instance.waitUntilExit().then(
      () => finish({ reason: 'quit' }),
      (err: unknown) => {
        if (settled) return;
        settled = true;
        cleanup();
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
