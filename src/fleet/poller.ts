// Refreshes the fleet every interval. A failed refresh keeps the last good rows and says why, so the
// screen keeps working while Prometheus is away; the next refresh tries again.
import { fetchFleet, type FleetOptions, type FleetSnapshot } from './fetch.js';
import { PrometheusError, type Prometheus } from './prometheus.js';

export interface PollState {
  snapshot: FleetSnapshot | null;
  /** The last refresh's failure, cleared by the next success. */
  error: string | null;
  /** When the last refresh ended (ms). */
  at_ms: number;
  busy: boolean;
}

export class FleetPoller {
  state: PollState = { snapshot: null, error: null, at_ms: 0, busy: false };
  private timer: NodeJS.Timeout | null = null;
  private listeners = new Set<() => void>();
  private stopped = false;

  constructor(
    private readonly prom: Prometheus,
    private readonly opts: FleetOptions,
    private readonly intervalMs: number,
  ) {}

  subscribe(f: () => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  private set(patch: Partial<PollState>): void {
    this.state = { ...this.state, ...patch };
    for (const f of this.listeners) f();
  }

  async refresh(): Promise<void> {
    if (this.state.busy || this.stopped) return;
    this.set({ busy: true });
    try {
      const snapshot = await fetchFleet(this.prom, this.opts);
      this.set({ snapshot, error: null, at_ms: Date.now(), busy: false });
    } catch (e) {
      const msg = e instanceof PrometheusError ? e.message : `refresh failed: ${(e as Error).message}`;
      this.set({ error: msg, at_ms: Date.now(), busy: false });
    }
  }

  start(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
