// One VM process (QEMU, or vng under a pseudo-terminal) that must not outlive kerntop: it runs in
// its own process group, the kernel SIGKILLs it if kerntop dies (setpriv --pdeathsig), it is killed
// as a group on timeout, on cancel and on every way kerntop exits (lifecycle's tracked children).
import { spawn, type ChildProcess } from 'node:child_process';
import { pdeathsigPrefix, trackChild } from '../../lifecycle.js';

export interface VmRunOptions {
  /** Called with console output as it arrives (decoded as latin1 so no byte is lost to UTF-8 errors). */
  onData?: (chunk: string) => void;
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * Looked at after each chunk with the latest output (the chunk and a little before); when it returns a number, the VM is
   * given that many ms to exit on its own and is then killed (not counted as a timeout).
   */
  stopWhen?: (output: string) => number | null;
  env?: NodeJS.ProcessEnv;
}

export interface VmOutcome {
  output: string;
  stderr: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  aborted: boolean;
  /** kerntop ended it because stopWhen said the run was over. */
  stopped: boolean;
  /** spawn itself failed (ENOENT, EACCES). */
  spawnError?: NodeJS.ErrnoException;
  wall_ms: number;
}

/**
 * Kills a whole process group, falling back to the process itself (unless groupOnly: after the
 * leader was reaped its pid may belong to someone else).
 */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL', groupOnly = false): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    if (groupOnly) return;
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** A generic "end this VM" controller shared by the pipe and the PTY spawner. */
export function watchVm(
  opts: VmRunOptions,
  kill: () => void,
  state: { timedOut: boolean; aborted: boolean; stopped: boolean },
): { onOutput: (all: string) => void; dispose: () => void } {
  const timer = setTimeout(() => {
    state.timedOut = true;
    kill();
  }, opts.timeoutMs);
  let stopTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    state.aborted = true;
    kill();
  };
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    onOutput(all: string) {
      if (stopTimer || !opts.stopWhen) return;
      const grace = opts.stopWhen(all);
      if (grace === null) return;
      stopTimer = setTimeout(() => {
        state.stopped = true;
        kill();
      }, grace);
    },
    dispose() {
      clearTimeout(timer);
      if (stopTimer) clearTimeout(stopTimer);
      opts.signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** Runs argv with stdin from /dev/null and the console on a pipe. */
export function runVmProcess(argv: string[], opts: VmRunOptions): Promise<VmOutcome> {
  const t0 = performance.now();
  const full = [...pdeathsigPrefix(), ...argv];
  return new Promise((resolve) => {
    let child: ChildProcess;
    const state = { timedOut: false, aborted: false, stopped: false };
    let output = '';
    let stderr = '';
    try {
      child = spawn(full[0], full.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: opts.env ?? process.env });
    } catch (e) {
      resolve({ output, stderr, exitCode: null, signal: null, ...state, spawnError: e as NodeJS.ErrnoException, wall_ms: 0 });
      return;
    }
    trackChild(child);
    const w = watchVm(opts, () => killGroup(child.pid), state);
    let spawnError: NodeJS.ErrnoException | undefined;
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
    });
    child.stdout!.setEncoding('latin1');
    child.stderr!.setEncoding('latin1');
    child.stdout!.on('data', (d: string) => {
      output += d;
      opts.onData?.(d);
      // Markers can straddle chunks: look at the new chunk plus a little of what came before.
      w.onOutput(output.slice(-(d.length + 128)));
    });
    child.stderr!.on('data', (d: string) => {
      stderr += d;
    });
    child.on('close', (code, sig) => {
      w.dispose();
      // The group may still hold a grandchild (a wrapper's QEMU): make sure it is gone too.
      killGroup(child.pid, 'SIGKILL', true);
      resolve({
        output,
        stderr,
        exitCode: code,
        signal: sig,
        ...state,
        spawnError,
        wall_ms: performance.now() - t0,
      });
    });
  });
}
