import type { Options } from 'yargs';
import { DEFAULT_THRESHOLDS, PROBE_FAMILIES, type ProbeFamily, type Thresholds } from '../events.js';

/** Threshold options shared by every mode that judges events. */
export const thresholdOptions = {
  'sched-warn': { type: 'number', default: DEFAULT_THRESHOLDS.sched_warn_us, describe: 'run-queue latency (us) above which a wakeup is reported one by one' },
  'bio-warn': { type: 'number', default: DEFAULT_THRESHOLDS.bio_warn_us, describe: 'block I/O latency (us) above which a request is reported' },
  'vfs-warn': { type: 'number', default: DEFAULT_THRESHOLDS.vfs_warn_us, describe: 'read/write latency (us) above which a call is reported' },
  'major-faults-warn': { type: 'number', default: DEFAULT_THRESHOLDS.major_faults_warn_per_s, describe: 'major page faults per second above which faults warn' },
  'noise-warn': { type: 'number', default: DEFAULT_THRESHOLDS.noise_warn_us, describe: 'a hard IRQ, softirq or RT wakeup on a CPU longer than this (us) is reported one by one (noise family)' },
} satisfies Record<string, Options>;

export function thresholdsFrom(argv: Record<string, unknown>): Thresholds {
  const pos = (k: string, d: number) => {
    if (argv[k] === undefined) return d;
    const v = Number(argv[k]);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`--${k} must be a positive number (got ${String(argv[k])})`);
    return v;
  };
  return {
    sched_warn_us: pos('sched-warn', DEFAULT_THRESHOLDS.sched_warn_us),
    bio_warn_us: pos('bio-warn', DEFAULT_THRESHOLDS.bio_warn_us),
    vfs_warn_us: pos('vfs-warn', DEFAULT_THRESHOLDS.vfs_warn_us),
    major_faults_warn_per_s: pos('major-faults-warn', DEFAULT_THRESHOLDS.major_faults_warn_per_s),
    noise_warn_us: pos('noise-warn', DEFAULT_THRESHOLDS.noise_warn_us!),
  };
}

/**
 * --probes LIST: "sched,bio" runs only those; "+vfs" adds to the default set; "-faults" removes from it;
 * "all" names every family (opt-in ones included). Returns undefined for the default set.
 */
export function parseProbeList(list: string | undefined): { requested?: Set<ProbeFamily>; removed: Set<ProbeFamily>; added: Set<ProbeFamily> } {
  const removed = new Set<ProbeFamily>();
  const added = new Set<ProbeFamily>();
  if (!list) return { removed, added };
  const only = new Set<ProbeFamily>();
  for (const raw of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const sign = raw[0] === '+' || raw[0] === '-' ? raw[0] : '';
    const name = sign ? raw.slice(1) : raw;
    const fams: ProbeFamily[] = name === 'all' ? [...PROBE_FAMILIES] : [name as ProbeFamily];
    for (const f of fams) {
      if (!PROBE_FAMILIES.includes(f)) throw new Error(`unknown probe family '${name}' in --probes (known: ${PROBE_FAMILIES.join(', ')}, all)`);
      if (sign === '+') added.add(f);
      else if (sign === '-') removed.add(f);
      else only.add(f);
    }
  }
  return { requested: only.size ? only : undefined, removed, added };
}
