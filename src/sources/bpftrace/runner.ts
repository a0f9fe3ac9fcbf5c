import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProbeFamily, ProbeState, Thresholds } from '../../events.js';
import { pdeathsigPrefix, trackChild } from '../../lifecycle.js';
import type { Emit, EventSource } from '../source.js';
import { OutputAssembler } from './assembler.js';
import type { ProbeDecision } from './capability.js';
import type { Strategy } from './catalog.js';
import { blame, bpftraceArgv, compose, type Composed } from './compose.js';
import type { DecodeContext } from './decoders.js';
import { LineSplitter } from './parser.js';

export interface BpftraceSourceOptions {
  bpftrace: string;
  decisions: ProbeDecision[];
  thresholds: Thresholds;
  ctx: DecodeContext;
  /** Most one-by-one events per family per second; more are only counted. */
  events_per_s?: number;
  /** Restart delays after a child dies: doubles from min to max, reset after a stable minute. */
  backoff_min_ms?: number;
  backoff_max_ms?: number;
  now?: () => number;
}

/** bpftrace prints this on every run where it cannot raise RLIMIT_MEMLOCK; since 5.11 BPF memory is memcg-charged, so it is harmless. */
const MEMLOCK_NOISE = /couldn't set RLIMIT_MEMLOCK/;

interface Active {
  strategy: Strategy;
  fallbacks: Strategy[];
}

const NO_MESSAGE = 'bpftrace exited without a message';

/** The interval prints TICK every second: two missed ticks (plus slack for a late one) mean the child is stalled. */
export const STALL_AFTER_MS = 2500;
const WATCHDOG_MS = 250;

/** Why a child that stopped printing is silent, from its /proc state (T: stopped by a signal). */
function stallCause(pid: number | undefined): string {
  let state = '?';
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    state = stat.slice(stat.lastIndexOf(')') + 2)[0];
  } catch {
    // gone meanwhile: its exit is reported on its own
  }
  if (state === 'T') return 'it is stopped (SIGSTOP or job control); SIGCONT resumes it';
  if (state === 't') return 'it is stopped by a debugger or tracer';
  if (state === 'D') return 'it is blocked in the kernel (uninterruptible wait)';
  return `it is running (state ${state}) but its output does not arrive (starved of CPU?)`;
}

/** Thread ids of this process, so its own wakeups are left out from the first second. */
function ownThreads(): number[] {
  try {
    return readdirSync('/proc/self/task')
      .map(Number)
      .filter((n) => n > 0);
  } catch {
    return [process.pid];
  }
}

type TrialResult = { kind: 'attached' } | { kind: 'failed'; reason: string } | { kind: 'killed'; signal: string };

/** First meaningful error lines of a bpftrace stderr, for a status reason. */
export function errorSummary(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() && !MEMLOCK_NOISE.test(l) && !/^\s*~+\s*$/.test(l));
  const errs = lines.filter((l) => /ERROR|error|FATAL/.test(l));
  const pick = (errs.length ? errs : lines).slice(0, 2).map((l) => l.replace(/^.*?\.bt:[\d:-]+:\s*/, '').trim());
  return pick.join('; ') || NO_MESSAGE;
}

/**
 * All selected probe families in one bpftrace child. A family whose probes fail to attach is blamed
 * from bpftrace's error, moved to its next strategy or marked FAILED, and the rest restart without it.
 * A child that dies later is restarted with backoff while every family shows why.
 */
export class BpftraceSource implements EventSource {
  readonly name = 'bpftrace';
  private emit: Emit = () => {};
  private active = new Map<ProbeFamily, Active>();
  private child: ChildProcess | null = null;
  private dir: string | null = null;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private backoffMs: number;
  private exited: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly opts: BpftraceSourceOptions) {
    this.backoffMs = opts.backoff_min_ms ?? 1000;
    this.now = opts.now ?? Date.now;
  }

  /** The bpftrace child's pid, for tests. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(emit: Emit): Promise<void> {
    this.emit = emit;
    for (const d of this.opts.decisions) {
      if (d.attach && d.strategy) this.active.set(d.family, { strategy: d.strategy, fallbacks: [...d.fallbacks] });
      else this.status(d.family, 'SKIPPED', d.method, d.reason);
    }
    this.dir = mkdtempSync(join(tmpdir(), 'kerntop-bpf-'));
    this.launch();
  }

  private status(family: ProbeFamily, state: ProbeState, method?: string, reason?: string): void {
    this.emit({
      type: 'probe.status',
      ts_ms: this.now(),
      family,
      state,
      ...(method ? { method } : {}),
      ...(reason ? { reason } : {}),
    });
  }

  private launch(): void {
    if (this.stopping || this.active.size === 0) return;
    const chosen = [...this.active].map(([family, a]) => ({ family, strategy: a.strategy }));
    let composed: Composed;
    try {
      composed = compose(chosen, {
        thresholds: this.opts.thresholds,
        events_per_s: this.opts.events_per_s ?? 50,
        kerntop_pid: process.pid,
        kerntop_tids: ownThreads(),
      });
    } catch (err) {
      for (const { family, strategy } of chosen)
        this.status(family, 'FAILED', strategy.method, `cannot build the bpftrace program: ${(err as Error).message}`);
      this.active.clear();
      return;
    }
    const file = join(this.dir!, 'kerntop.bt');
    writeFileSync(file, composed.program, { mode: 0o600 });
    for (const { family, strategy } of chosen) this.status(family, 'STARTING', strategy.method);

    const argv = [...pdeathsigPrefix(), ...bpftraceArgv(this.opts.bpftrace, file)];
    // Own process group: the terminal's Ctrl+C reaches kerntop only, which then stops bpftrace in order.
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    trackChild(child);
    const families = chosen.map((c) => c.family);
    const assembler = new OutputAssembler(families, this.opts.ctx, this.now, composed.totals);
    const splitter = new LineSplitter();
    let ready = false;
    let readyAt = 0;
    let confirmed = false;
    let stderr = '';
    // Stall watchdog: ticks stop when the child is stopped (SIGSTOP), blocked or starved.
    let lastTickAt = 0;
    let lastCheckAt = 0;
    let stalledSince: number | null = null;
    let watchdog: NodeJS.Timeout | null = null;
    const checkStall = () => {
      const now = this.now();
      // kerntop itself was not scheduled (a long GC, a stopped kerntop): the child's output may be
      // waiting in the pipe, so judge it at the next check rather than now.
      const late = now - lastCheckAt > 4 * WATCHDOG_MS;
      lastCheckAt = now;
      if (late || stalledSince !== null || relaunch || this.child !== child || now - lastTickAt < STALL_AFTER_MS) return;
      stalledSince = lastTickAt;
      const reason = `no tick from bpftrace (pid ${child.pid}) for ${((now - lastTickAt) / 1000).toFixed(1)} s: ${stallCause(child.pid)}`;
      this.emit({ type: 'source.diag', ts_ms: now, source: 'bpftrace', level: 'warning', message: reason });
      for (const { family, strategy } of chosen) this.status(family, 'STALLED', strategy.method, reason);
    };
    const ticked = () => {
      const now = this.now();
      lastTickAt = now;
      if (stalledSince === null) return;
      const silent = ((now - stalledSince) / 1000).toFixed(1);
      stalledSince = null;
      this.emit({
        type: 'source.diag',
        ts_ms: now,
        source: 'bpftrace',
        level: 'info',
        message: `bpftrace (pid ${child.pid}) reports again after ${silent} s without a tick`,
      });
      if (confirmed && !relaunch) for (const { family, strategy } of chosen) this.status(family, 'ATTACHED', strategy.method);
    };

    let relaunch = false;
    // bpftrace 0.17 skips a probe of a multi-probe block that cannot attach ("could not attach probe
    // kprobe:vfs_read, skipping.") and runs on without it. A family with a skipped probe is not really
    // attached: it is demoted like any attach failure, and the child restarts without it. The warning
    // and READY arrive on different pipes, so READY is confirmed only after a short settle.
    const skippedProbes = () => [...stderr.matchAll(/could not attach probe (\S+?),? skipping/g)].map((m) => m[1]);
    const confirm = () => {
      if (this.child !== child || relaunch) return;
      const skipped = skippedProbes();
      const blamed = new Set(skipped.map((probe) => blame(probe, composed)).filter((f): f is ProbeFamily => f !== null));
      if (blamed.size === 0) {
        confirmed = true;
        // A stall noticed before this confirmation stands until the ticks resume.
        if (stalledSince === null) for (const { family, strategy } of chosen) this.status(family, 'ATTACHED', strategy.method);
        return;
      }
      relaunch = true;
      for (const family of blamed)
        this.demote(
          family,
          `could not attach ${skipped.filter((p) => blame(p, composed) === family).join(', ')}: ${errorSummary(stderr)}`,
        );
      try {
        process.kill(-child.pid!, 'SIGINT');
      } catch {
        child.kill('SIGINT');
      }
    };
    const onLine = (line: string) => {
      const r = assembler.feed(line);
      if (r.ready && !ready) {
        ready = true;
        readyAt = lastTickAt = lastCheckAt = this.now();
        setTimeout(confirm, 250);
        watchdog = setInterval(checkStall, WATCHDOG_MS);
      }
      if (r.tick) ticked();
      if (r.malformed) {
        this.emit({ type: 'parse.error', ts_ms: this.now(), source: 'bpftrace', count: 1, sample: r.malformed.slice(0, 200) });
      }
      for (const ev of r.events) this.emit(ev);
    };
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      for (const l of splitter.push(chunk)) onLine(l);
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      // Bounded: only the start of stderr matters for a reason.
      if (stderr.length < 16_384) stderr += chunk;
      if (MEMLOCK_NOISE.test(chunk))
        this.emit({
          type: 'source.diag',
          ts_ms: this.now(),
          source: 'bpftrace',
          level: 'info',
          message:
            'bpftrace could not raise RLIMIT_MEMLOCK (harmless on kernels >= 5.11, where BPF memory is charged to the memory cgroup)',
        });
    });
    child.on('error', (err) => {
      stderr += `\nERROR: ${err.message}`;
    });
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        for (const l of splitter.end()) onLine(l);
        if (watchdog) clearInterval(watchdog);
        if (this.child === child) this.child = null;
        resolve();
        if (this.stopping) return;
        if (relaunch) {
          this.launch();
          return;
        }
        const said = errorSummary(stderr);
        if (!ready && !signal) {
          this.attachFailed(composed, said, `${code}`);
          return;
        }
        // A death by a signal (kill -9, the OOM killer, a crash) is the child's, not one family's:
        // even during start-up it blames nobody, and every family restarts with backoff.
        if (ready && this.now() - readyAt > 60_000) this.backoffMs = this.opts.backoff_min_ms ?? 1000;
        const how = `${signal ? `killed by ${signal}` : `exited with code ${code}`}${ready ? '' : ' during start-up'}`;
        this.childDied(`bpftrace ${how}${said === NO_MESSAGE ? '' : `: ${said}`}`);
      });
    });
  }

  /** Every active family FAILED with the reason and a restart after the current backoff. */
  private childDied(reason: string): void {
    for (const [family, a] of this.active)
      this.status(family, 'FAILED', a.strategy.method, `${reason}; restarting in ${Math.round(this.backoffMs / 1000)} s`);
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.opts.backoff_max_ms ?? 30_000, this.backoffMs * 2);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.launch();
    }, delay);
  }

  /** Moves a family to its next strategy, or drops it as FAILED with bpftrace's reason. */
  private demote(family: ProbeFamily, reason: string): void {
    const a = this.active.get(family);
    if (!a) return;
    const next = a.fallbacks.shift();
    if (next) {
      this.emit({
        type: 'source.diag',
        ts_ms: this.now(),
        source: family,
        level: 'warning',
        message: `${family}: ${a.strategy.method} (${a.strategy.script}) failed (${reason}); trying ${next.method} (${next.script})`,
      });
      a.strategy = next;
    } else {
      this.active.delete(family);
      this.status(family, 'FAILED', a.strategy.method, reason);
    }
  }

  private attachFailed(composed: Composed, reason: string, how: string): void {
    const family = blame(reason, composed) ?? (this.active.size === 1 ? [...this.active.keys()][0] : null);
    if (family) {
      this.demote(family, reason);
      this.launch();
      return;
    }
    // Not attributable: find the culprits by starting each family alone.
    void this.isolate(reason, how);
  }

  private async isolate(reason: string, how: string): Promise<void> {
    const failed: ProbeFamily[] = [];
    for (const [family, a] of [...this.active]) {
      if (this.stopping) return;
      const trial = await this.trial(family, a.strategy);
      if (trial.kind === 'killed') {
        // Killed from outside while tried alone: that says nothing about the family.
        this.childDied(`bpftrace killed by ${trial.signal} during start-up`);
        return;
      }
      if (trial.kind === 'failed') {
        failed.push(family);
        this.demote(family, trial.reason);
      }
    }
    if (failed.length === 0) {
      // Each family starts alone but not together: report it on all and retry later.
      for (const [family, a] of this.active)
        this.status(family, 'FAILED', a.strategy.method, `bpftrace failed (${how}): ${reason}; retrying`);
      this.scheduleRestart();
      return;
    }
    this.launch();
  }

  /** Starts one family alone until READY or exit: attached, failed with bpftrace's error, or killed from outside. */
  private trial(family: ProbeFamily, strategy: Strategy): Promise<TrialResult> {
    const composed = compose([{ family, strategy }], {
      thresholds: this.opts.thresholds,
      events_per_s: 1,
      kerntop_pid: process.pid,
      kerntop_tids: ownThreads(),
    });
    const file = join(this.dir!, `trial-${family}.bt`);
    writeFileSync(file, composed.program, { mode: 0o600 });
    const argv = [...pdeathsigPrefix(), ...bpftraceArgv(this.opts.bpftrace, file)];
    return new Promise((resolve) => {
      const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      trackChild(child);
      let err = '';
      let out = '';
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, 15_000);
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('READY')) child.kill('SIGKILL');
      });
      child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
      child.once('close', (_code, signal) => {
        clearTimeout(timer);
        if (out.includes('READY')) resolve({ kind: 'attached' });
        else if (timedOut)
          resolve({
            kind: 'failed',
            reason: `bpftrace did not start ${family} within 15 s${err.trim() ? `: ${errorSummary(err)}` : ''}`,
          });
        else if (signal) resolve({ kind: 'killed', signal });
        else resolve({ kind: 'failed', reason: errorSummary(err) });
      });
      child.once('error', (e) => resolve({ kind: 'failed', reason: e.message }));
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      // SIGINT lets bpftrace detach cleanly (END clears the maps, so nothing more is printed).
      try {
        process.kill(-child.pid, 'SIGINT');
      } catch {
        child.kill('SIGINT');
      }
      const killer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }, 1500);
      await this.exited;
      clearTimeout(killer);
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}
