import { describe, expect, it } from 'vitest';
import { joinDashValues, parseProbeList, thresholdsFrom } from '../../src/cli/options.js';

describe('--probes values that start with a dash', () => {
  it('joins the documented removal form to its option', () => {
    expect(joinDashValues(['-q', '--probes', '-faults'])).toEqual(['-q', '--probes=-faults']);
    expect(joinDashValues(['--probes', '-sched,-bio', '--json'])).toEqual(['--probes=-sched,-bio', '--json']);
    expect(joinDashValues(['--probes=-faults'])).toEqual(['--probes=-faults']);
    // A long option after --probes is not its value; nothing after "--" is touched.
    expect(joinDashValues(['--probes', '--json'])).toEqual(['--probes', '--json']);
    expect(joinDashValues(['--', '--probes', '-x'])).toEqual(['--', '--probes', '-x']);
  });

  it('refuses a list that leaves no family', () => {
    expect(() => parseProbeList('all,-all')).toThrow(/leaves no probe family to run/);
    expect(() => parseProbeList('-sched,-bio,-vfs,-oom,-tcp_retrans,-drops,-faults')).toThrow(/leaves no probe family/);
    expect([...parseProbeList('-faults').removed]).toEqual(['faults']);
  });
});

describe('threshold bounds', () => {
  it('accepts whole numbers in range', () => {
    expect(thresholdsFrom({ 'sched-warn': 1, 'bio-warn': 3_600_000_000, 'major-faults-warn': 5 })).toMatchObject({
      sched_warn_us: 1,
      bio_warn_us: 3_600_000_000,
      major_faults_warn_per_s: 5,
    });
  });

  for (const [k, v] of [
    ['sched-warn', 1e300],
    ['bio-warn', Number.NaN],
    ['vfs-warn', -3],
    ['major-faults-warn', 0],
    ['sched-warn', 0.5],
    ['vfs-warn', Infinity],
    ['major-faults-warn', 1e10],
  ] as const) {
    it(`--${k} ${v} is refused naming the range`, () => {
      expect(() => thresholdsFrom({ [k]: v })).toThrow(new RegExp(`--${k} must be a whole number from 1 to \\d+`));
    });
  }
});
