// Which plugins run, decided the way sos decides: -n/--skip-plugins wins over everything;
// -o/--only-plugins (alias --plugins) runs only those named; -e/--enable-plugins adds optional
// ones; experimental plugins need --experimental.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PYTHON_DIR } from './python-dir.js';

// The plugin table has one owner, python/kerntop_vmcore/plugins/table.json: the collector runs its
// rows, this side chooses and shows them. A file both read (rather than asking Python) because the
// CLI and the `v` window need the list at once, on machines where Python or drgn may be missing.
export const PLUGIN_TABLE_PATH = join(PYTHON_DIR, 'kerntop_vmcore', 'plugins', 'table.json');

const PluginInfoSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a Python module name'),
  description: z.string().min(1),
  kind: z.enum(['default', 'optional', 'experimental']),
  needs_debuginfo: z.boolean(),
});
const PluginTableSchema = z
  .array(PluginInfoSchema)
  .min(1)
  .refine((t) => new Set(t.map((p) => p.name)).size === t.length, 'plugin names repeat');

export type PluginInfo = z.infer<typeof PluginInfoSchema>;
export type PluginKind = PluginInfo['kind'];

/** Reads and checks a plugin table; a broken one is a packaging bug, named with its file. */
export function loadPluginTable(path: string = PLUGIN_TABLE_PATH): readonly PluginInfo[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read the plugin table ${path}: ${(e as Error).message}`, { cause: e });
  }
  const parsed = PluginTableSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${path} is not a valid plugin table: ${z.prettifyError(parsed.error)}`);
  return Object.freeze(parsed.data.map((p) => Object.freeze(p)));
}

/** Table order is run order. */
export const VMCORE_PLUGINS: readonly PluginInfo[] = loadPluginTable();

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
  return (Array.isArray(v) ? v : [v])
    .flatMap((s) => String(s).split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

export function selectPlugins(opts: SelectOptions, plugins: readonly PluginInfo[] = VMCORE_PLUGINS): PluginSelection {
  const known = new Set(plugins.map((p) => p.name));
  const named = [...(opts.enable ?? []), ...(opts.only ?? []), ...(opts.skip ?? [])];
  const unknown = [...new Set(named.filter((n) => !known.has(n)))];
  if (unknown.length) {
    throw new PluginSelectionError(
      `no plugin named ${unknown.join(', ')}; the plugins are: ${plugins.map((p) => p.name).join(', ')}`,
    );
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
