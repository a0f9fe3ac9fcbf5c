import { describe, expect, it } from 'vitest';
import { parseLogPrefix } from '../../src/knowledge/kernel-log/prefix.js';
import { decodeLine } from '../../src/knowledge/log-classifier/index.js';
import { parseTextLog } from '../../src/sources/kmsg/textlog.js';

// One line of each form a kernel log is saved in (shapes as dmesg, journalctl and a serial console
// print them; see fixtures/kmsg/ for whole captured files). Saved-log readers (kerntop xid, the
// dmesg fallback) and the log classifier (analyze-dmesg, boot tests, vmcore reports) must read each
// the same way, since both go through the one prefix parser.
const LINES: { line: string; form: string; text: string; level?: number; facility?: number; ts_us?: number; caller?: string }[] =
  [
    {
      line: '6,355,684756,-;NVRM: Xid (PCI:0000:01:00): 79',
      form: 'kmsg',
      text: 'NVRM: Xid (PCI:0000:01:00): 79',
      level: 6,
      facility: 0,
      ts_us: 684756,
    },
    { line: '4,12,3000000,-,caller=T42;x\\x20y', form: 'kmsg', text: 'x y', level: 4, ts_us: 3_000_000, caller: 'T42' },
    { line: '<3>[    1.234567] ata1: failed', form: 'dmesg-raw', text: 'ata1: failed', level: 3, facility: 0, ts_us: 1_234_567 },
    { line: '<14>hello', form: 'dmesg-raw', text: 'hello', level: 6, facility: 1 },
    {
      line: '[   12.345678][ T1234] BUG: soft lockup',
      form: 'dmesg',
      text: 'BUG: soft lockup',
      ts_us: 12_345_678,
      caller: 'T1234',
    },
    { line: '[    0.5] short', form: 'dmesg', text: 'short', ts_us: 500_000 },
    {
      line: 'kern  :err   : [    2.000001] I/O error',
      form: 'dmesg-decode',
      text: 'I/O error',
      level: 3,
      facility: 0,
      ts_us: 2_000_001,
    },
    { line: 'local7:warning: text', form: 'dmesg-decode', text: 'text', level: 4, facility: 23 },
    { line: '[Sun Nov 22 07:09:01 2026] usb 1-1: reset', form: 'dmesg-ctime', text: 'usb 1-1: reset' },
    { line: '2026-11-22T07:09:01,123456+00:00 eth0: link up', form: 'dmesg-iso', text: 'eth0: link up' },
    {
      line: 'Nov 22 07:09:01 gpu-host kernel: NVRM: GPU at PCI:0000:01:00: GPU-abc',
      form: 'journal',
      text: 'NVRM: GPU at PCI:0000:01:00: GPU-abc',
    },
    { line: '2026-11-22T07:09:01+0000 gpu-host kernel: oom-kill', form: 'journal', text: 'oom-kill' },
    { line: '[    1.234567] gpu-host kernel: Linux version', form: 'journal-monotonic', text: 'Linux version', ts_us: 1_234_567 },
    // A journal without _HOSTNAME fields (systemd-journal-remote from an export stream).
    {
      line: '[    4.182660] kernel: Kernel Offset: 0x2de00000',
      form: 'journal-monotonic',
      text: 'Kernel Offset: 0x2de00000',
      ts_us: 4_182_660,
    },
    { line: 'no prefix at all', form: 'plain', text: 'no prefix at all' },
    { line: 'foo :bar : not a level', form: 'plain', text: 'foo :bar : not a level' },
  ];

describe('kernel log prefixes: one parser', () => {
  it.each(LINES)('$form: $line', (c) => {
    const p = parseLogPrefix(c.line);
    expect(p.form).toBe(c.form);
    expect(p.text).toBe(c.text);
    for (const k of ['level', 'facility', 'ts_us', 'caller'] as const) if (c[k] !== undefined) expect(p[k]).toBe(c[k]);
  });

  it('saved-log records and the classifier read every form alike: text, level, time and caller', () => {
    for (const c of LINES) {
      const [r] = parseTextLog(`${c.line}\n`);
      const d = decodeLine(c.line);
      expect({ line: c.line, text: r.text }).toEqual({ line: c.line, text: d.text });
      if (d.level !== undefined) expect({ line: c.line, level: r.level }).toEqual({ line: c.line, level: d.level });
      if (d.ts_s !== undefined)
        expect({ line: c.line, ts_us: r.ts_us }).toEqual({ line: c.line, ts_us: Math.round(d.ts_s * 1e6) });
      expect({ line: c.line, caller: r.caller }).toEqual({ line: c.line, caller: d.ctx });
      expect(r.form).toBe(c.form);
    }
  });

  it('dated forms carry their wall time for saved-log readers', () => {
    const p = parseLogPrefix('2026-11-22T07:09:01,123456+00:00 eth0: link up', { wall: true });
    expect(p.wall_ms).toBe(Date.UTC(2026, 10, 22, 7, 9, 1, 123));
    const j = parseLogPrefix('Nov 22 07:09:01.250 h kernel: x', { wall: true, year: 2025 });
    expect(j.wall_ms).toBe(new Date(2025, 10, 22, 7, 9, 1, 250).getTime());
    expect(parseLogPrefix('2026-11-22T07:09:01,123456+00:00 eth0: link up').wall_ms).toBeUndefined();
  });
});
