// The boot-test job: options in, progress events out (setup steps, then every console line), a typed
// result at the end. The CLI (kerntop boot-test) and the TUI call this same function. Cancelling the
// signal kills the VM; so does kerntop exiting in any way (see vm-process.ts).
import { createWriteStream, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { JobProgressEvent, JobResultEvent } from '../../events.js';
import { analyzeLog } from '../../knowledge/log-classifier/index.js';
import { cacheDir } from './cache.js';
import { DEFAULTS } from './defaults.js';
import { cleanConsole, kernelVersionFromLog } from './console-clean.js';
import { BootTestSetupError } from './errors.js';
import { setAsideEmulationNoise } from './emulation-noise.js';
import { COMPLETED_RE } from './initramfs.js';
import { locateKernel } from './kernel-locate.js';
import { type AccelChoice, type AccelDecision, chooseAccel } from './kvm-probe.js';
import { bootTestExitCode, type BootTestResult, summarize } from './result.js';
import { findQemu, runQemu, which } from './runners/qemu.js';
import type { RunnerResult } from './runners/types.js';
import { findVng, runVng } from './runners/vng.js';

export const JOB_NAME = 'boot-test';

export interface BootTestOptions {
  /** A kernel source tree (built) or an image file. */
  kernel?: string;
  hostKernel?: boolean;
  /** QEMU/vng memory size: "2G", "512M". */
  memory?: string;
  cpus?: number;
  timeout_s?: number;
  arch?: string;
  runner?: 'auto' | 'vng' | 'qemu';
  accel?: AccelChoice;
  append?: string;
  exec?: string;
  /** Where the cleaned console log goes; by default a file under the cache's boot-test/logs. */
  keepLog?: string;
}

export interface JobHooks {
  onEvent?: (ev: JobProgressEvent | JobResultEvent) => void;
  signal?: AbortSignal;
}

export { DEFAULTS };
const KEEP_LOGS = 20;

export function validateOptions(o: BootTestOptions): void {
  if (o.memory !== undefined && !/^\d+(\.\d+)?[KMGT]?$/i.test(o.memory)) {
    throw new BootTestSetupError(`--memory ${o.memory}: give a size such as 512M or 2G`);
  }
  if (o.cpus !== undefined && (!Number.isInteger(o.cpus) || o.cpus < 1))
    throw new BootTestSetupError(`--cpus ${o.cpus}: give a whole number >= 1`);
  if (o.timeout_s !== undefined && !(o.timeout_s > 0)) throw new BootTestSetupError(`--timeout ${o.timeout_s}: give seconds > 0`);
  if (o.kernel && o.hostKernel) throw new BootTestSetupError('give either --kernel PATH or --host-kernel, not both');
}

/**
 * Work directories of runs whose kerntop was SIGKILLed (nothing could clean up): named after their
 * pid, removed once that pid is gone.
 */
function sweepStaleWorkDirs(): void {
  try {
    for (const d of readdirSync(tmpdir())) {
      const m = /^kerntop-boot-(\d+)-/.exec(d);
      if (!m || Number(m[1]) === process.pid) continue;
      try {
        process.kill(Number(m[1]), 0);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ESRCH') rmSync(join(tmpdir(), d), { recursive: true, force: true });
      }
    }
  } catch {
    // best effort
  }
}

/** Default log place: a few recent logs kept in the cache, older ones pruned. */
function defaultLogPath(version: string | null): string {
  const dir = cacheDir(join('boot-test', 'logs'));
  try {
    const old = readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t)
      .slice(KEEP_LOGS - 1);
    for (const { f } of old) rmSync(join(dir, f), { force: true });
  } catch {
    // pruning is best effort
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return join(dir, `boot-${stamp}-${(version ?? 'kernel').replace(/[^\w.+-]/g, '_')}-${process.pid}.log`);
}

export async function runBootTest(opts: BootTestOptions, hooks: JobHooks = {}): Promise<BootTestResult> {
  const t0 = performance.now();
  const since = (t: number) => Math.round(performance.now() - t) / 1000;
  const progress = (message: string, stage = 'setup') =>
    hooks.onEvent?.({ type: 'job.progress', ts_ms: Date.now(), job: JOB_NAME, message, stage });
  validateOptions(opts);
  const memory = opts.memory ?? DEFAULTS.memory;
  const cpus = opts.cpus ?? DEFAULTS.cpus;
  const timeout_s = opts.timeout_s ?? DEFAULTS.timeout_s;
  const notes: string[] = [];

  const kernel = locateKernel({ kernel: opts.kernel, hostKernel: opts.hostKernel, arch: opts.arch });
  const arch = kernel.arch;
  progress(`kernel ${kernel.image} (${arch.name}${kernel.version ? `, ${kernel.version}` : ''})`);

  let runner: 'qemu' | 'vng';
  const wanted = opts.runner ?? 'auto';
  if (wanted === 'auto') {
    runner = findVng() ? 'vng' : 'qemu';
    if (runner === 'qemu') notes.push('vng (virtme-ng) not installed: plain QEMU with a busybox initramfs');
  } else runner = wanted;
  if (runner === 'qemu')
    findQemu(arch); // fail early, naming the package
  else if (!findVng())
    throw new BootTestSetupError('vng (virtme-ng) not found on PATH; install it (pip install virtme-ng) or use --runner qemu');

  const tAccel = performance.now();
  let decision: AccelDecision;
  try {
    progress(`choosing the accelerator (${opts.accel ?? 'auto'})`);
    decision = await chooseAccel(opts.accel ?? 'auto', {
      arch,
      qemu: which(arch.qemu),
      image: kernel.image,
      signal: hooks.signal,
    });
  } catch (e) {
    if (!(e instanceof BootTestSetupError) || opts.accel === 'kvm') throw e;
    decision = { accel: 'tcg', how: 'unavailable', note: `cannot probe KVM (${e.message}); using TCG` };
  }
  const accel_probe = since(tAccel);
  if (decision.note) notes.push(decision.note);
  progress(`accelerator ${decision.accel} (${decision.how})`);

  const logPath = opts.keepLog ? resolve(opts.keepLog) : defaultLogPath(kernel.version);
  // The raw console goes to the log as it arrives, so a kerntop killed mid-boot still leaves it;
  // the cleaned text replaces it at the end. Opened here so a bad path fails before the VM starts.
  let logFd: number;
  try {
    // No mkdir for the user's path: a typo should fail, not grow directories (and Node's recursive
    // mkdir spins forever under /proc).
    logFd = openSync(logPath, 'w');
  } catch (e) {
    throw new BootTestSetupError(
      `cannot write the console log ${logPath}: ${(e as Error).message}; name another file with --keep-log`,
    );
  }
  const rawLog = createWriteStream('', { fd: logFd, encoding: 'latin1' });
  sweepStaleWorkDirs();
  const workDir = mkdtempSync(join(resolve(tmpdir()), `kerntop-boot-${process.pid}-`));
  let pending = '';
  const onData = (chunk: string) => {
    rawLog.write(chunk);
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const l of lines) {
      const text = cleanConsole(l).text.trimEnd();
      if (text) progress(text, 'console');
    }
  };
  const setup = since(t0);
  let out: RunnerResult;
  const tBoot = performance.now();
  try {
    progress(`booting with ${runner} (${decision.accel}, ${memory}, ${cpus} CPUs, timeout ${timeout_s} s)`);
    const req = {
      kernel,
      kernelArg: opts.kernel === undefined ? undefined : resolve(opts.kernel),
      arch,
      memory,
      cpus,
      accel: decision.accel,
      append: opts.append,
      exec: opts.exec,
      timeoutMs: timeout_s * 1000,
      signal: hooks.signal,
      onData,
      workDir,
    };
    out = runner === 'vng' ? await runVng(req) : await runQemu(req);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
    await new Promise<void>((r) => rawLog.end(r));
  }
  const boot = since(tBoot);

  const tAnalysis = performance.now();
  const cleaned = cleanConsole(out.output);
  writeFileSync(logPath, cleaned.text, { encoding: 'latin1' });
  const analysis = analyzeLog(cleaned.text);
  const completed = COMPLETED_RE.exec(cleaned.text);
  const errs = setAsideEmulationNoise(analysis.errors, decision.accel);
  const warns = setAsideEmulationNoise(analysis.warnings, decision.accel);
  const emulation_noise = [...errs.noise, ...warns.noise];
  const counts = {
    panics: analysis.counts.panics ?? 0,
    oops: analysis.counts.oops ?? 0,
    errors: Math.max(0, (analysis.counts.errors ?? 0) - errs.noise.length),
    warnings: Math.max(0, (analysis.counts.warnings ?? 0) - warns.noise.length),
  };
  if (emulation_noise.length) {
    notes.push(
      `${emulation_noise.length} line(s) that TCG's uneven timing causes (clock calibration) not counted; see emulation_noise`,
    );
  }
  const has_critical_issues = counts.panics > 0 || counts.oops > 0;
  const boot_completed = completed !== null;
  const exec_rc = completed ? Number(completed[1]) : null;
  if (out.stderr.trim() && out.exitCode !== 0 && !out.timedOut && !out.aborted && !out.stopped) {
    notes.push(`${runner} said: ${out.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  if (out.stopped) notes.push('the VM was stopped after the end of the kernel panic');
  const result: BootTestResult = {
    success: boot_completed && !out.timedOut && !out.aborted && !has_critical_issues && (exec_rc === null || exec_rc === 0),
    duration_s: since(t0),
    boot_completed,
    kernel_version: kernelVersionFromLog(cleaned.text) ?? kernel.version,
    runner,
    accel: decision.accel,
    timeout_occurred: out.timedOut,
    exit_code: out.exitCode,
    counts,
    has_critical_issues,
    analysis,
    emulation_noise,
    log_path: logPath,
    exec_rc,
    cancelled: out.aborted,
    kernel: { image: kernel.image, origin: kernel.origin, arch: arch.name, arch_from: kernel.archFrom },
    settings: { memory, cpus, timeout_s, append: opts.append ?? null, exec: opts.exec ?? null },
    command: out.command,
    console: {
      lines: cleaned.lines,
      escapes_removed: cleaned.escapes_removed,
      dmesg_repeats_dropped: cleaned.dmesg_repeats_dropped,
    },
    timings_s: { setup, accel_probe, boot, analysis: since(tAnalysis) },
    notes,
  };
  hooks.onEvent?.({
    type: 'job.result',
    ts_ms: Date.now(),
    job: JOB_NAME,
    ok: bootTestExitCode(result) === 0 && !result.cancelled,
    summary: summarize(result),
  });
  return result;
}
