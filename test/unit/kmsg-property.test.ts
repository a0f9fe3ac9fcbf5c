import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKmsgRecord, splitKmsgRecords, unescapeKmsg } from '../../src/knowledge/kernel-log/kmsg-record.js';
import { parseTextLog } from '../../src/sources/kmsg/textlog.js';
import { XidTracker } from '../../src/knowledge/xid/tracker.js';
import { parseXidLine } from '../../src/knowledge/xid/parse.js';

const FIX = join(import.meta.dirname, '../../fixtures/kmsg');
const REAL = splitKmsgRecords(readFileSync(join(FIX, 'this-host.kmsg'), 'utf8')).concat(
  splitKmsgRecords(readFileSync(join(FIX, 'gpu-host.kmsg'), 'utf8')),
);
const XID_LINES = readFileSync(join(FIX, 'xid-lines.txt'), 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('NVRM'));

/** Escapes bytes the way the kernel's msg_add_ext_text does. */
function escape(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes)
    s += b < 0x20 || b >= 0x7f || b === 0x5c ? `\\x${b.toString(16).padStart(2, '0')}` : String.fromCharCode(b);
  return s;
}

/** A mutation of a real record: characters inserted, deleted or replaced at random places. */
const mutated = fc
  .tuple(
    fc.constantFrom(...REAL, ...XID_LINES.map((l) => `4,9,10,c;${l}\n`)),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom('ins', 'del', 'rep'), fc.string({ maxLength: 4 })), { maxLength: 8 }),
  )
  .map(([rec, edits]) => {
    let s = rec;
    for (const [pos, op, str] of edits) {
      const p = s.length ? pos % s.length : 0;
      s =
        op === 'ins'
          ? s.slice(0, p) + str + s.slice(p)
          : op === 'del'
            ? s.slice(0, p) + s.slice(p + 1 + (str.length % 3))
            : s.slice(0, p) + str + s.slice(p + str.length);
    }
    return s;
  });

const anyText = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom(',', ';', '\\', 'x', '0', 'a', '\n', ' ', '=', '9'), maxLength: 300 }),
);

describe('the parser never throws or hangs', () => {
  it('on random text', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const t0 = performance.now();
        parseKmsgRecord(s);
        splitKmsgRecords(s);
        unescapeKmsg(s);
        parseXidLine(s);
        parseTextLog(s);
        new XidTracker().process({ seq: 0, ts_us: 0, text: s });
        expect(performance.now() - t0).toBeLessThan(200);
      }),
      { numRuns: 3000 },
    );
  });

  it('on mutated real records (and mutated Xid lines)', () => {
    fc.assert(
      fc.property(mutated, (s) => {
        const r = parseKmsgRecord(s);
        if (r) {
          expect(Number.isFinite(r.seq) && Number.isFinite(r.ts_us)).toBe(true);
          expect(r.level).toBeGreaterThanOrEqual(0);
          expect(r.level).toBeLessThanOrEqual(7);
        }
        for (const part of splitKmsgRecords(s)) parseKmsgRecord(part);
        new XidTracker().process({ seq: 1, ts_us: 1, text: r?.text ?? s });
      }),
      { numRuns: 5000 },
    );
  });

  it('on long pathological input within a time bound', () => {
    const t0 = performance.now();
    parseKmsgRecord('6,1,2,-;' + '\\x'.repeat(50_000) + '\n');
    parseXidLine('NVRM: Xid (PCI:0000:01:00): 13, ' + 'pid=1, name=a, '.repeat(5000));
    parseXidLine('NVRM: The NVIDIA GPU 0000:01:00.0' + ' x'.repeat(50_000));
    parseTextLog('['.repeat(50_000) + '\n' + 'a :b :'.repeat(20_000));
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('generated records read back exactly', () => {
  it('PRI, seq, time, flag, any bytes of text and the dictionary', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 191 }),
        fc.maxSafeNat(),
        fc.maxSafeNat(),
        fc.constantFrom('-', 'c', '+'),
        fc.string({ maxLength: 200 }),
        fc.option(fc.stringMatching(/^[a-z_]{1,10}$/)),
        (pri, seq, ts, flag, text, subsystem) => {
          const bytes = new TextEncoder().encode(text);
          const raw = `${pri},${seq},${ts},${flag};${escape(bytes)}\n${subsystem ? ` SUBSYSTEM=${subsystem}\n` : ''}`;
          const r = parseKmsgRecord(raw)!;
          expect(r).not.toBeNull();
          expect(r).toMatchObject({ level: pri & 7, facility: pri >> 3, seq, ts_us: ts, flags: flag, text });
          if (subsystem) expect(r.subsystem).toBe(subsystem);
          expect(splitKmsgRecords(raw + raw)).toHaveLength(2);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
