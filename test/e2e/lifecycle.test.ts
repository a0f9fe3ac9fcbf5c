// No bpftrace child outlives kerntop, whatever way it ends; a dead child is restarted.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ProbeStatusEvent } from '../../src/events.js';
import { kernelLog, kernelLogSeq, segfaultsSince } from './lib/kernel-log.js';
import { alive, BIN, bpftracePids, descendants, ROOT, startKerntop, type Running } from './lib/kerntop.js';
import { HAVE_TMUX, TmuxServer } from './lib/tmux.js';
import { isRoot, sleep } from './lib/workloads.js';

let running: Running | null = null;
afterEach(async () => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
  running = null;
});

async function attached(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ r: Running; children: number[] }> {
  const r = startKerntop(['--events', '--no-kmsg', '--probes', 'sched,oom', ...args], env);
  running = r;
  await r.waitFor<ProbeStatusEvent>((l) => l.type === 'probe.status' && l.state === 'ATTACHED', 30_000);
  const children = bpftracePids(r.child.pid!);
  expect(children.length).toBe(1);
  return { r, children };
}

async function allGone(pids: number[], withinMs: number): Promise<boolean> {
  const end = Date.now() + withinMs;
  while (Date.now() < end) {
    if (pids.every((p) => !alive(p))) return true;
    await sleep(50);
  }
  return pids.every((p) => !alive(p));
}

describe.skipIf(!isRoot())('lifecycle (root)', () => {
  it('kill -9 of kerntop leaves no bpftrace after 2 s (parent-death signal)', async () => {
    const { r, children } = await attached();
    process.kill(r.child.pid!, 'SIGKILL');
    await r.exited;
    expect(await allGone(children, 2000)).toBe(true);
  });

  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]] as const) {
    it(`${signal} stops kerntop and its bpftrace`, async () => {
      const { r, children } = await attached();
      process.kill(r.child.pid!, signal);
      const exit = await r.exited;
      expect(exit.code).toBe(code);
      expect(await allGone(children, 2000)).toBe(true);
    });
  }

  it('an uncaught error still kills the children and says why', async () => {
    const { r, children } = await attached([], { KERNTOP_CRASH_AFTER_MS: '1500' });
    const exit = await r.exited;
    expect(exit.code).toBe(3);
    expect(r.stderr()).toMatch(/crash requested/);
    expect(await allGone(children, 2000)).toBe(true);
  });

  it('a killed bpftrace child is reported FAILED with the reason, then restarts', async () => {
    const { r, children } = await attached();
    process.kill(children[0], 'SIGKILL');
    const failed = await r.waitFor<ProbeStatusEvent>((l) => l.type === 'probe.status' && l.state === 'FAILED', 5000);
    expect(failed.reason).toMatch(/killed by SIGKILL; restarting in 1 s/);
    const idx = r.lines.indexOf(failed);
    await r.waitFor<ProbeStatusEvent>((l) => l.type === 'probe.status' && l.state === 'ATTACHED' && r.lines.indexOf(l) > idx, 15_000);
    const now = bpftracePids(r.child.pid!);
    expect(now.length).toBe(1);
    expect(now[0]).not.toBe(children[0]);
  });

  it('quiet --json matches its schema and the exit code follows the status', async () => {
    const r = startKerntop(['-q', '--json', '--no-kmsg', '--duration', '3', '--probes', 'sched,oom,drops', '--sched-warn', '1']);
    running = r;
    const exit = await r.exited;
    const j = JSON.parse(r.stdout());
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['duration_s', 'status', 'subsystems', 'probes', 'histograms', 'findings']));
    expect(j.duration_s).toBeGreaterThan(2);
    for (const s of j.subsystems) expect(Object.keys(s)).toEqual(expect.arrayContaining(['name', 'events', 'rate_per_s', 'worst_us', 'p99_us', 'status']));
    for (const p of j.probes) expect(Object.keys(p)).toEqual(expect.arrayContaining(['family', 'state', 'method', 'reason']));
    expect(j.probes.find((p: { family: string }) => p.family === 'sched').state).toBe('ATTACHED');
    expect(Object.keys(j.histograms)).toContain('sched');
    // With a 1 us threshold any run-queue wait warns.
    expect(j.status).not.toBe('OK');
    expect(exit.code).toBe({ OK: 0, WARNING: 1, CRITICAL: 2 }[j.status as 'OK']);
  });

  it('not root: one clear message naming the fix', async () => {
    let err = '';
    let code = 0;
    try {
      execFileSync('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', '--inh-caps=-all', process.execPath, 'bin/kerntop', '-q', '--no-kmsg', '--duration', '2'], { cwd: new URL('../..', import.meta.url).pathname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      err = String((e as { stderr: string }).stderr);
      code = (e as { status: number }).status;
    }
    expect(err).toMatch(/not privileged for eBPF: run kerntop as root \(sudo kerntop\)/);
    expect(err).toMatch(/nothing to run/);
    expect(code).toBe(3);
  }, 30_000);
});

describe('missing bpftrace', () => {
  it('names the cause and the fix', async () => {
    const r = startKerntop(['-q', '--no-kmsg', '--duration', '1'], { KERNTOP_BPFTRACE: '/nonexistent/bpftrace' });
    running = r;
    const exit = await r.exited;
    expect(r.stderr()).toMatch(/bpftrace is not installed: install it \(Debian\/Ubuntu: apt-get install bpftrace/);
    expect(exit.code).toBe(3);
  });
});

describe.skipIf(!HAVE_TMUX)('the terminal hangs up (tmux kill-session)', () => {
  const server = new TmuxServer(`kerntop-hup-${process.pid}`, ROOT);
  const dir = mkdtempSync(join(tmpdir(), 'kerntop-hup-'));
  afterAll(() => {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  const wrapper = join(ROOT, 'test', 'e2e', 'lib', 'exit-status.mjs');

  /** kerntop in a tmux window until `ready` shows; then the session is killed. How did it end? */
  async function hangUp(name: string, args: string, ready: RegExp) {
    const w = server.window(120, 40);
    const out = join(dir, name);
    w.run(`env NODE_ENV=production node ${wrapper} ${out} ${process.execPath} ${BIN} ${args}`);
    await w.waitFor((s) => ready.test(s), 'the live screen', 30_000);
    const pid = Number(readFileSync(`${out}.pid`, 'utf8'));
    const children = descendants(pid);
    const seq = kernelLogSeq();
    w.kill();
    const until = Date.now() + 10_000;
    while (!existsSync(out) && Date.now() < until) await sleep(50);
    expect(existsSync(out), 'kerntop still running 10 s after the hangup').toBe(true);
    return { exit: JSON.parse(readFileSync(out, 'utf8')) as { code: number | null; signal: string | null }, pid, children, seq };
  }

  function expectNoSegfault(seq: number, pid: number) {
    // Without a readable kernel log the exit status above still tells a crash (signal SIGSEGV).
    if (kernelLog() === null) return;
    expect(segfaultsSince(seq, pid)).toEqual([]);
  }

  it('a replay exits 129 (SIGHUP), without a crash in the kernel log', async () => {
    const { exit, pid, seq } = await hangUp('replay', '--replay fixtures/sessions/busy-host.jsonl --speed 1', /Subsystems/);
    expect(exit).toEqual({ code: 129, signal: null });
    expectNoSegfault(seq, pid);
  });

  const haveBpftrace = spawnSync('bpftrace', ['--version']).status === 0;
  it.skipIf(!isRoot() || !haveBpftrace)('the live monitor exits 129 and no bpftrace outlives it', async () => {
    const { exit, pid, children, seq } = await hangUp('live', '--no-kmsg --probes sched,oom', /ATTACHED/);
    expect(exit).toEqual({ code: 129, signal: null });
    expect(children.length).toBeGreaterThan(0);
    expect(await allGone(children, 2000)).toBe(true);
    expectNoSegfault(seq, pid);
  });
});

/** Whether process pid has path open. */
function opened(pid: number, path: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === path;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

describe('a replay of a FIFO', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kerntop-fifo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`with no writer yet ends on ${signal}`, async () => {
      const fifo = join(dir, `${signal}.fifo`);
      execFileSync('mkfifo', [fifo]);
      const r = startKerntop(['--replay', fifo, '--events']);
      running = r;
      // kerntop has the FIFO open and waits for a writer.
      const until = Date.now() + 20_000;
      while (!opened(r.child.pid!, fifo) && Date.now() < until) await sleep(50);
      expect(opened(r.child.pid!, fifo)).toBe(true);
      await sleep(300);
      process.kill(r.child.pid!, signal);
      const exit = await Promise.race([r.exited, sleep(5000).then(() => null)]);
      expect(exit, `kerntop ignored ${signal}`).toEqual({ code, signal: null });
    });
  }

  it('is replayed once its writer comes', async () => {
    const fifo = join(dir, 'writer.fifo');
    execFileSync('mkfifo', [fifo]);
    const r = startKerntop(['--replay', fifo, '-q', '--json', '--speed', '0']);
    running = r;
    await sleep(500);
    execFileSync('sh', ['-c', `cat fixtures/sessions/busy-host.jsonl > ${fifo}`], { cwd: ROOT });
    const exit = await r.exited;
    expect(JSON.parse(r.stdout()).status).toBe('CRITICAL');
    expect(exit.code).toBe(2);
  });
});
