// Taking the terminal over and giving it back. Whatever way the program leaves (quit, signal, crash),
// the user gets their shell back on the normal screen, with a cursor and a cooked tty.

export const ENTER_ALT_SCREEN = '\u001B[?1049h\u001B[H\u001B[2J';
export const LEAVE_ALT_SCREEN = '\u001B[?1049l';
export const SHOW_CURSOR = '\u001B[?25h';

export interface TtyOut {
  write(s: string): unknown;
}

export interface TtyIn {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface TerminalGuard {
  /** Idempotent: runs `beforeRestore` (unmount the app while still on the alternate screen), then restores. */
  restore(): void;
  /** Removes the process hooks once the app has ended normally. */
  dispose(): void;
  readonly restored: boolean;
}

export interface GuardOptions {
  altScreen?: boolean;
  beforeRestore?: () => void;
  proc?: Pick<NodeJS.Process, 'on' | 'off'>;
}

export function takeTerminal(stdout: TtyOut, stdin: TtyIn, opts: GuardOptions = {}): TerminalGuard {
  const alt = opts.altScreen ?? true;
  const proc = opts.proc ?? process;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      opts.beforeRestore?.();
    } catch {
      // Restoring the terminal matters more than a clean unmount.
    }
    try {
      stdout.write(SHOW_CURSOR + (alt ? LEAVE_ALT_SCREEN : ''));
    } catch {
      // The terminal may be gone (SIGHUP); nothing left to restore.
    }
    try {
      if (stdin.isTTY) stdin.setRawMode?.(false);
    } catch {
      // same
    }
  };
  // 'exit' runs on process.exit() and normal ends; the monitor hook runs before Node prints an uncaught
  // exception, so the stack trace lands on the normal screen where it can be read.
  const onCrash = () => restore();
  proc.on('exit', restore);
  proc.on('uncaughtExceptionMonitor', onCrash);
  if (alt) stdout.write(ENTER_ALT_SCREEN);
  return {
    restore,
    dispose() {
      proc.off('exit', restore);
      proc.off('uncaughtExceptionMonitor', onCrash);
    },
    get restored() {
      return restored;
    },
  };
}
