import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DmesgFollower } from '../../src/sources/kmsg/dmesg.js';
import { parseKmsgRecord, splitKmsgRecords } from '../../src/knowledge/kernel-log/kmsg-record.js';
import { parseTextLog } from '../../src/sources/kmsg/textlog.js';

const FIX = join(import.meta.dirname, '../../fixtures/kmsg');
const read = (f: string) => readFileSync(join(FIX, f), 'utf8');

describe('saved logs in every dmesg form (same buffer, util-linux 2.38.1)', () => {
  const kmsg = splitKmsgRecords(read('this-host.kmsg')).map((r) => parseKmsgRecord(r)!);
  const texts = new Set(kmsg.map((r) => r.text));

  for (const [file, form] of [
    ['this-host.dmesg.txt', 'dmesg'],
    ['this-host.dmesg-r.txt', 'dmesg-raw'],
    ['this-host.dmesg-x.txt', 'dmesg-decode'],
    ['this-host.dmesg-T.txt', 'dmesg-ctime'],
    ['this-host.dmesg-iso.txt', 'dmesg-iso'],
  ] as const) {
    it(`${file}: every line is recognized as ${form} and its text is a record's text`, () => {
      const recs = parseTextLog(read(file));
      // One line is the second line of a two-line record, indented under its text.
      expect(recs.length).toBe(read(file).split('\n').filter(Boolean).length - 1);
      const forms = new Set(recs.map((r) => r.form));
      expect([...forms]).toEqual([form]);
      const known = recs.filter((r) => texts.has(r.text)).length;
      expect(known).toBeGreaterThan(recs.length * 0.9);
    });
  }

  it('joins the indented second line of a multi-line record back as kmsg has it (\\x0a)', () => {
    const want = kmsg.find((r) => r.text.startsWith('amd_pstate: The CPPC'))!.text;
    expect(want).toContain('\n');
    for (const f of [
      'this-host.dmesg.txt',
      'this-host.dmesg-r.txt',
      'this-host.dmesg-x.txt',
      'this-host.dmesg-T.txt',
      'this-host.dmesg-iso.txt',
    ]) {
      expect(parseTextLog(read(f)).find((r) => r.text.startsWith('amd_pstate: The CPPC'))!.text).toBe(want);
    }
  });

  it('dmesg and dmesg -r carry the record µs; -T and iso carry wall time', () => {
    // Both captures start at the first record of the boot: compare them in order.
    for (const f of ['this-host.dmesg.txt', 'this-host.dmesg-r.txt', 'this-host.dmesg-x.txt']) {
      const recs = parseTextLog(read(f)).slice(0, 300);
      expect(recs.map((r) => [r.ts_us, r.text])).toEqual(kmsg.slice(0, 300).map((r) => [r.ts_us, r.text]));
    }
    const iso = parseTextLog(read('this-host.dmesg-iso.txt'));
    expect(iso[0].wall_ms).toBe(Date.parse('2026-11-24T18:44:27Z'));
    const ct = parseTextLog(read('this-host.dmesg-T.txt'));
    expect(new Date(ct[0].wall_ms!).getDate()).toBe(24);
  });

  it('raw kmsg files keep their own sequence numbers and dictionaries', () => {
    const recs = parseTextLog(read('gpu-host.kmsg'));
    expect(recs.map((r) => r.seq)).toEqual([0, 355, 356, 357, 198, 365]);
    expect(recs[4]).toMatchObject({ subsystem: 'acpi', device: '+acpi:PNP0A08:00', form: 'kmsg' });
  });
});

describe('journalctl -k forms', () => {
  // No journal exists on the development VM; these lines follow journalctl's short, short-precise,
  // short-iso and short-monotonic layouts around a real NVRM line.
  const nvrm = 'NVRM: Xid (PCI:0000:2b:00): 79, GPU has fallen off the bus.';
  it('strips the host and "kernel:" and reads the date', () => {
    const [a, b, c, d, ...rest] = parseTextLog(
      [
        '-- Boot 0b5f1c2a3d4e4f5a8b9c0d1e2f3a4b5c --',
        `Nov 22 07:09:01 gpu-node-3 kernel: ${nvrm}`,
        `Nov 22 07:09:01.123456 gpu-node-3 kernel: ${nvrm}`,
        `2026-11-22T07:09:01+0000 gpu-node-3 kernel: ${nvrm}`,
        `[   12.345678] gpu-node-3 kernel: ${nvrm}`,
      ].join('\n'),
      2026,
    );
    expect(rest).toEqual([]);
    expect(a).toMatchObject({ form: 'journal', text: nvrm });
    expect(new Date(a.wall_ms!).getMonth()).toBe(10);
    expect(b.wall_ms! - a.wall_ms!).toBe(123);
    expect(c).toMatchObject({ form: 'journal', text: nvrm, wall_ms: Date.parse('2026-11-22T07:09:01Z') });
    expect(d).toMatchObject({ form: 'journal-monotonic', text: nvrm, ts_us: 12_345_678 });
  });
  it('text without any timestamp is kept as plain text', () => {
    expect(parseTextLog(`${nvrm}\n`)[0]).toMatchObject({ form: 'plain', text: nvrm });
  });
});

describe('DmesgFollower (the syslog(2) fallback has no sequence numbers)', () => {
  const rec = (ts_us: number, text: string) => ({ seq: 0, ts_us, level: 6, facility: 0, flags: '-', text });
  it('delivers only what a re-read adds, including a repeat at the same µs', () => {
    const f = new DmesgFollower();
    expect(f.take([rec(1, 'a'), rec(2, 'b')]).map((r) => r.text)).toEqual(['a', 'b']);
    expect(f.take([rec(1, 'a'), rec(2, 'b'), rec(2, 'c'), rec(3, 'd')]).map((r) => [r.seq, r.text])).toEqual([
      [2, 'c'],
      [3, 'd'],
    ]);
    expect(f.take([rec(2, 'c'), rec(3, 'd'), rec(3, 'd')]).map((r) => r.text)).toEqual(['d']);
  });
});
