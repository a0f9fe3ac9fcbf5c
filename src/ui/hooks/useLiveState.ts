import { useCallback, useEffect, useRef, useState } from 'react';

export type LiveSet<T> = (next: Partial<T> | ((now: T) => T), opts?: { soonMs?: number }) => void;

/**
 * State that key handlers read at once. Keys can arrive faster than React renders (a paste, keys
 * typed within one frame, tmux send-keys): two in one tick would both see the state of the last
 * render. So the newest value is kept beside React's state: `get()` gives it to handlers and
 * callbacks, `state` is what this render shows, and `set` updates both (a patch, or a function of
 * the newest value). `soonMs` coalesces renders: updates that come by the hundred per second (a
 * booting kernel's console) show at most once per soonMs, the newest value winning.
 */
export function useLiveState<T extends object>(initial: T | (() => T)): [state: T, get: () => T, set: LiveSet<T>] {
  const [state, setState] = useState<T>(initial);
  const live = useRef<T>(state);
  const timer = useRef<NodeJS.Timeout | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    },
    [],
  );
  const get = useCallback(() => live.current, []);
  const set = useCallback<LiveSet<T>>((next, opts) => {
    live.current = typeof next === 'function' ? next(live.current) : { ...live.current, ...next };
    if (opts?.soonMs !== undefined) {
      timer.current ??= setTimeout(() => {
        timer.current = null;
        setState(live.current);
      }, opts.soonMs);
      return;
    }
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    setState(live.current);
  }, []);
  return [state, get, set];
}
