// KVM only counts when a kernel actually runs under it. /dev/kvm can exist and still be unusable: a
// nested hypervisor (kvm_pvm under Firecracker, measured) accepts -accel kvm, then hangs a stock
// kernel right after "Booting from ROM" without a single line of output. So "auto" boots the kernel
// once under KVM, watches for progress, and remembers the verdict per host (kernel release, QEMU
// binary, /dev/kvm) so later runs pay nothing.
import { accessSync, constants, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import type { ArchInfo } from './arch.js';
import { hostArch } from './arch.js';
import { cacheDir } from './cache.js';
import { BootTestSetupError } from './errors.js';
import { baseInitramfs, MARKER_COMPLETED, MARKER_STARTED } from './initramfs.js';
import { qemuArgv } from './runners/qemu.js';
import type { Accel } from './runners/types.js';
import { runVmProcess } from './vm-process.js';

export type AccelChoice = 'auto' | 'kvm' | 'tcg';

export interface AccelDecision {
  accel: Accel;
  /** A line for the report when the choice is not what the user might expect. */
  note?: string;
  /** How the verdict came: asked for, no KVM here at all, a fresh probe, or the cached one. */
  how: 'forced' | 'unavailable' | 'probed' | 'cached';
  cache_path?: string;
  probe_s?: number;
}

interface ProbeVerdict {
  key: string;
  ok: boolean;
  reason: string;
  probe_s: number;
  at: string;
}

/** No kernel line at all within this long under KVM means the guest is stuck (TCG prints in < 1 s). */
export const PROBE_FIRST_OUTPUT_MS = 6000;
/** Longest a probe may take even when the guest makes progress. */
export const PROBE_TOTAL_MS = 30_000;

export function devKvmProblem(): string | null {
  if (!existsSync('/dev/kvm')) return '/dev/kvm does not exist (no KVM module, or not exposed to this machine)';
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return '/dev/kvm is not readable and writable by this user (add it to the kvm group, or run as root)';
  }
  return null;
}

function probeKey(qemu: string): string {
  const q = statSync(qemu);
  const k = statSync('/dev/kvm');
  return [release(), qemu, Math.round(q.mtimeMs), k.rdev].join('|');
}

/** What a console shows about a guest's progress under KVM: ok (it ran), or why not. */
export function judgeProbe(output: string): 'ok' | 'no-output' | 'pending' {
  if (
    output.includes(MARKER_COMPLETED) ||
    output.includes(MARKER_STARTED) ||
    output.includes('Run /init as init process') ||
    output.includes('Kernel panic')
  ) {
    return 'ok';
  }
  return /Linux version \S+/.test(output) ? 'pending' : 'no-output';
}

async function probe(
  qemu: string,
  arch: ArchInfo,
  image: string,
  signal?: AbortSignal,
): Promise<{ ok: boolean; reason: string; probe_s: number }> {
  const initramfs = baseInitramfs(arch).path;
  // earlyprintk shows the kernel's first lines before the console driver starts (x86 only).
  const early = arch.name === 'x86_64' ? ' earlyprintk=serial,ttyS0,115200' : ' earlycon';
  const argv = qemuArgv({
    qemu,
    arch,
    accel: 'kvm',
    memory: '256M',
    cpus: 1,
    image,
    initramfs,
    cmdline: `console=${arch.console}${early} panic=-1`,
  });
  let sawOutput = false;
  const ctl = new AbortController();
  const onAbort = () => ctl.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const firstOutputTimer = setTimeout(() => {
    if (!sawOutput) ctl.abort();
  }, PROBE_FIRST_OUTPUT_MS);
  const out = await runVmProcess(argv, {
    timeoutMs: PROBE_TOTAL_MS,
    signal: ctl.signal,
    onData: () => undefined,
    stopWhen: (tail) => {
      if (/Linux version/.test(tail)) sawOutput = true;
      return judgeProbe(tail) === 'ok' ? 0 : null;
    },
  });
  clearTimeout(firstOutputTimer);
  signal?.removeEventListener('abort', onAbort);
  if (signal?.aborted) throw new Error('cancelled');
  const probe_s = Math.round(out.wall_ms) / 1000;
  const verdict = judgeProbe(out.output);
  if (verdict === 'ok') return { ok: true, reason: 'a test boot under KVM reached userspace', probe_s };
  if (out.exitCode !== null && out.exitCode !== 0 && !out.aborted && !out.timedOut) {
    const err =
      out.stderr
        .trim()
        .split('\n')
        .filter((l) => !/warning:/.test(l))
        .slice(-1)[0] || `exit ${out.exitCode}`;
    return { ok: false, reason: `QEMU refused KVM: ${err}`, probe_s };
  }
  if (verdict === 'no-output') {
    return {
      ok: false,
      reason: `a test boot under KVM printed no kernel line in ${PROBE_FIRST_OUTPUT_MS / 1000} s (a nested or partial hypervisor?)`,
      probe_s,
    };
  }
  return { ok: false, reason: `a test boot under KVM did not reach userspace in ${PROBE_TOTAL_MS / 1000} s`, probe_s };
}

export async function chooseAccel(
  choice: AccelChoice,
  ctx: { arch: ArchInfo; qemu: string | null; image: string; signal?: AbortSignal },
): Promise<AccelDecision> {
  const sameArch = ctx.arch.name === hostArch();
  if (choice === 'tcg') return { accel: 'tcg', how: 'forced' };
  if (choice === 'kvm') {
    if (!sameArch)
      throw new BootTestSetupError(
        `KVM cannot run a ${ctx.arch.name} guest on this ${hostArch()} host; use --accel tcg (or auto)`,
      );
    const p = devKvmProblem();
    if (p) throw new BootTestSetupError(`--accel kvm: ${p}; use --accel tcg (or auto)`);
    return { accel: 'kvm', how: 'forced' };
  }
  if (!sameArch)
    return { accel: 'tcg', how: 'unavailable', note: `${ctx.arch.name} guest on a ${hostArch()} host: emulated with TCG` };
  const p = devKvmProblem();
  if (p) return { accel: 'tcg', how: 'unavailable', note: `KVM not usable: ${p}; using TCG` };
  if (!ctx.qemu) return { accel: 'tcg', how: 'unavailable', note: 'no QEMU to probe KVM with; using TCG' };

  const cachePath = join(cacheDir('kvm-probe'), `${ctx.arch.name}.json`);
  const key = probeKey(ctx.qemu);
  if (!process.env.KERNTOP_KVM_REPROBE && existsSync(cachePath)) {
    try {
      const v = JSON.parse(readFileSync(cachePath, 'utf8')) as ProbeVerdict;
      if (v.key === key) {
        return v.ok
          ? { accel: 'kvm', how: 'cached', cache_path: cachePath }
          : {
              accel: 'tcg',
              how: 'cached',
              cache_path: cachePath,
              note: `KVM present but unusable (${v.reason}, probed ${v.at}); using TCG. --accel kvm forces it; delete ${cachePath} to probe again`,
            };
      }
    } catch {
      // unreadable verdict: probe again
    }
  }
  const r = await probe(ctx.qemu, ctx.arch, ctx.image, ctx.signal);
  const verdict: ProbeVerdict = { key, ok: r.ok, reason: r.reason, probe_s: r.probe_s, at: new Date().toISOString() };
  try {
    writeFileSync(cachePath, JSON.stringify(verdict, null, 2) + '\n');
  } catch {
    // a read-only cache only costs a probe next time
  }
  return r.ok
    ? { accel: 'kvm', how: 'probed', cache_path: cachePath, probe_s: r.probe_s }
    : {
        accel: 'tcg',
        how: 'probed',
        cache_path: cachePath,
        probe_s: r.probe_s,
        note: `KVM present but unusable (${r.reason}); using TCG. --accel kvm forces it`,
      };
}
