import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  analyzeLog,
  CRASH_FORMATS,
  BENIGN_LINES,
  IO_ERROR_RULES,
  FS_ERROR_RULES,
  HW_WARNING_RULES,
  SKIP_FRAMES,
  decodeLine,
} from '../../src/knowledge/log-classifier/index.js';
import { LogStream } from '../../src/sources/kmsg/log-stream.js';
import { matchHeader } from '../../src/knowledge/log-classifier/classifier.js';
import { lineEventKind, lineSeverity } from '../../src/knowledge/log-classifier/line-rules.js';
import { isSkippedFrame, parseFrame, parseIpLine } from '../../src/knowledge/log-classifier/frames.js';

describe('crash format table', () => {
  it('has unique row ids', () => {
    expect(new Set(CRASH_FORMATS.map((f) => f.id)).size).toBe(CRASH_FORMATS.length);
  });
  for (const f of CRASH_FORMATS) {
    it(`row ${f.id}: its real header line is matched by this row`, () => {
      const hm = matchHeader(f.example);
      expect(hm?.fmt.id).toBe(f.id);
    });
  }
});

describe('known-benign lines', () => {
  for (const b of BENIGN_LINES) {
    it(`row ${b.id}: raises no error or warning and opens no report`, () => {
      expect(b.re.test(b.example)).toBe(true);
      expect(lineSeverity(b.example, undefined).sev).toBeNull();
      expect(lineSeverity(b.example, 3).sev).toBeNull();
      expect(analyzeLog(b.example).crashed).toBe(false);
    });
  }
});

describe('single-line event rules', () => {
  for (const [kind, rows] of [
    ['io_error', IO_ERROR_RULES],
    ['fs_error', FS_ERROR_RULES],
    ['mce', HW_WARNING_RULES],
  ] as const) {
    for (const r of rows) {
      it(`${kind} row ${r.id}`, () => {
        const k = lineEventKind(r.example);
        expect(k).toMatchObject({ subsystem: kind, rule: r.id });
        const ev = new LogStream().push(r.example, { ts_ms: 1 });
        expect(ev).toHaveLength(1);
        expect(ev[0]).toMatchObject({ subsystem: kind, severity: 'warning', source: 'log' });
      });
    }
  }
});

describe('frame skip table', () => {
  for (const s of SKIP_FRAMES) {
    it(`row "${s.why}" skips ${s.example}`, () => {
      expect(isSkippedFrame(s.example)).toBe(true);
    });
  }
  it('keeps ordinary kernel functions', () => {
    for (const f of ['lkdtm_WARNING', 'ext4_find_entry', 'tcp_sendmsg', 'sysrq_handle_crash', 'nbd_add_socket', 'shutdown_task'])
      expect(isSkippedFrame(f)).toBe(false);
  });
});

describe('frame and IP line parsing (real lines)', () => {
  const cases: Array<[string, string | null | 'questionable']> = [
    [' direct_entry+0xa5/0xbb', 'direct_entry'],
    [' ? full_proxy_poll+0x42/0x42', 'questionable'],
    [' __dump_stack lib/dump_stack.c:77 [inline]', '__dump_stack'],
    [' dump_stack+0x1b2/0x281 lib/dump_stack.c:113', 'dump_stack'],
    [' __arm64_sys_openat+0x1f0/0x240 fs/open.c:1463', 'sys_openat'],
    [' [<ffffffff8104f3b8>] warn_slowpath_common+0x78/0xb0', 'warn_slowpath_common'],
    [' jbd2_journal_commit_transaction+0x16a1/0x1a70 [jbd2]', 'jbd2_journal_commit_transaction'],
    [' __handle_sysrq.cold+0x44/0x11c', '__handle_sysrq'],
    ['[c0000000fe2b3c30] [c0000000001a2b3c] foo_bar+0x1c/0x30 (unreliable)', 'questionable'],
    ['[<c0110a44>] (unwind_backtrace) from [<c010c3f0>] (show_stack+0x10/0x14)', 'unwind_backtrace'],
    ['RAX: ffffffffffffffda RBX: 0000000000000001 RCX: 000000000047b7a0', null],
    ['Code: 40 00 48 c7 c2 e0 ff ff ff f7 d8 64 89 02', null],
  ];
  for (const [line, want] of cases) {
    it(JSON.stringify(line), () => {
      const f = parseFrame(line);
      if (want === null || want === 'questionable') expect(f).toBe(want);
      else expect(f && f !== 'questionable' ? f.func : f).toBe(want);
    });
  }
  it('instruction pointer lines of x86, arm64, arm and riscv', () => {
    expect(parseIpLine('RIP: 0010:lkdtm_WARNING+0x8/0xb')?.func).toBe('lkdtm_WARNING');
    expect(parseIpLine('RIP: 0033:0x47b7a0')).toBeNull();
    expect(parseIpLine('pc : __list_del_entry_valid+0x9c/0xb0')?.func).toBe('__list_del_entry_valid');
    expect(parseIpLine('PC is at sysrq_handle_crash+0x30/0x3c')?.func).toBe('sysrq_handle_crash');
    expect(parseIpLine('epc : lkdtm_BUG+0x2/0x4')?.func).toBe('lkdtm_BUG');
    expect(parseIpLine('IP: [<ffffffff8123abcd>] ext4_foo+0x12/0x30')?.func).toBe('ext4_foo');
  });
});

describe('input forms', () => {
  it.each([
    ['[    0.902873] WARNING: CPU: 0 PID: 45 at x.c:85 f+0x8/0xb\r', 'WARNING: CPU: 0 PID: 45 at x.c:85 f+0x8/0xb', undefined],
    ['4,512,902873,-;WARNING: a\\x5cb', 'WARNING: a\\b', 4],
    ['<3>[   12.5] EXT4-fs error (device sda1): x', 'EXT4-fs error (device sda1): x', 3],
    ['kern  :err   : [   12.5] I/O error, dev sda, sector 1', 'I/O error, dev sda, sector 1', 3],
    ['Nov 24 19:30:00 myhost kernel: Out of memory: Killed process 1 (a)', 'Out of memory: Killed process 1 (a)', undefined],
    ['2026-11-24T19:30:00+0000 myhost kernel: hello', 'hello', undefined],
    ['[  123.456789] myhost kernel: hello', 'hello', undefined],
    ['[   12.345678][ T1234] BUG: KASAN: x', 'BUG: KASAN: x', undefined],
    ['\x1b[0m\x1b[2J[    1.0] \x1b[31mred\x1b[0m', 'red', undefined],
    ['[Mon Nov 24 19:30:00 2026] hello', 'hello', undefined],
  ])('%j', (raw, text, level) => {
    const d = decodeLine(raw);
    expect(d.text).toBe(text);
    expect(d.level).toBe(level);
  });
  it('keeps the printk caller as context', () => {
    expect(decodeLine('[   12.345678][ T1234] x').ctx).toBe('T1234');
    expect(decodeLine('6,1,2,-,caller=C1;x').ctx).toBe('C1');
  });
});

describe('robustness', () => {
  it('analyzeLog never throws, and its output is well formed, on random input', () => {
    const pieces = [
      'BUG: ',
      'WARNING: ',
      'Kernel panic - not syncing: ',
      'Call Trace:',
      ' foo+0x1/0x2',
      'RIP: 0010:',
      '\n',
      '\r\n',
      '[  1.0] ',
      '<3>',
      '6,1,2,-;',
      '\x1b[31m',
      '---[ end trace ]---',
      'INFO: task a:1 blocked for more than 1 seconds.',
      '\\x0a',
      ' ',
      'é',
      '\u0000',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string(), fc.string({ unit: 'binary' })), { maxLength: 60 }),
        (parts) => {
          const a = analyzeLog(parts.join(''));
          expect(a.crashed).toBe(a.reports.length > 0);
          for (const r of a.reports) expect(r.end_line).toBeGreaterThanOrEqual(r.start_line);
          expect(() => JSON.stringify(a)).not.toThrow();
        },
      ),
      { numRuns: 400 },
    );
  });
  it('LogStream never throws on random records', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 40 }), (lines) => {
        const s = new LogStream({ maxReportLines: 30 });
        for (const l of lines) s.push(l, { ts_ms: 1 });
        s.flush();
      }),
      { numRuns: 200 },
    );
  });
});
