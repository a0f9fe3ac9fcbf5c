// The interactive UI in a real terminal: tmux runs kerntop in a window of a given size, keys are sent
// as a person types them, and the pane is captured as a person would see it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_TMUX, TmuxServer, type TmuxWindow } from './lib/tmux.js';

const ROOT = process.cwd();
const RECORDING = 'fixtures/sessions/busy-host.jsonl';
const server = new TmuxServer(`kerntop-e2e-${process.pid}`, ROOT);
/** The whole recording has been replayed: the OOM kill is in and sched has its final count. */
const READY = (s: string) => /oom\s.*CRITICAL/.test(s) && /sched\s+268k/.test(s);
let dir: string;
type Window = TmuxWindow;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const open = (columns: number, rows: number, env?: Record<string, string | undefined>): Window =>
  server.window(columns, rows, env);

/** kerntop started from the source tree (no build needed), its pid written to a file. */
function kerntop(w: Window, args: string, pidFile: string, envPrefix = '') {
  w.run(
    `sh -c 'echo $$ > ${pidFile}; exec env NODE_ENV=production ${envPrefix} node --import tsx src/cli/main.ts ${args}'; echo "rc=$?"`,
  );
}

/** The shell prompt is back, kerntop's frame is gone, and the tty is cooked again (icanon, echo). */
async function expectShellBack(w: Window) {
  const s = await w.waitFor(
    (s) => /rc=\d+\s*\n\s*ktprompt\$\s*$/.test(s.trimEnd() + '\n'.repeat(0)) || /rc=\d+\n.*ktprompt\$ *$/m.test(s),
    'the prompt after exit',
  );
  expect(s).not.toMatch(/Subsystems|Kernel log|q quit/);
  w.run('stty -a | tr " " "\\n" | grep -xE -- "-?(icanon|echo)" | tr "\\n" " "; echo');
  const tty = await w.waitFor((s) => /(-?icanon|-?echo) (-?icanon|-?echo) *\n/.test(s), 'stty output');
  expect(tty).toMatch(/(^|\s)icanon/);
  expect(tty).toMatch(/(^|\s)echo(\s|$)/);
  expect(tty).not.toMatch(/-icanon|-echo(\s|$)/);
  return s;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kerntop-tui-'));
});

afterEach(() => server.closeWindows());

afterAll(() => {
  server.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!HAVE_TMUX)('kerntop --replay in tmux', () => {
  it('120x40: two columns; Tab, help, filter and q, then a clean prompt', async () => {
    const w = open(120, 40);
    kerntop(w, `--replay ${RECORDING} --speed 0`, join(dir, 'a.pid'));
    let s = await w.waitFor(READY, 'the whole recording on screen');
    const lines = w.lines();
    expect(lines[0]).toMatch(/^kerntop\s+vm\s+6\.18\.44-fc-v657/);
    expect(lines[0]).toContain('CRITICAL');
    expect(lines.filter((l) => l.includes('│')).length).toBeGreaterThan(30);
    expect(s).toMatch(/─ Subsystems .*│> Events/);
    expect(s).toMatch(/sched\s+268k/);

    w.keys('Tab');
    s = await w.waitFor((s) => /│> Kernel log/.test(s), 'focus on the kernel log');
    expect(s).not.toMatch(/│> Events/);

    w.type('?');
    s = await w.waitFor((s) => s.includes('> Help'), 'the help modal');
    expect(s).toContain('pause the view');
    w.keys('Escape');
    await w.waitFor((s) => !s.includes('> Help') && s.includes('Subsystems'), 'help closed');

    w.type('/oom');
    w.keys('Enter');
    s = await w.waitFor((s) => s.includes('filter: oom'), 'the filter');
    const events = w
      .lines()
      .map((l) => l.split('│')[1] ?? '')
      .filter((l) => /^\d\d:\d\d:\d\d (CRIT|WARN|info)/.test(l));
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e).toMatch(/oom/i);

    w.type('q');
    await expectShellBack(w);
  });

  it('70x20: compact stacked layout, nothing wraps; then a live resize to 130x40', async () => {
    const w = open(70, 20);
    kerntop(w, `--replay ${RECORDING} --speed 0`, join(dir, 'b.pid'));
    await w.waitFor(READY, 'the whole recording on screen');
    const lines = w.lines();
    expect(lines[0]).toMatch(/^kerntop /);
    expect(lines.filter((l) => l.includes('│'))).toEqual([]);
    // Each title once, each on a line of its own: wrapped lines would repeat or split them.
    const titles = lines.filter((l) => /^[─>] \S/.test(l)).map((l) => l.slice(2).split('  ')[0].trim());
    expect(titles).toEqual(['Subsystems', 'Latency', 'Events']);
    const header = lines.find((l) => l.startsWith('SUBSYSTEM'))!;
    expect(header).toMatch(/^SUBSYSTEM .* STATUS\s*$/);
    expect(header.trimEnd().length).toBeLessThanOrEqual(70);
    expect(lines[18]).toMatch(/^q quit/);
    expect(lines.slice(19).join('').trim()).toBe('');
    expect(lines.join('\n')).toMatch(/oom\s.*CRITICAL/);

    w.resize(130, 40);
    const s = await w.waitFor((s) => s.split('\n').filter((l) => l.includes('│')).length > 30, 'two columns after the resize');
    expect(s.split('\n').filter((l) => l.startsWith('kerntop ')).length).toBe(1);
    expect(s).toMatch(/─ Subsystems .*│> Events/);
    w.resize(70, 20);
    const back = await w.waitFor((s) => !s.includes('│') && s.includes('Subsystems'), 'stacked again');
    expect(back.split('\n').filter((l) => l.startsWith('kerntop ')).length).toBe(1);
    w.keys('C-c');
    await expectShellBack(w);
  });

  it('--pane events fills the terminal with the events pane', async () => {
    const w = open(90, 25);
    kerntop(w, `--replay ${RECORDING} --speed 0 --pane events`, join(dir, 'c.pid'));
    // 25 rows: header, title, 21 event lines, footer, the free last row.
    await w.waitFor(
      (s) => s.split('\n').filter((l) => /^\d\d:\d\d:\d\d (CRIT|WARN|info) /.test(l)).length >= 21,
      'a full events pane',
    );
    const lines = w.lines();
    expect(lines.filter((l) => /^[─>] \S/.test(l)).length).toBe(1);
    expect(lines.filter((l) => /Subsystems|Latency|Kernel log|Probes/.test(l))).toEqual([]);
    w.type('q');
    await expectShellBack(w);
  });

  it('SIGTERM gives the terminal back', async () => {
    const w = open(100, 30);
    const pidFile = join(dir, 'd.pid');
    kerntop(w, `--replay ${RECORDING} --speed 1`, pidFile);
    await w.waitFor((s) => s.includes('Subsystems'), 'the first frame');
    process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGTERM');
    await expectShellBack(w);
  });

  it('a crash while the UI is up leaves the stack trace on a restored screen', async () => {
    const w = open(100, 30);
    // The fixture mounts the UI directly, without the monitor command that hides CI from Ink.
    w.run(`env -u CI -u CONTINUOUS_INTEGRATION node --import tsx test/e2e/tui-crash.fixture.ts; echo "rc=$?"`);
    await w.waitFor((s) => s.includes('Subsystems'), 'the first frame');
    const s = await expectShellBack(w);
    expect(s).toContain('Error: deliberate crash while the UI is up');
    expect(s).toMatch(/rc=1/);
  });

  it('NO_COLOR removes every colour; the default has colours', async () => {
    const sgrColour = /\u001B\[[0-9;]*\b(3[0-7]|9[0-7]|38;[25])[;m]/;
    const w = open(100, 30);
    kerntop(w, `--replay ${RECORDING} --speed 0`, join(dir, 'e.pid'), 'NO_COLOR=1');
    await w.waitFor(READY, 'the whole recording on screen');
    expect(w.capture(true)).not.toMatch(sgrColour);
    w.type('q');
    await expectShellBack(w);
    const c = open(100, 30);
    kerntop(c, `--replay ${RECORDING} --speed 0`, join(dir, 'f.pid'));
    await c.waitFor(READY, 'the whole recording on screen');
    expect(c.capture(true)).toMatch(sgrColour);
    c.type('q');
    await expectShellBack(c);
  });

  it('inside tmux without a UTF-8 locale (a bare docker exec shell) it draws in ASCII', async () => {
    const w = open(100, 30, { LANG: undefined, LC_ALL: undefined, LC_CTYPE: undefined, TERM: 'tmux-256color' });
    kerntop(w, `--replay ${RECORDING} --speed 0`, join(dir, 'g.pid'));
    const s = await w.waitFor(READY, 'the whole recording on screen');
    expect(s).toMatch(/^- Subsystems /m);
    expect(s).not.toMatch(/[─│█▏◀…]/);
    expect(s).not.toContain('_____');
    w.type('q');
    await expectShellBack(w);
  });

  it('without a terminal it refuses with a hint', () => {
    const r = spawnSync('node', ['--import', 'tsx', 'src/cli/main.ts', '--replay', RECORDING], {
      cwd: ROOT,
      encoding: 'utf8',
      input: '',
    });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/-q/);
    expect(r.stderr).toMatch(/--events/);
  });
});

describe.skipIf(!HAVE_TMUX)('kerntop live in tmux, as root', () => {
  const isRoot = process.geteuid?.() === 0;
  const haveBpftrace = spawnSync('bpftrace', ['--version']).status === 0;
  it.skipIf(!isRoot || !haveBpftrace)('10 s with real probes, then q stops every child', async () => {
    const w = open(120, 40);
    const pidFile = join(dir, 'live.pid');
    kerntop(w, '', pidFile);
    await w.waitFor((s) => /ATTACHED/.test(s), 'a probe attached', 30_000);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const children = execFileSync('sh', ['-c', `pgrep -P ${pid} || true`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
    expect(children.length).toBeGreaterThan(0);
    // Some CPU contention so the run-queue latency family has something to show.
    const busy = execFileSync('sh', ['-c', 'for i in 1 2 3 4; do (timeout 6 sh -c "while :; do :; done" &) ; done; echo ok'], {
      encoding: 'utf8',
    });
    expect(busy.trim()).toBe('ok');
    await sleep(10_000);
    const s = w.capture();
    expect(s.split('\n')[0]).toMatch(/^kerntop /);
    expect(s).toMatch(/^sched\s+\S+/m);
    expect(s).toMatch(/Probes\s+\d+\/\d+ attached/);
    w.type('q');
    await expectShellBack(w);
    // A child is gone when its /proc entry is, or when it is a zombie nobody waits for yet (tsx's
    // esbuild helper ends that way once node has exited).
    const running = (p: number) => {
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${p}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    const until = Date.now() + 5000;
    while (children.some(running) && Date.now() < until) await sleep(100);
    for (const c of children) expect(running(c), `child ${c} outlived kerntop`).toBe(false);
    expect(running(pid)).toBe(false);
  });
});
