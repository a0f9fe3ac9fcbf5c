import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PYTHON_DIR } from '../../src/jobs/vmcore/collector.js';
import {
  PLUGIN_TABLE_PATH,
  PluginSelectionError,
  VMCORE_PLUGINS,
  loadPluginTable,
  selectPlugins,
  splitList,
} from '../../src/jobs/vmcore/plugins-select.js';

const defaults = VMCORE_PLUGINS.filter((p) => p.kind === 'default').map((p) => p.name);

describe('plugin selection follows sos', () => {
  it('runs the default plugins and names why the others are skipped', () => {
    const s = selectPlugins({});
    expect(s.run).toEqual(defaults);
    expect(s.skipped).toEqual([
      { name: 'stacks', reason: 'optional: add it with -e stacks' },
      { name: 'vmstat', reason: 'experimental: needs --experimental' },
    ]);
  });

  it('-e adds an optional plugin; -o runs only those named', () => {
    expect(selectPlugins({ enable: ['stacks'] }).run).toEqual([...defaults, 'stacks']);
    expect(selectPlugins({ only: ['dmesg', 'panic'] }).run).toEqual(['panic', 'dmesg']); // table order
    expect(selectPlugins({ only: ['stacks'] }).run).toEqual(['stacks']);
  });

  it('-n wins over -o and -e', () => {
    const s = selectPlugins({ only: ['dmesg', 'panic'], enable: ['stacks'], skip: ['panic', 'stacks'] });
    expect(s.run).toEqual(['dmesg']);
    expect(s.skipped.find((x) => x.name === 'panic')?.reason).toBe('skipped with -n/--skip-plugins');
  });

  it('experimental plugins need --experimental even when named', () => {
    expect(selectPlugins({ only: ['vmstat'] }).run).toEqual([]);
    expect(selectPlugins({ only: ['vmstat'], experimental: true }).run).toEqual(['vmstat']);
    expect(selectPlugins({ experimental: true }).run).toContain('vmstat');
  });

  it('an unknown name is an error that lists the plugins', () => {
    expect(() => selectPlugins({ skip: ['nosuch'] })).toThrow(PluginSelectionError);
    expect(() => selectPlugins({ only: ['nosuch'] })).toThrow(/no plugin named nosuch; the plugins are: kernel_info, panic/);
  });

  it('splits comma lists and repeated options', () => {
    expect(splitList(['a,b', 'c', ' d , '])).toEqual(['a', 'b', 'c', 'd']);
    expect(splitList(undefined)).toEqual([]);
  });
});

// One table, python/kerntop_vmcore/plugins/table.json, read by both sides. These run under
// `python3 -S` (no site-packages, so no drgn): listing and checking the table must not need drgn.
describe('one plugin table for TypeScript and Python', () => {
  const python = '/usr/bin/python3';
  const py = (args: string[]) =>
    execFileSync(python, ['-S', '-B', ...args], {
      cwd: PYTHON_DIR,
      env: { ...process.env, PYTHONPATH: PYTHON_DIR },
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString();

  it('the table TypeScript reads is the file the collector runs', () => {
    expect(PLUGIN_TABLE_PATH).toBe(join(PYTHON_DIR, 'kerntop_vmcore', 'plugins', 'table.json'));
    expect(VMCORE_PLUGINS).toEqual(JSON.parse(readFileSync(PLUGIN_TABLE_PATH, 'utf8')));
  });

  it.skipIf(!existsSync(python))('python -m kerntop_vmcore --list, without drgn, equals VMCORE_PLUGINS', () => {
    expect(() => py(['-c', 'import drgn'])).toThrow(); // -S really hides drgn
    expect(JSON.parse(py(['-m', 'kerntop_vmcore', '--list']))).toEqual(VMCORE_PLUGINS);
  });

  it.skipIf(!existsSync(python))('every row names a plugin module with run(ctx), and every module has a row', () => {
    // Read with ast, not imported: the modules import drgn.
    const code = `import ast, json, os
d = "kerntop_vmcore/plugins"
mods = {}
for f in sorted(os.listdir(d)):
    if f.endswith(".py") and f != "__init__.py":
        tree = ast.parse(open(os.path.join(d, f)).read())
        mods[f[:-3]] = [n.args.args[0].arg for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "run"]
print(json.dumps(mods))`;
    const mods = JSON.parse(py(['-c', code])) as Record<string, string[]>;
    expect(Object.keys(mods).sort()).toEqual(VMCORE_PLUGINS.map((p) => p.name).sort());
    for (const [name, args] of Object.entries(mods)) expect(args, name).toEqual(['ctx']);
  });

  it('a broken table is refused with its path and what is wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kerntop-plugin-table-'));
    try {
      const bad = join(dir, 'table.json');
      writeFileSync(bad, JSON.stringify([{ name: 'panic', description: 'x', kind: 'sometimes', needs_debuginfo: false }]));
      expect(() => loadPluginTable(bad)).toThrow(new RegExp(`${bad} is not a valid plugin table: .*kind`, 's'));
      writeFileSync(bad, '[');
      expect(() => loadPluginTable(bad)).toThrow(new RegExp(`cannot read the plugin table ${bad}: `));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
