// The collector's pure parts (VMCOREINFO parsing, taint decoding, the ranked panic line, where the
// panic's backtrace starts), run in the same Python that runs the collector, on real captures.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PYTHON_DIR } from '../../src/jobs/vmcore/collector.js';

const fx = (f: string) => join(__dirname, '..', '..', 'fixtures', 'vmcore', f);
const hasDrgn = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import drgn']);
    return true;
  } catch {
    return false;
  }
})();

function py(code: string): any {
  const out = execFileSync('/usr/bin/python3', ['-B', '-c', code], {
    cwd: PYTHON_DIR,
    env: { ...process.env, PYTHONPATH: PYTHON_DIR },
  });
  return JSON.parse(out.toString());
}

describe.skipIf(!hasDrgn)('collector helpers (needs python3-drgn)', () => {
  it('decodes taint 0x200 as W, TAINT_WARN', () => {
    const r = py(`import json; from kerntop_vmcore import taints; print(json.dumps(taints.decode(0x200 | 1 << 12, {9: "W"})))`);
    expect(r).toEqual([
      { bit: 9, letter: 'W', name: 'WARN', meaning: 'kernel issued warning' },
      { bit: 12, letter: 'O', name: 'OOT_MODULE', meaning: 'externally-built (out-of-tree) module was loaded' },
    ]);
  });

  it('ranks the panic line as drgn panic_message() does, from the dump log and the console log', () => {
    for (const f of ['dmesg-sysrq-crash.txt', 'console-sysrq-crash.log']) {
      const r = py(
        `import json; from kerntop_vmcore.plugins.panic import ranked_panic_line; print(json.dumps(ranked_panic_line(open(${JSON.stringify(fx(f))}).read())))`,
      );
      expect(r, f).toBe('Kernel panic - not syncing: sysrq triggered crash');
    }
  });

  it('starts the backtrace at panic, dropping its halt loop', () => {
    const frames = [
      { function: '__preempt_count_add' },
      { function: 'delay_tsc' },
      { function: 'panic' },
      { function: 'sysrq_handle_crash' },
    ];
    const r = py(
      `import json; from kerntop_vmcore.plugins.panic import stack_from_panic; print(json.dumps(stack_from_panic(${JSON.stringify(frames)})))`,
    );
    expect(r.map((f: { function: string }) => f.function)).toEqual(['panic', 'sysrq_handle_crash']);
  });

  it('parses VMCOREINFO', () => {
    const r = py(
      `import json; from kerntop_vmcore import vmcoreinfo; print(json.dumps(vmcoreinfo.parse(open(${JSON.stringify(fx('vmcoreinfo-6.1.0-56-cloud-amd64.txt'))}).read())))`,
    );
    expect(r['BUILD-ID']).toBe('3b43fad5034874490492495d552c0af6a5fab235');
    expect(r['OFFSET(prb_desc_ring.count_bits)']).toBe('0');
  });
});
