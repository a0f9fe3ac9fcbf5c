import type { KerntopEvent } from '../events.js';

export type Emit = (ev: KerntopEvent) => void;

/**
 * A source turns the outside world into events. It owns its children and file descriptors, restarts
 * them with backoff, and reports its own health as events. stop() must leave nothing running.
 */
export interface EventSource {
  readonly name: string;
  start(emit: Emit): Promise<void>;
  stop(): Promise<void>;
}
