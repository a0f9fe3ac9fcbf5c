// Per-plugin progress of a vmcore report, the typed form of the collector's plugin.start and
// plugin.end events. The job attaches it to its job.progress events; views read it from there.
import type { PluginProgress } from '../../events.js';
import type { CollectorEvent } from './protocol.js';

export type { PluginProgress, PluginStatus } from '../../events.js';

/** The progress a collector event means, or null for events about something else. */
export function pluginProgress(ev: CollectorEvent): PluginProgress | null {
  if (ev.type === 'plugin.start') return { name: ev.name, status: 'running' };
  if (ev.type !== 'plugin.end') return null;
  const out: PluginProgress = { name: ev.name, status: ev.ok ? 'ok' : ev.skipped ? 'not_run' : 'failed', time_s: ev.time_s };
  if (ev.error) out.detail = ev.error;
  return out;
}
