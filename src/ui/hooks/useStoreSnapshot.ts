import { useEffect, useRef, useState } from 'react';
import type { Store } from '../../store/index.js';
import { takeSnapshot, type Snapshot } from '../snapshot.js';

/** A replay redraws at most this often, however fast its events come: 10 frames/s. */
export const SNAPSHOT_INTERVAL_MS = 100;
/**
 * The live screen takes the store's measurements once a second, on the second, as top does: the
 * probe families report once a second each, at their own moments, and drawing each of them apart
 * cost several frames a second of an idle screen (Ink lays out and measures the whole frame each
 * time). On the second boundary the header's clock changes in the same frame. Keys still answer at
 * once: they change the view's own state, not the snapshot.
 */
export const LIVE_SNAPSHOT_INTERVAL_MS = 1000;

/**
 * The store seen at a capped rate. A dispatch only marks the store dirty and arms a timer; when it
 * fires, the selectors run once if state.version moved, and the view re-renders only if what it shows
 * changed (takeSnapshot hands back the previous snapshot otherwise). While paused no snapshot is
 * taken at all, so the view stays frozen while the sources keep counting.
 */
export function useStoreSnapshot(store: Store, paused: boolean, intervalMs = SNAPSHOT_INTERVAL_MS, refresh = 0): Snapshot {
  const [snap, setSnap] = useState<Snapshot>(() => takeSnapshot(store.state));
  const seen = useRef(snap.version);
  const lastFlush = useRef(0);
  // `refresh` changes when the user acts on the store (clear): show the result even while paused.
  // Taken in this render (React's way to adjust state to a changed prop), not in an effect after it.
  const [shownRefresh, setShownRefresh] = useState(refresh);
  if (refresh !== shownRefresh) {
    setShownRefresh(refresh);
    setSnap(takeSnapshot(store.state));
  }
  useEffect(() => {
    if (paused) return;
    let timer: NodeJS.Timeout | null = null;
    const flush = () => {
      timer = null;
      if (store.state.version === seen.current) return;
      seen.current = store.state.version;
      lastFlush.current = Date.now();
      // The previous snapshot comes back when nothing shown changed, and React then skips the render.
      setSnap((prev) => takeSnapshot(store.state, prev));
    };
    const schedule = () => {
      if (timer) return;
      const now = Date.now();
      // Whole seconds and longer: on the boundary (+1 ms, as useTick), so a clock ticks in the same frame.
      const delay =
        intervalMs >= 1000 ? intervalMs - (now % intervalMs) + 1 : Math.max(0, intervalMs - (now - lastFlush.current));
      timer = setTimeout(flush, delay);
    };
    const unsubscribe = store.subscribe(schedule);
    // Catch up with what arrived while paused or before mounting.
    schedule();
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [store, paused, intervalMs]);
  return snap;
}

/**
 * The wall clock, re-rendering its user once a periodMs, on the boundary (a clock showing seconds then
 * changes exactly when its text does). `on` false: no timer at all (a replay shows its own clock).
 */
export function useTick(periodMs: number, on = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    let t: NodeJS.Timeout;
    const arm = () => {
      t = setTimeout(
        () => {
          setNow(Date.now());
          arm();
        },
        periodMs - (Date.now() % periodMs) + 1,
      );
    };
    arm();
    return () => clearTimeout(t);
  }, [periodMs, on]);
  return now;
}
