import { useEffect, useReducer, useRef } from 'react';
import type { JobProgressEvent, JobResultEvent } from '../../../events.js';

// A job (boot test, vmcore report) run from a window: one AbortController per run, progress kept as a
// bounded tail, the typed result or the error at the end. Closing the window (unmount) cancels the
// run, so nothing the window started outlives it. Progress can come by the hundred per second (a
// booting kernel's console), so redraws are coalesced.
// The events are not dispatched into the store: it has nothing to do with them, and their wall-clock
// ts_ms would move the clock of a replayed session (the header would jump to today).

export type JobEvent = JobProgressEvent | JobResultEvent;
export type JobRunner<O, R> = (opts: O, hooks: { onEvent?: (ev: JobEvent) => void; signal?: AbortSignal }) => Promise<R>;

export type JobPhase = 'idle' | 'running' | 'cancelling' | 'done' | 'failed' | 'cancelled';

export interface TailLine {
  id: number;
  text: string;
  stage?: string;
}

export interface JobRun<R> {
  phase: JobPhase;
  /** The last progress lines, oldest first. */
  tail: TailLine[];
  /** The last progress message that is not a console line (what the job is doing). */
  status: string;
  result: R | null;
  error: string | null;
  started_ms: number;
  ended_ms: number | null;
}

// Every run a window started, until it has settled: closing a window aborts its run at once, but the
// job still needs a moment to reap the VM or the collector and remove its work directory.
const inFlight = new Set<Promise<void>>();

/**
 * Resolves once every job started from a window has finished (a cancelled one included), for an
 * exit path that wants the jobs' own cleanup done before the process goes.
 */
export function jobsSettled(): Promise<void> {
  return Promise.all([...inFlight]).then(() => undefined);
}

/** Console lines kept for the live tail; a window shows fewer. */
export const TAIL_KEEP = 400;
const REDRAW_MS = 40;

const IDLE: JobRun<never> = { phase: 'idle', tail: [], status: '', result: null, error: null, started_ms: 0, ended_ms: null };

export interface UseJob<O, R> {
  /** The run as of this render. */
  run: JobRun<R>;
  /** The run now: for key handlers, which may run twice before the next render. */
  current(): JobRun<R>;
  start(opts: O): void;
  cancel(): void;
  /** Back to idle (after a result or an error). */
  reset(): void;
}

export interface UseJobOptions {
  /** Each event as it comes, before the redraw (for per-plugin state kept beside the tail). */
  onEvent?: (ev: JobEvent) => void;
}

export function useJob<O, R>(runner: JobRunner<O, R>, opts: UseJobOptions = {}): UseJob<O, R> {
  const state = useRef<JobRun<R>>(IDLE);
  const controller = useRef<AbortController | null>(null);
  const mounted = useRef(true);
  const timer = useRef<NodeJS.Timeout | null>(null);
  const nextId = useRef(0);
  const latest = useRef(opts);
  latest.current = opts;
  const [, rerender] = useReducer((n: number) => n + 1, 0);

  const redrawNow = () => {
    if (timer.current) {
      clearTimeout(timer.current);
      timer.current = null;
    }
    if (mounted.current) rerender();
  };
  const redrawSoon = () => {
    if (!timer.current && mounted.current) {
      timer.current = setTimeout(() => {
        timer.current = null;
        if (mounted.current) rerender();
      }, REDRAW_MS);
    }
  };
  const set = (patch: Partial<JobRun<R>>, soon = false) => {
    state.current = { ...state.current, ...patch };
    if (soon) redrawSoon();
    else redrawNow();
  };

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      if (timer.current) clearTimeout(timer.current);
      // Closing the window ends its job: the VM or the collector is killed by the job's own abort path.
      controller.current?.abort();
    };
  }, []);

  const start = (o: O) => {
    const s = state.current;
    if (s.phase === 'running' || s.phase === 'cancelling') return;
    const ac = new AbortController();
    controller.current = ac;
    state.current = { ...IDLE, phase: 'running', started_ms: Date.now() };
    redrawNow();
    const onEvent = (ev: JobEvent) => {
      if (controller.current !== ac) return;
      latest.current.onEvent?.(ev);
      if (ev.type !== 'job.progress') return;
      const tail = state.current.tail.length >= TAIL_KEEP ? state.current.tail.slice(-(TAIL_KEEP - 1)) : state.current.tail.slice();
      tail.push({ id: nextId.current++, text: ev.message, stage: ev.stage });
      const patch: Partial<JobRun<R>> = { tail };
      if (ev.stage !== 'console') patch.status = ev.message;
      set(patch, true);
    };
    let p: Promise<R>;
    try {
      p = runner(o, { onEvent, signal: ac.signal });
    } catch (e) {
      p = Promise.reject(e);
    }
    const settled = p.then(() => undefined, () => undefined);
    inFlight.add(settled);
    void settled.then(() => inFlight.delete(settled));
    p.then(
      (result) => {
        if (controller.current !== ac) return;
        controller.current = null;
        set({ phase: ac.signal.aborted ? 'cancelled' : 'done', result, ended_ms: Date.now() });
      },
      (e: unknown) => {
        if (controller.current !== ac) return;
        controller.current = null;
        // What a cancelled job throws (the vmcore report's CancelledError) is the cancel, not a failure.
        if (ac.signal.aborted) set({ phase: 'cancelled', ended_ms: Date.now() });
        else set({ phase: 'failed', error: e instanceof Error ? e.message : String(e), ended_ms: Date.now() });
      },
    );
  };

  const cancel = () => {
    const ac = controller.current;
    if (!ac || ac.signal.aborted) return;
    ac.abort();
    set({ phase: 'cancelling', status: 'cancelling' });
  };

  const reset = () => {
    if (controller.current) return;
    state.current = IDLE;
    redrawNow();
  };

  return { run: state.current, current: () => state.current, start, cancel, reset };
}

/** Re-renders every periodMs while `on` (an elapsed-time counter). */
export function useTicking(on: boolean, periodMs = 1000): void {
  const [, tick] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!on) return;
    const t = setInterval(tick, periodMs);
    return () => clearInterval(t);
  }, [on, periodMs]);
}
