import type { KerntopEvent, Thresholds } from '../events.js';
import { createStore, type Store, type StoreState } from '../store/index.js';

/**
 * The store behind /summary.json: the quiet summary of a recent window rather than of the whole
 * (possibly weeks-long) run. Two stores are fed the same events and cleared in turn, half a window
 * apart; the summary reads the one cleared longer ago, so it covers between half a window and a
 * whole one (all of the run while it is shorter than that).
 */
export class RecentWindow {
  private readonly stores: [Store, Store];
  private older = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    thresholds: Thresholds,
    private readonly window_ms: number | null,
  ) {
    this.stores = [createStore(thresholds), createStore(thresholds)];
  }

  dispatch(ev: KerntopEvent): void {
    this.stores[0].dispatch(ev);
    this.stores[1].dispatch(ev);
  }

  /** Starts the clearing clock (live sources: wall time is the events' time). */
  start(): void {
    if (this.window_ms === null || this.timer) return;
    let first = true;
    this.timer = setInterval(() => {
      // The first half-window only starts the second store's count; from then on they alternate.
      const clear = first ? 1 : this.older;
      first = false;
      this.stores[clear].clear(Date.now());
      this.older = clear === 0 ? 1 : 0;
    }, this.window_ms / 2);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get state(): StoreState {
    return this.stores[this.older].state;
  }
}
