import type { Options } from 'yargs';
import { DEFAULT_THRESHOLDS, PROBE_FAMILIES, type ProbeFamily, type Thresholds } from '../events.js';

/** Threshold options shared by every mode that judges events. */
export const thresholdOptions = {
  'sched-warn': {
    type: 'number',
    default: DEFAULT_THRESHOLDS.sched_warn_us,
    describe: 'run-queue latency (us) above which a wakeup is reported one by one',
  },
  'bio-warn': {
    type: 'number',
    default: DEFAULT_THRESHOLDS.bio_warn_us,
    describe: 'block I/O latency (us) above which a request is reported',
  },
  'vfs-warn': {
    type: 'number',
    default: DEFAULT_THRESHOLDS.vfs_warn_us,
    describe: 'read/write latency (us) above which a call is reported',
  },
  'major-faults-warn': {
    type: 'number',
    default: DEFAULT_THRESHOLDS.major_faults_warn_per_s,
    describe: 'major page faults per second above which faults warn',
  },
} satisfies Record<string, Options>;

/**
 * Accepted range per threshold. The values are compiled into the bpftrace program as integer
 * literals, so they must be whole numbers bpftrace can compare with (1e300 breaks its parser); an
 * hour of latency or a billion faults a second is already more than any kernel shows.
 */
export const THRESHOLD_BOUNDS: Record<keyof typeof thresholdOptions, { max: number; unit: string }> = {
  'sched-warn': { max: 3_600_000_000, unit: 'us' },
  'bio-warn': { max: 3_600_000_000, unit: 'us' },
  'vfs-warn': { max: 3_600_000_000, unit: 'us' },
  'major-faults-warn': { max: 1_000_000_000, unit: 'faults per second' },
};

/** Validates the threshold options; a value out of range throws a message naming the accepted range (exit 3). */
export function thresholdsFrom(argv: Record<string, unknown>): Thresholds {
  const pos = (k: keyof typeof thresholdOptions, d: number) => {
    if (argv[k] === undefined) return d;
    const v = Number(argv[k]);
    const { max, unit } = THRESHOLD_BOUNDS[k];
    if (!Number.isInteger(v) || v < 1 || v > max)
      throw new Error(`--${k} must be a whole number from 1 to ${max} (${unit}); got ${String(argv[k])}`);
    return v;
  };
  return {
    sched_warn_us: pos('sched-warn', DEFAULT_THRESHOLDS.sched_warn_us),
    bio_warn_us: pos('bio-warn', DEFAULT_THRESHOLDS.bio_warn_us),
    vfs_warn_us: pos('vfs-warn', DEFAULT_THRESHOLDS.vfs_warn_us),
    major_faults_warn_per_s: pos('major-faults-warn', DEFAULT_THRESHOLDS.major_faults_warn_per_s),
  };
}

/** Options whose value may start with "-" (`--probes -faults`): the parser would read it as short flags. */
const DASH_VALUE_OPTIONS = ['--probes'];

/**
 * Rewrites `--probes -faults` as `--probes=-faults` before the argument parser sees it, so the
 * documented removal form is a value, not the flags -f -a -u -l -t -s (or -h, which printed help).
 */
export function joinDashValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = argv[i + 1];
    if (a === '--') return [...out, ...argv.slice(i)];
    if (DASH_VALUE_OPTIONS.includes(a) && next !== undefined && /^-[^-]/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/**
 * --probes LIST: "sched,bio" runs only those; "+vfs" adds to the default set; "-faults" removes from it;
 * "all" names every family (opt-in ones included). Returns undefined for the default set.
 */
export function parseProbeList(list: string | undefined): {
  requested?: Set<ProbeFamily>;
  removed: Set<ProbeFamily>;
  added: Set<ProbeFamily>;
} {
  const removed = new Set<ProbeFamily>();
  const added = new Set<ProbeFamily>();
  if (!list) return { removed, added };
  const only = new Set<ProbeFamily>();
  for (const raw of list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const sign = raw[0] === '+' || raw[0] === '-' ? raw[0] : '';
    const name = sign ? raw.slice(1) : raw;
    const fams: ProbeFamily[] = name === 'all' ? [...PROBE_FAMILIES] : [name as ProbeFamily];
    for (const f of fams) {
      if (!PROBE_FAMILIES.includes(f))
        throw new Error(`unknown probe family '${name}' in --probes (known: ${PROBE_FAMILIES.join(', ')}, all)`);
      if (sign === '+') added.add(f);
      else if (sign === '-') removed.add(f);
      else only.add(f);
    }
  }
  const requested = only.size ? only : undefined;
  // Same rule as decide(): the named families, else every family, plus added, less removed.
  const left = PROBE_FAMILIES.filter((f) => ((requested?.has(f) ?? true) || added.has(f)) && !removed.has(f));
  if (left.length === 0)
    throw new Error(
      `--probes ${list} leaves no probe family to run: name at least one (known: ${PROBE_FAMILIES.join(', ')}); for the kernel log alone use \`kerntop kmsg --follow\``,
    );
  return { requested, removed, added };
}
