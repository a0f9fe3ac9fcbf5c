import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, PROBE_FAMILIES } from '../../src/events.js';
import type { HostCapabilities } from '../../src/sources/bpftrace/capability.js';
import { decide } from '../../src/sources/bpftrace/capability.js';
import { CATALOG, catalogEntry } from '../../src/sources/bpftrace/catalog.js';
import { blame, bpftraceArgv, compose, mapNames, runningTotals, splitInterval } from '../../src/sources/bpftrace/compose.js';
import { errorSummary } from '../../src/sources/bpftrace/runner.js';

const params = { thresholds: DEFAULT_THRESHOLDS, events_per_s: 50, kerntop_pid: 4242 };
const all = CATALOG.map((c) => ({ family: c.family, strategy: c.strategies[0] }));

describe('composing one bpftrace program', () => {
  const c = compose(all, params);

  it('has one BEGIN, one merged interval ending in TICK, and an END clearing every map', () => {
    expect(c.program.match(/^BEGIN/gm)).toHaveLength(1);
    expect(c.program.match(/interval:s:1/g)).toHaveLength(1);
    expect(c.program).toMatch(/printf\("TICK\\n"\);\n\}/);
    const end = c.program.slice(c.program.indexOf('END\n'));
    for (const m of mapNames(c.program)) expect(end).toContain(`clear(@${m});`);
  });

  it('fills thresholds and leaves no placeholder', () => {
    expect(c.program).toContain('$us > 1000');
    expect(c.program).toContain('pid != 4242');
    expect(c.program).not.toMatch(/\{\{/);
    expect(() => compose(all, params, () => '{{nope}}')).toThrow(/unknown placeholder/);
  });

  it('every map of every fragment starts with its family name', () => {
    for (const entry of CATALOG)
      for (const s of entry.strategies) {
        const one = compose([{ family: entry.family, strategy: s }], params);
        for (const m of mapNames(one.program)) expect(m.startsWith(`${entry.family}_`), `${s.script}: @${m}`).toBe(true);
      }
  });

  it('blames a real bpftrace 0.17 attach error on its family', () => {
    // Captured on this kernel: kfunc is unsupported.
    const err = `/tmp/k.bt:58-62: ERROR: kfunc/kretfunc not available for your kernel version.\n/tmp/k.bt:62:16-32: ERROR: kfunc/kretfunc not available for your kernel version.\nkfunc:vfs_read, kfunc:vfs_write\n               ~~~~~~~~~~~~~~~~\n`;
    expect(blame(err, c)).toBe('vfs');
    expect(blame("ERROR: Error attaching probe: 'tracepoint:block:block_rq_issue'", c)).toBe('bio');
    expect(blame('ERROR: something unrelated', c)).toBeNull();
    expect(errorSummary(`ERROR: Unknown error -1: couldn't set RLIMIT_MEMLOCK for bpftrace.\n${err}`)).toBe(
      'ERROR: kfunc/kretfunc not available for your kernel version.; ERROR: kfunc/kretfunc not available for your kernel version.',
    );
  });

  it("leaves kerntop's own threads out: node's tids and the bpftrace child ($1) are marked before READY", () => {
    const own = compose(all, { ...params, kerntop_tids: [4242, 4243] });
    const begin = own.program.slice(0, own.program.indexOf('}') + 1);
    expect(begin).toContain('@sched_self[4242] = 1; @sched_self[4243] = 1; @sched_self[$1] = 1;');
    expect(begin.indexOf('@sched_self')).toBeLessThan(begin.indexOf('READY'));
    expect(own.program).toMatch(/pid == 4242 \|\| pid == \$1/);
    expect(own.program).toContain('pid != 4242 && pid != $1');
    // Line ranges still point at each family's own text after the longer BEGIN.
    const lines = own.program.split('\n');
    for (const r of own.ranges)
      expect(lines[r.first - 1]).toBe(`// ---- ${r.family} (${all.find((a) => a.family === r.family)!.strategy.script})`);
  });

  it('starts bpftrace through a shell that passes bpftrace its own pid as $1', () => {
    expect(bpftraceArgv('/usr/bin/bpftrace', '/tmp/k.bt', true)).toEqual([
      '/bin/sh',
      '-c',
      'exec "$0" -f json "$1" $$',
      '/usr/bin/bpftrace',
      '/tmp/k.bt',
    ]);
    expect(bpftraceArgv('/usr/bin/bpftrace', '/tmp/k.bt', false)).toEqual(['/usr/bin/bpftrace', '-f', 'json', '/tmp/k.bt', '0']);
  });

  it('counts and histograms are running totals (printed, never cleared); max and top-N maps restart each second', () => {
    expect(c.totals).toEqual(
      expect.arrayContaining([
        'sched_lat_us',
        'sched_own_n',
        'bio_lat_us',
        'bio_dev',
        'vfs_lat_us',
        'vfs_op',
        'vfs_comm',
        'tcp_retrans_n',
        'drops_reason',
        'drops_n',
        'faults_n',
        'faults_major',
      ]),
    );
    for (const m of ['sched_max_us', 'sched_comm', 'bio_max_us', 'vfs_max_us', 'drops_where', 'faults_comm'])
      expect(c.totals).not.toContain(m);
    for (const entry of CATALOG)
      for (const s of entry.strategies) {
        const one = compose([{ family: entry.family, strategy: s }], params);
        // Every map a family prints is either a running total or cleared each second.
        const tick = splitInterval(one.program).tick;
        for (const m of tick.matchAll(/print\(@(\w+)/g))
          expect(one.totals.includes(m[1]) || tick.includes(`clear(@${m[1]})`), `${s.script}: @${m[1]}`).toBe(true);
        for (const m of one.totals) expect(m.endsWith('_max_us'), `${s.script}: @${m} is a max`).toBe(false);
      }
    expect(runningTotals('print(@a_n); print(@a_max_us); clear(@a_max_us);')).toEqual(['a_n']);
    expect(() => runningTotals('print(@a_comm, 5);')).toThrow(/running total.*printed with a limit/);
  });

  it('splits out the interval block', () => {
    expect(splitInterval('a\ninterval:s:1 { x; { y; } }\nb')).toEqual({ probes: 'a\n\nb', tick: ' x; { y; } ' });
  });
});

describe('choosing a strategy per family', () => {
  const host: HostCapabilities = {
    bpftrace: { path: '/usr/bin/bpftrace', version: 'v0.17.0' },
    root: true,
    bpfCapable: true,
    btf: true,
    tracefs: '/sys/kernel/tracing',
    kprobes: false,
    kfunc: false,
    problems: [],
    notes: [],
  };

  it('falls back to tracepoints where kprobes and kfunc do not work, and keeps syscall vfs opt-in', () => {
    const d = decide(host);
    expect(d.find((x) => x.family === 'sched')).toMatchObject({ attach: true, method: 'tracepoint' });
    const vfs = d.find((x) => x.family === 'vfs')!;
    expect(vfs.attach).toBe(false);
    expect(vfs.reason).toMatch(/kfunc.*kprobe.*--probes \+vfs/);
    expect(decide(host, { added: new Set(['vfs']) }).find((x) => x.family === 'vfs')).toMatchObject({
      attach: true,
      method: 'tracepoint',
    });
  });

  it('honours --probes lists and explains missing privileges and bpftrace', () => {
    expect(
      decide(host, { requested: new Set(['oom']) })
        .filter((x) => x.attach)
        .map((x) => x.family),
    ).toEqual(['oom']);
    expect(decide(host, { removed: new Set(['faults']) }).find((x) => x.family === 'faults')?.attach).toBe(false);
    expect(decide({ ...host, bpfCapable: false }).every((x) => !x.attach && /root/.test(x.reason))).toBe(true);
    expect(decide({ ...host, bpftrace: null, bpftraceProblem: 'bpftrace is not installed: install it' })[0].reason).toMatch(
      /apt|install/,
    );
  });

  it('prefers a richer strategy where the host has it', () => {
    expect(catalogEntry('vfs').strategies.map((s) => s.script)).toEqual([
      'vfs.kfunc.bt',
      'vfs.kprobe.bt',
      'vfs.syscall.bt',
      'vfs.syscall-any.bt',
    ]);
    // Without BTF the regular-file filter cannot read the inode: every file is timed instead.
    expect(decide({ ...host, btf: false }, { added: new Set(['vfs']) }).find((x) => x.family === 'vfs')?.strategy?.script).toBe(
      'vfs.syscall-any.bt',
    );
    expect(decide(host, { added: new Set(['vfs']) }).find((x) => x.family === 'vfs')?.strategy?.script).toBe('vfs.syscall.bt');
    expect(PROBE_FAMILIES).toHaveLength(CATALOG.length);
  });
});
