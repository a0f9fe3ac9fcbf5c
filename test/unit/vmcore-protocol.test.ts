// The collector's JSON-lines protocol: what python/kerntop_vmcore/protocol.py writes, read back by
// the TypeScript schema (src/jobs/vmcore/protocol.ts) and turned into typed plugin progress. The
// Python side runs for real, under `python3 -S` (no site-packages, so no drgn): the protocol needs none.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PYTHON_DIR } from '../../src/jobs/vmcore/python-dir.js';
import { parseCollectorLine } from '../../src/jobs/vmcore/protocol.js';
import { pluginProgress } from '../../src/jobs/vmcore/progress.js';

const python = '/usr/bin/python3';
const env = { ...process.env, PYTHONPATH: PYTHON_DIR };

function lines(code: string): string[] {
  const out = execFileSync(python, ['-S', '-B', '-c', `import sys\nfrom kerntop_vmcore import protocol as p\n${code}`], {
    cwd: PYTHON_DIR,
    env,
  });
  return out.toString().split('\n').filter(Boolean);
}

describe.skipIf(!existsSync(python))('the Python emitter read by the TypeScript parser', () => {
  it('plugin start and each way a plugin ends parse and become the same progress', () => {
    const out = lines(`
w = lambda ev: sys.stdout.write(p.line(ev))
w(p.plugin_start("panic"))
w(p.plugin_end("panic", ok=True, time_s=0.04912, files=["plugins/panic/panic.txt"], notes=["a note"], data={"panic_line": "x"}))
w(p.plugin_end("tasks", ok=False, skipped=True, error="needs the matching vmlinux (no debuginfo loaded)", time_s=0, files=[], notes=[]))
w(p.plugin_end("meminfo", ok=False, error="FaultError: could not read memory", traceback="Traceback ...", time_s=1.5, files=[], notes=[]))
w(p.plugin_end("dmesg", ok=True, time_s=0.2, files=[], notes=[], data=None))
w({"type": "done", "time_s": 3})
`);
    const events = out.map((l) => {
      const r = parseCollectorLine(l);
      if (!r.ok) throw new Error(`${l}: ${r.error}`);
      return r.event;
    });
    expect(events.map(pluginProgress)).toEqual([
      { name: 'panic', status: 'running' },
      { name: 'panic', status: 'ok', time_s: 0.049 },
      { name: 'tasks', status: 'not_run', time_s: 0, detail: 'needs the matching vmlinux (no debuginfo loaded)' },
      { name: 'meminfo', status: 'failed', time_s: 1.5, detail: 'FaultError: could not read memory' },
      { name: 'dmesg', status: 'ok', time_s: 0.2 },
      null,
    ]);
    expect(events[1]).toMatchObject({ files: ['plugins/panic/panic.txt'], notes: ['a note'], data: { panic_line: 'x' } });
    expect(events[3]).toMatchObject({ traceback: 'Traceback ...' });
  });

  it('the runner itself, where drgn does not import, says so in a line the parser accepts', () => {
    const r = spawnSync(python, ['-S', '-B', '-m', 'kerntop_vmcore', '-'], { cwd: PYTHON_DIR, env, input: '{}' });
    expect(r.status).toBe(2);
    const out = r.stdout.toString().trim().split('\n');
    expect(out).toHaveLength(1);
    const p = parseCollectorLine(out[0]);
    expect(p.ok && p.event).toMatchObject({
      type: 'fatal',
      kind: 'no_drgn',
      message: expect.stringMatching(/^drgn does not import in /),
    });
  });
});

describe('lines that are not protocol events', () => {
  it('are refused with why, never half-read', () => {
    expect(parseCollectorLine('Traceback (most recent call last):')).toEqual({ ok: false, error: 'not JSON' });
    const wrongType = parseCollectorLine('{"type": "plugin.progress", "name": "panic"}');
    expect(wrongType.ok).toBe(false);
    const missing = parseCollectorLine('{"type": "plugin.end", "name": "panic", "ok": true}');
    expect(missing.ok).toBe(false);
    expect(!missing.ok && missing.error).toMatch(/time_s/);
    const badStatus = parseCollectorLine(
      '{"type": "plugin.end", "name": "panic", "ok": "yes", "time_s": 1, "files": [], "notes": []}',
    );
    expect(!badStatus.ok && badStatus.error).toMatch(/ok/);
  });
});
