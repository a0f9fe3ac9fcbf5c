import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildManifest } from '../../src/jobs/vmcore/manifest.js';
import type { VmcoreReportResult } from '../../src/jobs/vmcore/model.js';
import { formatUptime, logTail, renderSosTxt } from '../../src/jobs/vmcore/report-text.js';
import { panicReason } from '../../src/jobs/vmcore/classify.js';

const fx = (f: string) => join(__dirname, '..', '..', 'fixtures', 'vmcore', f);
const result = JSON.parse(readFileSync(fx('result-sysrq-crash.json'), 'utf8')) as VmcoreReportResult;

describe('sos.txt of the real sysrq crash', () => {
  const txt = renderSosTxt(result);
  it('puts the panic reason, the task and its backtrace, taints, release and uptime first, in that order', () => {
    const at = (s: string) => {
      const i = txt.indexOf(s);
      expect(i, s).toBeGreaterThanOrEqual(0);
      return i;
    };
    const order = [
      'PANIC:      "Kernel panic - not syncing: sysrq triggered crash"',
      'REASON:     sysrq triggered crash',
      'TASK:       PID 1  COMMAND "init"  CPU 0',
      '#2  panic+0x2e9 kernel/panic.c:459',
      '#3  sysrq_handle_crash+0x16 drivers/tty/sysrq.c:155',
      'TAINTED:    Tainted: G        W (mask 0x200)',
      'W  TAINT_WARN: kernel issued warning',
      'RELEASE:    6.1.0-56-cloud-amd64',
      'UPTIME:',
      'Last 50 kernel log lines',
      '---[ end Kernel panic - not syncing: sysrq triggered crash ]---',
      'Data health',
      'Sections',
    ].map(at);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
  it('reports data health: dump complete, vmlinux match, module debuginfo, drgn', () => {
    expect(txt).toMatch(/dump:\s+elf \(qemu\), 528\.1 MiB, VMCOREINFO present, build id 3b43fad5/);
    expect(txt).toMatch(
      /vmlinux:\s+using .*vmlinux-6\.1\.0-56-cloud-amd64\.zst \(beside the dump\): build id 3b43fad5\w+ matches the dump/,
    );
    expect(txt).toMatch(/modules:\s+no debuginfo for qemu_fw_cfg/);
    expect(txt).toMatch(/drgn:\s+0\.0\.22 under \/usr\/bin\/python3/);
    expect(txt).toMatch(/plugins:\s+9 ran, 0 failed, 2 skipped/);
  });
});

it('logTail keeps the last 50 lines and nothing for an empty log', () => {
  const log = readFileSync(fx('dmesg-sysrq-crash.txt'), 'utf8');
  const tail = logTail(log);
  expect(tail).toHaveLength(50);
  expect(tail[49]).toMatch(/---\[ end Kernel panic/);
  expect(logTail('')).toEqual([]);
});

it('formatUptime', () => {
  expect(formatUptime(1.873)).toBe('1.873 s');
  expect(formatUptime(90061.5)).toBe('1 days 1 h 1 min 1.500 s');
});

describe('panic reason through the log classifier', () => {
  it('classifies the dump log and the serial console alike', () => {
    for (const f of ['dmesg-sysrq-crash.txt', 'console-sysrq-crash.log', 'panic-amd64-serial.log']) {
      const r = panicReason(readFileSync(fx(f), 'utf8'), 'Kernel panic - not syncing: sysrq triggered crash');
      expect(r.reason, f).toBe('sysrq triggered crash');
      expect(r.source, f).toBe('log classifier');
      expect(r.title, f).toMatch(/sysrq triggered crash/);
    }
  });
  it('falls back to the collector line when the log holds no report', () => {
    const r = panicReason('[    0.000000] Linux version 6.1.0\n', null);
    expect(r.reason).toBeNull();
    expect(r.source).toBe('none');
  });
});

it('manifest has sos top-level keys and per-plugin timings', () => {
  const m = buildManifest({ version: 'kerntop 0.1.0', cmdline: 'kerntop vmcore-report', tmpdir: '/var/tmp', result }) as any;
  for (const k of ['version', 'cmdline', 'start_time', 'end_time', 'run_time', 'compression', 'tmpdir', 'components'])
    expect(m).toHaveProperty(k);
  const c = m.components['vmcore-report'];
  expect(c.enabled_plugins).toContain('panic');
  expect(c.disabled_plugins).toEqual(['stacks', 'vmstat']);
  expect(c.plugins.panic.status).toBe('ok');
  expect(typeof c.plugins.panic.run_time).toBe('number');
  expect(c.debuginfo.matched_by).toBe('build-id');
});
