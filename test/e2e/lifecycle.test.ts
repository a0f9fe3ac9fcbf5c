// No bpftrace child outlives kerntop, whatever way it ends; a dead child is restarted.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ProbeStatusEvent } from '../../src/events.js';
import { kernelLog, kernelLogSeq, segfaultsSince } from './lib/kernel-log.js';
import { alive, BIN, bpftracePids, descendants, ROOT, startKerntop, type Running } from './lib/kerntop.js';
import { nobodyTreeForFile } from './lib/nobody.js';
import { HAVE_TMUX, TmuxServer } from './lib/tmux.js';
import { isRoot, sleep } from './lib/workloads.js';

const nobodyTree = nobodyTreeForFile();

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

  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
    ['SIGHUP', 129],
  ] as const) {
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
    await r.waitFor<ProbeStatusEvent>(
      (l) => l.type === 'probe.status' && l.state === 'ATTACHED' && r.lines.indexOf(l) > idx,
      15_000,
    );
    const now = bpftracePids(r.child.pid!);
    expect(now.length).toBe(1);
    expect(now[0]).not.toBe(children[0]);
  });

  it('quiet --json matches its schema and the exit code follows the status', async () => {
    const r = startKerntop(['-q', '--json', '--no-kmsg', '--duration', '3', '--probes', 'sched,oom,drops', '--sched-warn', '1']);
    running = r;
    const exit = await r.exited;
    const j = JSON.parse(r.stdout());
    expect(Object.keys(j)).toEqual(
      expect.arrayContaining(['duration_s', 'status', 'subsystems', 'probes', 'histograms', 'findings']),
    );
    expect(j.duration_s).toBeGreaterThan(2);
    for (const s of j.subsystems)
      expect(Object.keys(s)).toEqual(expect.arrayContaining(['name', 'events', 'rate_per_s', 'worst_us', 'p99_us', 'status']));
    for (const p of j.probes) expect(Object.keys(p)).toEqual(expect.arrayContaining(['family', 'state', 'method', 'reason']));
    expect(j.probes.find((p: { family: string }) => p.family === 'sched').state).toBe('ATTACHED');
    expect(Object.keys(j.histograms)).toContain('sched');
    // With a 1 us threshold any run-queue wait warns.
    expect(j.status).not.toBe('OK');
    expect(exit.code).toBe({ OK: 0, WARNING: 1, CRITICAL: 2 }[j.status as 'OK']);
  });

  it('not root: one clear message naming the fix', async (ctx) => {
    const tree = nobodyTree();
    if (tree.skip) ctx.skip(tree.skip);
    let err = '';
    let code = 0;
    try {
      execFileSync(
        'setpriv',
        [
          '--reuid',
          '65534',
          '--regid',
          '65534',
          '--clear-groups',
          '--inh-caps=-all',
          process.execPath,
          tree.bin,
          '-q',
          '--no-kmsg',
          '--duration',
          '2',
        ],
        { cwd: tree.root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
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

  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
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

describe('--record', () => {
  for (const [what, path, message] of [
    [
      'a missing directory',
      '/nonexistent-kerntop-dir/r.jsonl',
      /cannot write the recording \/nonexistent-kerntop-dir\/r\.jsonl: the directory \/nonexistent-kerntop-dir does not exist/,
    ],
    ['a directory', tmpdir(), /is a directory: give a file name/],
    ['a full disk (/dev/full)', '/dev/full', /no space left on the device/],
  ] as const) {
    it(`into ${what}: exit 3 at start with the reason`, async () => {
      const r = startKerntop(['-q', '--json', '--no-kmsg', '--duration', '60', '--record', path]);
      running = r;
      const exit = await r.exited;
      expect(exit.code).toBe(3);
      expect(r.stderr()).toMatch(message);
      // Nothing ran: no summary.
      expect(r.stdout()).toBe('');
    });
  }

  describe.skipIf(!isRoot() || spawnSync('bpftrace', ['--version']).status !== 0)(
    'a disk that fills up during the run (a 16 KiB tmpfs)',
    () => {
      let mnt = '';
      afterEach(async () => {
        // kerntop holds the file open: it goes before the file system does.
        if (running && running.child.exitCode === null && running.child.signalCode === null) {
          running.child.kill('SIGKILL');
          await running.exited;
        }
        if (mnt) spawnSync('umount', [mnt]);
        if (mnt) rmSync(mnt, { recursive: true, force: true });
        mnt = '';
      });
      const mount = () => {
        mnt = mkdtempSync(join(tmpdir(), 'kerntop-full-'));
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', `kerntop-rec-${process.pid}`, mnt]);
        return join(mnt, 'r.jsonl');
      };
      const wholeLines = (path: string) => {
        const text = readFileSync(path, 'utf8');
        expect(text.length).toBeGreaterThan(1000);
        expect(text.endsWith('\n')).toBe(true);
        for (const l of text.split('\n').filter(Boolean)) expect(() => JSON.parse(l)).not.toThrow();
      };

      it('--events: said at once, monitoring goes on, whole lines kept, exit 3', async () => {
        const path = mount();
        const r = startKerntop(['--events', '--no-kmsg', '--probes', 'sched', '--sched-warn', '1', '--record', path]);
        running = r;
        const diag = await r.waitFor<{ type: string; source: string; message: string }>(
          (l) => l.type === 'source.diag' && l.source === 'record',
          30_000,
        );
        expect(diag.message).toMatch(/no space left on the device: .*; the recording stopped, \d+ bytes of whole lines kept/);
        const until = Date.now() + 5000;
        while (!/no space left on the device/.test(r.stderr()) && Date.now() < until) await sleep(50);
        expect(r.stderr()).toMatch(/no space left on the device/);
        expect(r.child.exitCode).toBe(null);
        const at = r.lines.indexOf(diag);
        // Still monitoring: more events after the error.
        await r.waitFor((l) => r.lines.indexOf(l) > at + 5, 15_000);
        process.kill(r.child.pid!, 'SIGINT');
        expect((await r.exited).code).toBe(3);
        wholeLines(path);
      });

      it('-q --json: the write error is a diagnostic, exit 3', async () => {
        const path = mount();
        const r = startKerntop([
          '-q',
          '--json',
          '--no-kmsg',
          '--probes',
          'sched',
          '--sched-warn',
          '1',
          '--duration',
          '4',
          '--record',
          path,
        ]);
        running = r;
        const exit = await r.exited;
        const j = JSON.parse(r.stdout());
        expect(j.diagnostics).toContainEqual({
          source: 'record',
          level: 'error',
          message: expect.stringMatching(/no space left on the device/),
        });
        expect(exit.code).toBe(3);
        wholeLines(path);
      });
    },
  );
});
