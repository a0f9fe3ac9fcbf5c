import { render, type Instance } from 'ink';
import type { FleetOptions } from '../../fleet/fetch.js';
import { FleetPoller } from '../../fleet/poller.js';
import type { Prometheus } from '../../fleet/prometheus.js';
import { tuiExitCode, type TuiExit } from '../exit.js';
import { takeTerminal } from '../terminal.js';
import { ThemeContext, themeFromEnv } from '../theme.js';
import { FleetApp } from './FleetApp.js';

export interface FleetTuiOptions {
  prometheus: string;
  selector: string;
  stragglerFactor: number;
  intervalMs: number;
}

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];

/** The fleet screen until q, Ctrl+C or a signal; returns the exit code (0 for q, 128+signal). */
export async function runFleetTui(prom: Prometheus, opts: FleetOptions, t: FleetTuiOptions): Promise<number> {
  const stdout = process.stdout;
  const stdin = process.stdin;
  if (!stdout.isTTY || !stdin.isTTY) {
    process.stderr.write(
      'kerntop fleet: the fleet screen needs a terminal, but stdin or stdout is not a TTY. Use `kerntop fleet -q` for the table once or `--json` for the rows as JSON (with ssh, pass -t).\n',
    );
    return 3;
  }
  const poller = new FleetPoller(prom, opts, t.intervalMs);
  let instance: Instance | null = null;
  const guard = takeTerminal(stdout, stdin, { altScreen: true, beforeRestore: () => instance?.unmount() });
  const exit = await new Promise<TuiExit>((resolve) => {
    let done = false;
    const finish = (e: TuiExit) => {
      if (done) return;
      done = true;
      for (const s of SIGNALS) process.off(s, onSignal);
      stdout.off('error', onHangup);
      resolve(e);
    };
    const onSignal = (signal: NodeJS.Signals) => finish({ reason: 'signal', signal });
    const onHangup = () => finish({ reason: 'hangup' });
    for (const s of SIGNALS) process.on(s, onSignal);
    stdout.on('error', onHangup);
    instance = render(
      <ThemeContext.Provider value={themeFromEnv()}>
        <FleetApp poller={poller} prom={prom} opts={opts} title={`${t.prometheus}${t.selector ? ` ${t.selector}` : ''}`} />
      </ThemeContext.Provider>,
      { stdout, stdin, exitOnCtrlC: false, patchConsole: false, maxFps: 30 },
    );
    instance.waitUntilExit().then(
      () => finish({ reason: 'quit' }),
      () => finish({ reason: 'quit' }),
    );
    poller.start();
  });
  poller.stop();
  guard.restore();
  guard.dispose();
  return tuiExitCode(exit) ?? 0;
}
