import type { KerntopEvent, Thresholds } from '../events.js';
import { apply, clearCounters, createState, type StoreState } from './state.js';

export * from './state.js';
export * from './selectors.js';
export type { Finding } from './rules.js';

/**
 * The store as the running program holds it: a state, the reducer, and listeners told that something
 * changed (not what: views re-read through selectors at their own pace).
 */
export interface Store {
  readonly state: StoreState;
  dispatch(ev: KerntopEvent): void;
  subscribe(listener: () => void): () => void;
  clear(now_ms?: number): void;
}

export function createStore(thresholds?: Thresholds, now_ms?: number): Store {
  const state = createState(thresholds, now_ms);
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };
  return {
    state,
    dispatch(ev) {
      apply(state, ev);
      notify();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    clear(now_ms = Date.now()) {
      clearCounters(state, now_ms);
      notify();
    },
  };
}
