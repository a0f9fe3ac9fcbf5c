import { closeSync, openSync } from 'node:fs';
import { isatty } from 'node:tty';

// Node restores the terminal modes of stdin/stdout/stderr when the process exits (an atexit handler,
// node::ResetStdio). On a terminal that has hung up (tmux kill-session, ssh dropped) tcsetattr fails
// with EIO; Node treats that as an internal error (CHECK), and printing its own stack trace that late
// crashes the process with SIGSEGV in libgcc_s. Node skips any stdio descriptor that no longer refers
// to the file it had at start-up, so a hung-up terminal is swapped for /dev/null just before exit.

const STDIO = [0, 1, 2] as const;
const wasTerminal = STDIO.map((fd) => isatty(fd));

/**
 * Replaces each stdio descriptor that was a terminal at start-up and is one no longer (a hung-up
 * terminal answers every ioctl with EIO) by /dev/null. Returns the descriptors replaced.
 */
export function releaseHungUpStdio(): number[] {
  const replaced: number[] = [];
  for (const fd of STDIO) {
    if (!wasTerminal[fd] || isatty(fd)) continue;
    try {
      closeSync(fd);
      // The lowest free descriptor is the one just closed (0, 1 and 2 are handled in order).
      const got = openSync('/dev/null', 'r+');
      if (got !== fd) closeSync(got);
      replaced.push(fd);
    } catch {
      // Leave it: the worst case is the crash this avoids.
    }
  }
  return replaced;
}
