import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { NOT_SELECTED_REASON, type ProbeFamily } from '../../events.js';
import { CATALOG, type Requirement, type Strategy } from './catalog.js';

const run = promisify(execFile);

/** What the host offers, read once before anything is spawned. */
export interface HostCapabilities {
  bpftrace: { path: string; version: string } | null;
  /** Why bpftrace cannot be used, with the fix. */
  bpftraceProblem?: string;
  root: boolean;
  /** CAP_BPF + CAP_PERFMON, or CAP_SYS_ADMIN. */
  bpfCapable: boolean;
  btf: boolean;
  tracefs: string | null;
  kprobes: boolean;
  kfunc: boolean;
  /** Messages for the user: what is missing and how to fix it. */
  problems: string[];
  /** Harmless facts worth a dimmed line (e.g. tracefs mounted by kerntop). */
  notes: string[];
}

const TRACEFS_CANDIDATES = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'];

function capEff(): bigint {
  try {
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? BigInt(`0x${m[1]}`) : 0n;
  } catch {
    return 0n;
  }
}

const CAP_SYS_ADMIN = 21n;
const CAP_PERFMON = 38n;
const CAP_BPF = 39n;
const has = (caps: bigint, bit: bigint) => ((caps >> bit) & 1n) === 1n;

async function findTracefs(root: boolean, notes: string[]): Promise<string | null> {
  for (const p of TRACEFS_CANDIDATES) if (existsSync(`${p}/events`)) return p;
  if (!root) return null;
  // bpftrace 0.17 needs tracefs for tracepoints but does not mount it; a fresh host or a container often lacks it.
  try {
    await run('mount', ['-t', 'tracefs', 'nodev', '/sys/kernel/tracing']);
    if (existsSync('/sys/kernel/tracing/events')) {
      notes.push('tracefs was not mounted: kerntop mounted it at /sys/kernel/tracing');
      return '/sys/kernel/tracing';
    }
  } catch {
    // fall through: reported as a problem by the caller
  }
  return null;
}

async function whichBpftrace(): Promise<string | null> {
  const override = process.env.KERNTOP_BPFTRACE;
  if (override) return existsSync(override) ? override : null;
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':').concat(['/usr/sbin', '/usr/bin', '/usr/local/bin'])) {
    const p = `${dir}/bpftrace`;
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

export async function checkHost(): Promise<HostCapabilities> {
  const problems: string[] = [];
  const notes: string[] = [];
  const root = process.geteuid?.() === 0;
  const caps = capEff();
  const bpfCapable = has(caps, CAP_SYS_ADMIN) || (has(caps, CAP_BPF) && has(caps, CAP_PERFMON));
  const btf = existsSync('/sys/kernel/btf/vmlinux');
  const tracefs = await findTracefs(root, notes);

  let bpftrace: HostCapabilities['bpftrace'] = null;
  let bpftraceProblem: string | undefined;
  let kfunc = false;
  const path = await whichBpftrace();
  if (!path) {
    bpftraceProblem =
      'bpftrace is not installed: install it (Debian/Ubuntu: apt-get install bpftrace; or run `npm start`, which installs it)';
  } else {
    try {
      const { stdout } = await run(path, ['--version'], { timeout: 10_000 });
      bpftrace = { path, version: stdout.trim().replace(/^bpftrace\s+/, '') };
      if (btf && bpfCapable) {
        const info = await run(path, ['--info'], { timeout: 20_000 }).then(
          (r) => r.stdout + r.stderr,
          () => '',
        );
        kfunc = /^\s*kfunc:\s*yes/m.test(info);
      }
    } catch (err) {
      bpftraceProblem = `bpftrace at ${path} does not run (${(err as Error).message.split('\n')[0]}): reinstall it`;
    }
  }
  if (bpftraceProblem) problems.push(bpftraceProblem);
  if (!bpfCapable)
    problems.push(
      'not privileged for eBPF: run kerntop as root (sudo kerntop), or grant CAP_BPF and CAP_PERFMON; in a container use --privileged',
    );
  if (!tracefs && root)
    problems.push(
      'tracefs is not mounted, so no tracepoint can attach: mount -t tracefs nodev /sys/kernel/tracing (in a container, bind-mount /sys/kernel/tracing from the host)',
    );
  else if (!tracefs && bpfCapable)
    problems.push('tracefs (/sys/kernel/tracing) is not readable by this user: run kerntop as root');
  if (!btf) notes.push('no BTF (/sys/kernel/btf/vmlinux): kfunc probes are unavailable; tracepoints still work');
  const kprobes = tracefs !== null && existsSync(`${tracefs}/kprobe_events`);
  return { bpftrace, bpftraceProblem, root, bpfCapable, btf, tracefs, kprobes, kfunc, problems, notes };
}

/** Why a requirement does not hold on this host, or null when it does. */
export function unmet(req: Requirement, host: HostCapabilities, kernelFunctions: () => Set<string>): string | null {
  if (req.tracepoints?.length) {
    if (!host.tracefs) return 'tracefs is not mounted';
    const missing = req.tracepoints.filter((tp) => !existsSync(`${host.tracefs}/events/${tp.replace(':', '/')}`));
    if (missing.length) return `tracepoint${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not in this kernel`;
  }
  if (req.kprobes?.length) {
    if (!host.kprobes) return 'kprobes are not available (no kprobe_events in tracefs; CONFIG_KPROBES off?)';
    const fns = kernelFunctions();
    const missing = req.kprobes.filter((f) => !fns.has(f));
    if (missing.length) return `${missing.join(', ')} not traceable`;
  }
  if (req.btf && !host.btf) return 'needs BTF (/sys/kernel/btf/vmlinux) to read kernel types';
  if (req.kfuncs?.length) {
    if (!host.btf) return 'kfunc needs BTF (/sys/kernel/btf/vmlinux)';
    if (!host.kfunc) return 'bpftrace reports kfunc unsupported on this kernel';
  }
  return null;
}

export interface ProbeDecision {
  family: ProbeFamily;
  attach: boolean;
  method?: string;
  strategy?: Strategy;
  reason: string;
  /** Strategies still untried, in order, for a runtime fallback. */
  fallbacks: Strategy[];
}

/** Which families the user asked for: only `requested` when given, else the default set plus `added` less `removed`. */
export interface ProbeSelection {
  requested?: ReadonlySet<ProbeFamily>;
  added?: ReadonlySet<ProbeFamily>;
  removed?: ReadonlySet<ProbeFamily>;
}

/**
 * Picks, per family, the first strategy whose requirements hold. Opt-in strategies run only when their
 * family was named.
 */
export function decide(host: HostCapabilities, sel: ProbeSelection = {}): ProbeDecision[] {
  let fns: Set<string> | null = null;
  const kernelFunctions = () => {
    if (!fns) {
      try {
        fns = new Set(
          readFileSync(`${host.tracefs}/available_filter_functions`, 'utf8')
            .split('\n')
            .map((l) => l.split(' ')[0]),
        );
      } catch {
        fns = new Set();
      }
    }
    return fns;
  };
  return CATALOG.map((entry) => {
    const named = (sel.requested?.has(entry.family) ?? false) || (sel.added?.has(entry.family) ?? false);
    if ((sel.requested && !named) || sel.removed?.has(entry.family))
      return { family: entry.family, attach: false, reason: NOT_SELECTED_REASON, fallbacks: [] };
    if (!host.bpftrace)
      return { family: entry.family, attach: false, reason: host.bpftraceProblem ?? 'bpftrace missing', fallbacks: [] };
    if (!host.bpfCapable) return { family: entry.family, attach: false, reason: 'not privileged (run as root)', fallbacks: [] };
    const reasons: string[] = [];
    for (let i = 0; i < entry.strategies.length; i++) {
      const s = entry.strategies[i];
      const why = unmet(s.requires, host, kernelFunctions);
      if (why) {
        reasons.push(`${s.method}: ${why}`);
        continue;
      }
      if (s.optIn && !named)
        return {
          family: entry.family,
          attach: false,
          method: s.method,
          strategy: s,
          reason: `${reasons.length ? reasons.join('; ') + '; ' : ''}${s.optIn}`,
          fallbacks: [],
        };
      const usable = entry.strategies.slice(i + 1).filter((f) => !unmet(f.requires, host, kernelFunctions));
      return {
        family: entry.family,
        attach: true,
        method: s.method,
        strategy: s,
        reason: reasons.length ? `preferred ${reasons.join('; ')}` : '',
        fallbacks: usable,
      };
    }
    return { family: entry.family, attach: false, reason: reasons.join('; '), fallbacks: [] };
  });
}
