import type { VmcoreReportOptions } from '../../../jobs/vmcore/job.js';
import { type PluginInfo, VMCORE_PLUGINS, selectPlugins } from '../../../jobs/vmcore/plugins-select.js';

// The plugin choice of the `v` window and the per-plugin progress read from the job's messages.

/** What the CLI runs with no plugin options: the catalog's defaults. */
export function defaultPlugins(catalog: readonly PluginInfo[] = VMCORE_PLUGINS): Set<string> {
  return new Set(selectPlugins({}, catalog).run);
}

/**
 * The job options for a chosen set: -o with exactly those names, and --experimental when one of them
 * is experimental (sos's rules would otherwise skip it).
 */
export function reportOptions(vmcore: string, chosen: ReadonlySet<string>, catalog: readonly PluginInfo[] = VMCORE_PLUGINS): VmcoreReportOptions {
  const only = catalog.filter((p) => chosen.has(p.name)).map((p) => p.name);
  const experimental = catalog.some((p) => chosen.has(p.name) && p.kind === 'experimental');
  return {
    vmcore,
    onlyPlugins: only,
    ...(experimental ? { experimental: true } : {}),
    // The command line that makes the same report, for the report's manifest.
    cmdline: `kerntop vmcore-report --vmcore ${vmcore} -o ${only.join(',')}${experimental ? ' --experimental' : ''}`,
  };
}

export type PluginStatus = 'waiting' | 'running' | 'ok' | 'failed' | 'not_run';

export interface PluginProgress {
  name: string;
  status: PluginStatus;
  time_s?: number;
  /** The error, or why it did not run. */
  detail?: string;
}

// The job says "plugin NAME: started", then "plugin NAME: STATUS[: ERROR] in SECONDS s" (job.ts).
const PLUGIN_RE = /^plugin (\S+): (started|ok|failed|not_run)(?:: ([\s\S]*?))?(?: in ([\d.]+) s)?$/;

export function parsePluginProgress(message: string): PluginProgress | null {
  const m = PLUGIN_RE.exec(message);
  if (!m) return null;
  const out: PluginProgress = { name: m[1], status: m[2] === 'started' ? 'running' : (m[2] as PluginStatus) };
  if (m[3]) out.detail = m[3];
  if (m[4] !== undefined) out.time_s = Number(m[4]);
  return out;
}
