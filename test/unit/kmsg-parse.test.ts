import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLevelList } from '../../src/knowledge/kernel-log/levels.js';
import { parseKmsgRecord, splitKmsgRecords, unescapeKmsg } from '../../src/knowledge/kernel-log/kmsg-record.js';
import { parseTextLog } from '../../src/sources/kmsg/textlog.js';

const FIX = join(import.meta.dirname, '../../fixtures/kmsg');
const read = (f: string) => readFileSync(join(FIX, f), 'utf8');

describe('parseKmsgRecord on records from a GPU host', () => {
  const recs = splitKmsgRecords(read('gpu-host.kmsg')).map((r) => parseKmsgRecord(r));

  it('parses every record', () => {
    expect(recs).toHaveLength(6);
    expect(recs.every((r) => r !== null)).toBe(true);
  });

  it('splits PRI into facility and level, keeps seq and µs', () => {
    expect(recs[1]).toMatchObject({ seq: 355, ts_us: 684756, level: 3, facility: 0, flags: '-' });
    expect(recs[1]!.text).toBe('NVRM: loading NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  Release Build  (nixbld@)  ');
    // A write to /dev/kmsg gets the user facility: PRI 12 = user.warn.
    expect(recs[5]).toMatchObject({ seq: 365, level: 4, facility: 1 });
  });

  it('keeps records flagged c as they are (NVRM prints complete lines with c)', () => {
    expect(recs[2]).toMatchObject({
      seq: 356,
      flags: 'c',
      level: 4,
      text: 'NVRM: gpuClearFbhubPoisonIntrForBug2924523_GA100: FBHUB Interrupt detected. Clearing it.',
    });
    expect(recs[3]!.flags).toBe('c');
  });

  it('turns dictionary lines into fields', () => {
    expect(recs[4]).toMatchObject({ seq: 198, subsystem: 'acpi', device: '+acpi:PNP0A08:00' });
    expect(recs[4]!.text).toBe('acpi PNP0A08:00: _OSC: OS supports [ExtendedConfig ASPM ClockPM Segments MSI HPX-Type3]');
  });

  it('unescapes \\x0a into a real newline', () => {
    expect(recs[5]!.text).toBe('probeG embedded\nnewline and trailing');
  });
});

describe("parseKmsgRecord on this host's buffer", () => {
  const raw = read('this-host.kmsg');
  const parts = splitKmsgRecords(raw);
  const recs = parts.map((p) => parseKmsgRecord(p)!);

  it('finds one record per header line, dictionary lines attached', () => {
    const headers = raw.split('\n').filter((l) => /^\d+,\d+,\d+,/.test(l)).length;
    expect(parts).toHaveLength(headers);
    expect(recs.every((r) => r !== null)).toBe(true);
  });

  it('sequence numbers increase by one', () => {
    for (let i = 1; i < recs.length; i++) expect(recs[i].seq).toBe(recs[i - 1].seq + 1);
  });

  it('reads SUBSYSTEM/DEVICE of dev_printk records and \\x09 as a tab', () => {
    const pci = recs.find((r) => r.subsystem === 'pci_bus');
    expect(pci?.device).toBe('+pci_bus:0000:00');
    const tab = recs.find((r) => r.text.startsWith('\tTrampoline variant'));
    expect(tab).toBeDefined();
  });

  it('agrees with util-linux dmesg -x on level, facility, time and text of the same buffer', () => {
    const dm = parseTextLog(read('this-host.dmesg-x.txt'));
    const byKey = new Map(recs.map((r) => [`${r.ts_us}|${r.text}`, r]));
    let matched = 0;
    for (const d of dm) {
      const r = byKey.get(`${d.ts_us}|${d.text}`);
      if (!r) continue;
      matched++;
      expect({ level: r.level, facility: r.facility }).toEqual({ level: d.level, facility: d.facility });
    }
    // The two captures were taken a moment apart; nearly all of the buffer is in both.
    expect(matched).toBeGreaterThan(dm.length * 0.9);
  });
});

describe('parseKmsgRecord edge cases', () => {
  it('reads caller= and keeps unknown header fields', () => {
    const r = parseKmsgRecord('6,1,2,-,caller=T123,future=x;hello\n');
    expect(r).toMatchObject({ caller: 'T123', extra: { future: 'x' }, text: 'hello' });
  });

  it('accepts the old + continuation flag and a missing flag', () => {
    expect(parseKmsgRecord('4,7,8,+;cont\n')!.flags).toBe('+');
    expect(parseKmsgRecord('4,7,8;noflag\n')).toMatchObject({ flags: '-', text: 'noflag' });
  });

  it('keeps other dictionary keys of older kernels', () => {
    const r = parseKmsgRecord('6,1,2,-;x\n SUBSYSTEM=usb\n DRIVER=hub\n')!;
    expect(r).toMatchObject({ subsystem: 'usb', dict: { DRIVER: 'hub' } });
  });

  it('decodes UTF-8 split across escapes and an escaped backslash', () => {
    expect(unescapeKmsg('caf\\xc3\\xa9 \\x5c path')).toBe('café \\ path');
    expect(unescapeKmsg('bad \\xZZ and \\x')).toBe('bad \\xZZ and \\x');
  });

  it('64-bit sequence numbers beyond 2^32 survive', () => {
    expect(parseKmsgRecord('6,5000000000,1,-;x\n')!.seq).toBe(5_000_000_000);
  });

  it('rejects what is not a record', () => {
    for (const s of ['', ';', 'hello', '6,1;x', 'a,b,c,-;x', ' SUBSYSTEM=acpi\n', '6,-1,2,-;x'])
      expect(parseKmsgRecord(s)).toBeNull();
  });
});

describe('parseLevelList', () => {
  it("reads names, numbers and dmesg's + forms", () => {
    expect([...parseLevelList('err,warn')].sort()).toEqual([3, 4]);
    expect([...parseLevelList('warn+')].sort()).toEqual([0, 1, 2, 3, 4]);
    expect([...parseLevelList('+notice')].sort()).toEqual([5, 6, 7]);
    expect([...parseLevelList('0,7')].sort()).toEqual([0, 7]);
    expect(() => parseLevelList('loud')).toThrow(/unknown log level "loud"/);
  });
});
