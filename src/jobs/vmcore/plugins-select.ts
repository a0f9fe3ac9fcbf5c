// Which plugins run, decided the way sos decides: -n/--skip-plugins wins over everything;
// -o/--only-plugins (alias --plugins) runs only those named; -e/--enable-plugins adds optional
// ones; experimental plugins need --experimental. The table mirrors python/kerntop_vmcore/plugins
// (test/unit/vmcore-plugins.test.ts keeps the two equal).

export type PluginKind = 'default' | 'optional' | 'experimental';

export interface PluginInfo {
  name: string;
  description: string;
  kind: PluginKind;
  needs_debuginfo: boolean;
}

export const VMCORE_PLUGINS: readonly PluginInfo[] = [
  { name: 'kernel_info', description: 'release, banner, taints, uptime, crash time', kind: 'default', needs_debuginfo: false },
  { name: 'panic', description: 'panic reason, crashed task and its backtrace', kind: 'default', needs_debuginfo: false },
  { name: 'dmesg', description: 'the whole kernel log', kind: 'default', needs_debuginfo: false },
  { name: 'tasks', description: 'ps of every task, stacks of D-state tasks', kind: 'default', needs_debuginfo: true },
  { name: 'modules', description: 'loaded modules with size and taint', kind: 'default', needs_debuginfo: true },
  { name: 'sched_debug', description: 'per-CPU runqueues as /sys/kernel/debug/sched/debug shows them', kind: 'default', needs_debuginfo: true },
  { name: 'meminfo', description: "memory summary like crash's kmem -i", kind: 'default', needs_debuginfo: true },
  { name: 'slabinfo', description: 'top slab caches by memory', kind: 'default', needs_debuginfo: true },
  { name: 'mounts', description: 'mounted filesystems', kind: 'default', needs_debuginfo: true },
  { name: 'stacks', description: 'kernel stack of every task', kind: 'optional', needs_debuginfo: true },
  { name: 'vmstat', description: 'global vmstat counters by name', kind: 'experimental', needs_debuginfo: true },
];

export interface SelectOptions {
  enable?: string[];
  only?: string[];
  skip?: string[];
  experimental?: boolean;
}

export interface SkippedPlugin {
  name: string;
  reason: string;
}

export interface PluginSelection {
  run: string[];
  skipped: SkippedPlugin[];
}

export class PluginSelectionError extends Error {}

/** "a,b" "c" -> [a, b, c]; yargs gives a string or an array when an option repeats. */
export function splitList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter(Boolean);
}

export function selectPlugins(opts: SelectOptions, plugins: readonly PluginInfo[] = VMCORE_PLUGINS): PluginSelection {
  const known = new Set(plugins.map((p) => p.name));
  const named = [...(opts.enable ?? []), ...(opts.only ?? []), ...(opts.skip ?? [])];
  const unknown = [...new Set(named.filter((n) => !known.has(n)))];
  if (unknown.length) {
    throw new PluginSelectionError(`no plugin named ${unknown.join(', ')}; the plugins are: ${plugins.map((p) => p.name).join(', ')}`);
  }
  const skip = new Set(opts.skip ?? []);
  const only = new Set(opts.only ?? []);
  const enable = new Set(opts.enable ?? []);
  const run: string[] = [];
  const skipped: SkippedPlugin[] = [];
  for (const p of plugins) {
    const isNamed = only.has(p.name) || enable.has(p.name);
    let reason: string | null = null;
    if (skip.has(p.name)) reason = 'skipped with -n/--skip-plugins';
    else if (p.kind === 'experimental' && !opts.experimental) reason = 'experimental: needs --experimental';
    else if (only.size && !only.has(p.name)) reason = 'not named in -o/--only-plugins';
    else if (p.kind === 'optional' && !isNamed) reason = `optional: add it with -e ${p.name}`;
    if (reason) skipped.push({ name: p.name, reason });
    else run.push(p.name);
  }
  return { run, skipped };
}
