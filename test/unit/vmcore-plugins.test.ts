import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PYTHON_DIR } from '../../src/jobs/vmcore/collector.js';
import { PluginSelectionError, VMCORE_PLUGINS, selectPlugins, splitList } from '../../src/jobs/vmcore/plugins-select.js';

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

describe('the TypeScript table mirrors the Python plugins', () => {
  const python = '/usr/bin/python3';
  const hasDrgn = existsSync(python) && (() => {
    try {
      execFileSync(python, ['-c', 'import drgn']);
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!hasDrgn)('python -m kerntop_vmcore --list equals VMCORE_PLUGINS', () => {
    const out = execFileSync(python, ['-B', '-m', 'kerntop_vmcore', '--list'], { cwd: PYTHON_DIR, env: { ...process.env, PYTHONPATH: PYTHON_DIR } });
    expect(JSON.parse(out.toString())).toEqual(VMCORE_PLUGINS);
  });
});
