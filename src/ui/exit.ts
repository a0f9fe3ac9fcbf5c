import { isStopSignal, signalExitCode } from '../lifecycle.js';

/** How the live screen ended. hangup: the terminal went away (EIO/EPIPE on it), as SIGHUP says. */
export interface TuiExit {
  reason: 'quit' | 'signal' | 'hangup';
  signal?: NodeJS.Signals;
}

/** The conventional exit code for a screen ended by a signal or a hangup (128 + signal); null for q. */
export function tuiExitCode(exit: TuiExit): number | null {
  if (exit.reason === 'hangup') return signalExitCode('SIGHUP');
  if (exit.reason === 'signal') return signalExitCode(exit.signal && isStopSignal(exit.signal) ? exit.signal : 'SIGTERM');
  return null;
}
