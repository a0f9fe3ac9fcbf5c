import type { VmcoreReportOptions } from '../../../jobs/vmcore/job.js';
import { type PluginInfo, VMCORE_PLUGINS, selectPlugins } from '../../../jobs/vmcore/plugins-select.js';
import type { PluginProgress } from '../../../jobs/vmcore/progress.js';

// The plugin choice of the `v` window. Per-plugin progress comes typed on the job's events
// (JobProgressEvent.plugin, src/jobs/vmcore/progress.ts).

/** What the CLI runs with no plugin options: the catalog's defaults. */
export function defaultPlugins(catalog: readonly PluginInfo[] = VMCORE_PLUGINS): Set<string> {
  return new Set(selectPlugins({}, catalog).run);
}

/**
 * The job options for a chosen set: -o with exactly those names, and --experimental when one of them
 * is experimental (sos's rules would otherwise skip it).
 */
export function reportOptions(
  vmcore: string,
  chosen: ReadonlySet<string>,
  catalog: readonly PluginInfo[] = VMCORE_PLUGINS,
): VmcoreReportOptions {
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

export type { PluginProgress };
