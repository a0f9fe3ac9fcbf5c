// Per-plugin progress of a vmcore report, the typed form of the collector's plugin.start and
// plugin.end events. The job attaches it to its job.progress events; views read it from there.
import type { CollectorEvent } from './protocol.js';

/** waiting: chosen, not started yet; not_run: the collector did not run it (error says why). */
export type PluginStatus = 'waiting' | 'running' | 'ok' | 'failed' | 'not_run';

export interface PluginProgress {
  name: string;
  status: PluginStatus;
  /** How long it ran, once it ended. */
  time_s?: number;
  /** The error, or why it did not run. */
  detail?: string;
}

/** The progress a collector event means, or null for events about something else. */
export function pluginProgress(ev: CollectorEvent): PluginProgress | null {
  if (ev.type === 'plugin.start') return { name: ev.name, status: 'running' };
  if (ev.type !== 'plugin.end') return null;
  const out: PluginProgress = { name: ev.name, status: ev.ok ? 'ok' : ev.skipped ? 'not_run' : 'failed', time_s: ev.time_s };
  if (ev.error) out.detail = ev.error;
  return out;
}
