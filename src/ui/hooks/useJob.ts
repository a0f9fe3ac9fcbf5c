import { useEffect, useRef } from 'react';
import type { JobProgressEvent, JobResultEvent } from '../../events.js';
import { trackJob } from '../../jobs/registry.js';
import { useLiveState } from './useLiveState.js';

// A job (boot test, vmcore report) run from a window: one AbortController per run, progress kept as a
// bounded tail, the typed result or the error at the end. Closing the window (unmount) cancels the
// run, so nothing the window started outlives it; the job registry (src/jobs/registry.ts) lets the
// exit path wait for its cleanup. Progress can come by the hundred per second (a booting kernel's
// console), so redraws are coalesced.
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
  /** The job's name in the registry (boot-test, vmcore-report). */
  name: string;
  /** Each event as it comes, before the redraw (for per-plugin state kept beside the tail). */
  onEvent?: (ev: JobEvent) => void;
}

export function useJob<O, R>(runner: JobRunner<O, R>, opts: UseJobOptions): UseJob<O, R> {
  const [run, current, set] = useLiveState<JobRun<R>>(IDLE);
  const controller = useRef<AbortController | null>(null);
  const nextId = useRef(0);
  const latest = useRef(opts);
  useEffect(() => {
    latest.current = opts;
  });

  useEffect(
    () => () => {
      // Closing the window ends its job: the VM or the collector is killed by the job's own abort path.
      controller.current?.abort();
    },
    [],
  );

  const start = (o: O) => {
    const s = current();
    if (s.phase === 'running' || s.phase === 'cancelling') return;
    const ac = new AbortController();
    controller.current = ac;
    set(() => ({ ...IDLE, phase: 'running', started_ms: Date.now() }));
    const onEvent = (ev: JobEvent) => {
      if (controller.current !== ac) return;
      latest.current.onEvent?.(ev);
      if (ev.type !== 'job.progress') return;
      const was = current().tail;
      const tail = was.length >= TAIL_KEEP ? was.slice(-(TAIL_KEEP - 1)) : was.slice();
      tail.push({ id: nextId.current++, text: ev.message, stage: ev.stage });
      const patch: Partial<JobRun<R>> = { tail };
      if (ev.stage !== 'console') patch.status = ev.message;
      set(patch, { soonMs: REDRAW_MS });
    };
    let p: Promise<R>;
    try {
      p = runner(o, { onEvent, signal: ac.signal });
    } catch (e) {
      p = Promise.reject(e);
    }
    trackJob(latest.current.name, p, ac);
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
    set(() => IDLE);
  };

  return { run, current, start, cancel, reset };
}
