import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeLog } from '../../src/knowledge/log-classifier/index.js';
import { LogStream } from '../../src/sources/kmsg/log-stream.js';

const fx = (name: string) => readFileSync(new URL(`../../fixtures/kernel-logs/${name}`, import.meta.url), 'utf8');

describe('analyzeLog on real console logs', () => {
  it('a clean Debian boot (CRLF, ANSI escapes) has no crash and no critical issue', () => {
    const a = analyzeLog(fx('boot-clean.log'));
    expect(a.crashed).toBe(false);
    expect(a.reports).toEqual([]);
    expect(a.counts.panics).toBe(0);
    expect(a.counts.oops).toBe(0);
    expect(a.type).toBeNull();
    // Known-benign lines ("This is not a bug", "report a bug" advice, MMCONFIG) raise nothing.
    expect(a.errors).toEqual([]);
    expect(a.summary).toMatch(/^OK/);
  });

  it('finds the sysrq panic with its message, task and taint', () => {
    for (const f of ['panic.log', 'panic-tinykernel.log']) {
      const a = analyzeLog(fx(f));
      expect(a.crashed).toBe(true);
      expect(a.type).toBe('panic');
      expect(a.title).toBe('kernel panic: sysrq triggered crash');
      expect(a.function).toBe('sysrq_handle_crash');
      expect(a.counts.panics).toBe(1);
      const r = a.reports[0];
      expect(r).toMatchObject({ class: 'panic', pid: 1, comm: 'init', cpu: 0, tainted: 'GW', corrupted: false });
      const lines = fx(f).split('\n');
      expect(lines[r.start_line - 1]).toContain('Kernel panic - not syncing: sysrq triggered crash');
      expect(lines[r.end_line - 1]).toContain('---[ end Kernel panic');
    }
  });

  it('finds the lkdtm WARNING, kernel BUG and NULL-dereference Oops, each with its function', () => {
    const text = fx('boot-lkdtm-warn-bug-oops.log');
    const a = analyzeLog(text);
    expect(a.reports.map((r) => [r.class, r.title, r.function])).toEqual([
      ['warning', 'WARNING in lkdtm_WARNING', 'lkdtm_WARNING'],
      ['kernel_bug', 'kernel BUG in lkdtm_BUG', 'lkdtm_BUG'],
      ['null_deref', 'BUG: unable to handle kernel NULL pointer dereference in lkdtm_EXCEPTION', 'lkdtm_EXCEPTION'],
    ]);
    // The first report is the primary one.
    expect(a.type).toBe('warning');
    expect(a.title).toBe('WARNING in lkdtm_WARNING');
    expect(a.reports.map((r) => [r.pid, r.comm, r.tainted])).toEqual([
      [45, 'sh', null],
      [46, 'sh', 'GW'],
      [47, 'sh', 'GDW'],
    ]);
    const lines = text.split('\n');
    expect(lines[a.reports[0].start_line - 1]).toContain('WARNING: CPU: 0 PID: 45');
    expect(lines[a.reports[0].end_line - 1]).toContain('---[ end trace');
    expect(a.counts).toMatchObject({ panics: 0, oops: 2, kernel_warnings: 1 });
  });

  it('keeps a WARNING primary when panic_on_warn panics right after it', () => {
    const log = [
      '[   10.000000] ------------[ cut here ]------------',
      '[   10.000001] WARNING: CPU: 1 PID: 77 at fs/foo.c:12 foo_write+0x10/0x20',
      '[   10.000002] Modules linked in:',
      '[   10.000003] CPU: 1 PID: 77 Comm: bash Not tainted 6.1.0 #1',
      '[   10.000004] RIP: 0010:foo_write+0x10/0x20',
      '[   10.000005] Call Trace:',
      '[   10.000006]  <TASK>',
      '[   10.000007]  vfs_write+0x9e/0x181',
      '[   10.000008]  </TASK>',
      '[   10.000009] ---[ end trace 0000000000000000 ]---',
      '[   10.000010] Kernel panic - not syncing: kernel: panic_on_warn set ...',
      '[   10.000011] ---[ end Kernel panic - not syncing: kernel: panic_on_warn set ... ]---',
    ].join('\n');
    const a = analyzeLog(log);
    expect(a.reports).toHaveLength(1);
    expect(a.title).toBe('WARNING in foo_write');
    expect(a.counts.panics).toBe(1);
    expect(a.reports[0].end_line).toBe(12);
  });

  it('ignores user-space lines that only look like reports', () => {
    const a = analyzeLog(
      [
        'WARNING: /etc/ssh/moduli does not exist, using fixed modulus',
        'BUG: start networkManagement',
        'Speculative Return Stack Overflow: WARNING: See https://kernel.org/doc/html/latest/admin-guide/hw-vuln/srso.html for mitigation options.',
      ].join('\n'),
    );
    expect(a.crashed).toBe(false);
  });

  it('reads /dev/kmsg records, syslog <N> prefixes and journalctl -k lines with the same result', () => {
    const body = [
      [4, 'watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [stress-ng:4242]'],
      [4, 'CPU: 1 PID: 4242 Comm: stress-ng Tainted: G             L     6.1.0 #1'],
      [4, 'RIP: 0010:spin_loop+0x5/0x10 [lockmod]'],
      [4, 'Call Trace:'],
      [4, ' <TASK>'],
      [4, ' lockmod_write+0x20/0x40 [lockmod]'],
      [4, ' vfs_write+0x9e/0x181'],
      [4, ' ksys_write+0x66/0x97'],
      [4, ' do_syscall_64+0x39/0x46'],
      [4, ' </TASK>'],
      [3, 'blk_update_request: I/O error, dev sdb, sector 2048 op 0x1:(WRITE) flags 0x800 phys_seg 1 prio class 0'],
    ] as const;
    const forms = [
      body.map(([l, t], i) => `${l},${100 + i},${5_000_000 + i},-;${t}`).join('\n'),
      body.map(([l, t]) => `<${l}>[    5.000000] ${t}`).join('\n'),
      body.map(([, t]) => `Nov 24 19:30:00 host kernel: ${t}`).join('\n'),
    ];
    for (const f of forms) {
      const a = analyzeLog(f);
      expect(a.reports).toHaveLength(1);
      expect(a.reports[0]).toMatchObject({
        class: 'soft_lockup',
        title: 'BUG: soft lockup in lockmod_write',
        function: 'lockmod_write',
        cpu: 1,
        pid: 4242,
        comm: 'stress-ng',
        tainted: 'GL',
      });
      expect(a.errors.some((e) => e.text.includes('I/O error, dev sdb'))).toBe(true);
    }
  });
});

describe('LogStream', () => {
  it('turns the lkdtm boot into warning and oops events with class, function, pid and comm', () => {
    const s = new LogStream();
    const events = [];
    for (const line of fx('boot-lkdtm-warn-bug-oops.log').split('\n')) {
      const m = /^\[\s*\d+\.\d+\] (.*)$/.exec(line.replace(/\r$/, ''));
      if (m) events.push(...s.push(m[1], { ts_ms: 1000 }));
    }
    events.push(...s.flush(2000));
    expect(events.map((e) => [e.subsystem, e.severity, e.title, e.fields?.function, e.pid, e.comm])).toEqual([
      ['warning', 'warning', 'WARNING in lkdtm_WARNING', 'lkdtm_WARNING', 45, 'sh'],
      ['oops', 'critical', 'kernel BUG in lkdtm_BUG', 'lkdtm_BUG', 46, 'sh'],
      [
        'oops',
        'critical',
        'BUG: unable to handle kernel NULL pointer dereference in lkdtm_EXCEPTION',
        'lkdtm_EXCEPTION',
        47,
        'sh',
      ],
    ]);
    for (const e of events) expect(e).toMatchObject({ type: 'kernel.event', source: 'log' });
  });

  it('emits panic, soft_lockup, hung_task, oom_kill, io_error and fs_error events', () => {
    const s = new LogStream();
    const lines = [
      'INFO: task jbd2/sda1-8:312 blocked for more than 120 seconds.',
      '      Not tainted 6.1.0 #1',
      'task:jbd2/sda1-8     state:D stack:0     pid:312   ppid:2      flags:0x00004000',
      'Call Trace:',
      ' <TASK>',
      ' __schedule+0x34d/0x9e0',
      ' schedule+0x5a/0xd0',
      ' io_schedule+0x42/0x70',
      ' bit_wait_io+0xd/0x60',
      ' __wait_on_bit+0x2a/0x90',
      ' out_of_line_wait_on_bit+0x92/0xb0',
      ' jbd2_journal_commit_transaction+0x16a1/0x1a70 [jbd2]',
      ' kjournald2+0xab/0x270 [jbd2]',
      ' kthread+0xd7/0x100',
      ' ret_from_fork+0x1f/0x30',
      ' </TASK>',
      'EXT4-fs error (device sda1): ext4_find_entry:1683: inode #2: comm ls: reading directory lblock 0',
      'Buffer I/O error on dev sda1, logical block 0, async page read',
    ];
    const ev = lines.flatMap((l, i) => s.push(l, { ts_ms: 1000 + i, level: 3 }));
    ev.push(...s.flush(5000));
    expect(ev.map((e) => e.subsystem).sort()).toEqual(['fs_error', 'hung_task', 'io_error']);
    const hung = ev.find((e) => e.subsystem === 'hung_task')!;
    expect(hung).toMatchObject({
      severity: 'critical',
      title: 'INFO: task hung in jbd2_journal_commit_transaction',
      pid: 312,
      comm: 'jbd2/sda1-8',
    });
    expect(ev.find((e) => e.subsystem === 'fs_error')).toMatchObject({ severity: 'warning', title: 'filesystem error on sda1' });
  });

  it('holds at most maxReportLines lines of a report', () => {
    const s = new LogStream({ maxReportLines: 50 });
    s.push('BUG: soft lockup - CPU#0 stuck for 22s! [a:1]');
    let ev: ReturnType<LogStream['push']> = [];
    for (let i = 0; i < 200 && ev.length === 0; i++) ev = s.push(` frame_${i}+0x1/0x2`);
    expect(ev).toHaveLength(1);
    expect(ev[0].subsystem).toBe('soft_lockup');
  });
});

describe('reports whose header line was lost', () => {
  const corpus = (name: string) => readFileSync(new URL(`../../fixtures/crash-corpus/${name}`, import.meta.url), 'utf8');

  it('finds a syslog excerpt that starts mid-oops from its end marker (EIP line, registers, frames)', () => {
    const a = analyzeLog(corpus('crash/linux-media-oops-request-firmware-syslog-wrapped.log'));
    expect(a.crashed).toBe(true);
    expect(a.reports).toHaveLength(1);
    expect(a.reports[0]).toMatchObject({
      class: 'oops',
      function: '_request_firmware',
      corrupted: true,
      title: 'Oops in _request_firmware',
    });
    // The span starts at the EIP line (the wrapped lines before it are not report lines) and ends at the marker.
    expect(a.reports[0].start_line).toBe(16);
    expect(a.reports[0].end_line).toBe(33);
  });

  it('needs an instruction-pointer line and a register dump or trace before an orphan end marker', () => {
    expect(
      analyzeLog(['some line', 'Call Trace:', ' foo+0x1/0x2', '---[ end trace 0000000000000000 ]---'].join('\n')).crashed,
    ).toBe(false);
    expect(analyzeLog(['RIP: 0010:foo+0x1/0x2', '---[ end trace 0000000000000000 ]---'].join('\n')).crashed).toBe(false);
    const a = analyzeLog(
      [
        'RIP: 0010:foo_bar+0x1/0x2',
        'RSP: 0018:ffffc90003017568 EFLAGS: 00010293',
        'Call Trace:',
        ' <TASK>',
        ' baz+0x1/0x2',
        ' </TASK>',
        '---[ end trace 0000000000000000 ]---',
      ].join('\n'),
    );
    expect(a.reports.map((r) => [r.class, r.function])).toEqual([['oops', 'foo_bar']]);
  });

  it('does not report a finished report a second time when its end marker comes late', () => {
    const lines = [
      'WARNING: CPU: 0 PID: 1 at a.c:1 foo+0x1/0x2',
      'RIP: 0010:foo+0x1/0x2',
      'RSP: 0018:ffffc90003017568 EFLAGS: 00010293',
      'Call Trace:',
      ' bar+0x1/0x2',
    ];
    for (let i = 0; i < 60; i++) lines.push(`unrelated line ${i}`);
    lines.push('---[ end trace 0000000000000000 ]---');
    expect(analyzeLog(lines.join('\n')).reports).toHaveLength(1);
  });
});
