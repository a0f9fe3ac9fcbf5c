import { readFileSync } from 'node:fs';
import React from 'react';
import stringWidth from 'string-width';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobProgressEvent, JobResultEvent } from '../../src/events.js';
import type { BootTestOptions } from '../../src/jobs/boot-test/job.js';
import type { BootTestResult } from '../../src/jobs/boot-test/result.js';
import { createStore } from '../../src/store/index.js';
import { App } from '../../src/ui/App.js';
import { BootTestModal, type BootTestRunner } from '../../src/ui/modals/boot-test/BootTest.js';
import { jobsSettled } from '../../src/jobs/registry.js';
import { formKey, formOptions, initialForm } from '../../src/ui/modals/boot-test/form.js';
import { wrapCells } from '../../src/ui/labelled-rows.js';
import { MODALS } from '../../src/ui/modals/registry.js';
import { takeSnapshot } from '../../src/ui/snapshot.js';
import { makeTheme, ThemeContext } from '../../src/ui/theme.js';
import { KEYS, renderAt, type Rendered } from './ui-render.js';

// The boot-test window driven by recorded runs of the real job (fixtures/ui-modals: Debian's cloud
// kernel under QEMU TCG, a clean boot and a sysrq-c panic) replayed through an injected job function.

type Recorded = { events: (JobProgressEvent | JobResultEvent)[]; result: BootTestResult };
const load = (name: string): Recorded => JSON.parse(readFileSync(`fixtures/ui-modals/${name}.json`, 'utf8'));
const CLEAN = load('boot-test-clean');
const PANIC = load('boot-test-panic');

interface FakeRun {
  opts: BootTestOptions[];
  signals: AbortSignal[];
  /** Lets a held run finish with its recorded result. */
  release(): void;
}

/**
 * Replays a recording: the first `upTo` events at once, then (when `hold`) waits until released or
 * aborted. Aborted, it answers as the real job does: a result with cancelled: true.
 */
function replaying(rec: Recorded, upTo = Infinity, hold = false): { runner: BootTestRunner; fake: FakeRun } {
  let release = () => {};
  const fake: FakeRun = { opts: [], signals: [], release: () => release() };
  const runner: BootTestRunner = async (opts, hooks) => {
    fake.opts.push(opts);
    if (hooks.signal) fake.signals.push(hooks.signal);
    const progress = rec.events.filter((e) => e.type === 'job.progress');
    for (const e of progress.slice(0, upTo)) hooks.onEvent?.(e);
    if (hold) {
      const aborted = await new Promise<boolean>((resolve) => {
        release = () => resolve(false);
        hooks.signal?.addEventListener('abort', () => resolve(true));
      });
      if (aborted) return { ...rec.result, cancelled: true, success: false, boot_completed: false };
    }
    for (const e of progress.slice(upTo)) hooks.onEvent?.(e);
    hooks.onEvent?.(rec.events[rec.events.length - 1]);
    return rec.result;
  };
  return { runner, fake };
}

let current: Rendered | null = null;
afterEach(() => {
  current?.unmount();
  current = null;
});

function renderModal(runJob: BootTestRunner, columns = 100, rows = 24, store = createStore()): Rendered {
  current = renderAt(
    <ThemeContext.Provider value={makeTheme({ color: false, unicode: true })}>
      <BootTestModal
        store={store}
        snapshot={takeSnapshot(store.state)}
        width={columns}
        height={rows - 1}
        close={() => {}}
        runJob={runJob}
      />
    </ThemeContext.Provider>,
    columns,
    rows,
  );
  return current;
}

function expectFits(r: Rendered, columns: number, rows: number) {
  const lines = r.lines();
  expect(lines.length).toBeLessThanOrEqual(rows - 1);
  for (const l of lines) expect(stringWidth(l), `wider than ${columns}: ${JSON.stringify(l)}`).toBeLessThanOrEqual(columns);
}

const K = '/var/cache/kerntop/kernels/6.1.0-56-cloud-amd64/vmlinuz-6.1.0-56-cloud-amd64';

describe('the form', () => {
  it('pure key flow: moves, edits, toggles, and Enter makes the job options', () => {
    const key = (over: Partial<Parameters<typeof formKey>[2]> = {}) => ({ ...NO_KEY, ...over });
    let s = { form: initialForm(), focus: 0, error: null as string | null };
    const apply = (input: string, k = key()) => {
      const a = formKey(s, input, k);
      if (a.kind === 'edit') s = a.state;
      return a;
    };
    expect(apply('', key({ return: true }))).toMatchObject({
      kind: 'edit',
      state: { error: 'type a kernel path, or turn on Host kernel (Space)' },
    });
    apply('/boot/x');
    apply('', key({ backspace: true }));
    expect(s.form.kernel).toBe('/boot/');
    expect(s.error).toBeNull();
    apply('', key({ tab: true, shift: true }));
    expect(s.focus).toBe(4);
    apply('', key({ downArrow: true }));
    apply('', key({ downArrow: true }));
    apply(' ');
    expect(s.form.hostKernel).toBe(true);
    apply('', key({ tab: true }));
    apply('u', key({ ctrl: true }));
    apply('x1G');
    expect(formOptions(s.form)).toEqual({ error: 'memory "x1G": give a size such as 512M or 2G' });
    expect(apply('', key({ return: true }))).toMatchObject({ kind: 'edit', state: { error: /memory "x1G"/ } });
    // Text fields take the whole of a paste, less a trailing newline.
    apply('u', key({ ctrl: true }));
    apply('1G\n');
    expect(apply('', key({ return: true }))).toEqual({
      kind: 'start',
      options: { hostKernel: true, memory: '1G', cpus: 2, timeout_s: 120 },
    });
    s.form.cpus = '0';
    expect(formOptions(s.form)).toEqual({ error: 'CPUs "0": give a whole number >= 1' });
    s.form.cpus = '1';
    s.form.timeout = '-5';
    expect(formOptions(s.form)).toEqual({ error: 'timeout "-5": give seconds > 0' });
  });

  it('typed in the window: Tab/arrows move, typing edits, Space toggles, Enter starts with those options', async () => {
    const { runner, fake } = replaying(CLEAN, Infinity, true);
    const r = renderModal(runner);
    let f = await r.waitFor((f) => f.includes('Kernel'));
    expect(f).toMatch(/> Kernel\s+\[_\s*\]/);
    expect(f).toMatch(/Memory\s+\[2G\s*\]/);
    expect(f).toMatch(/CPUs\s+\[2\s*\]/);
    expect(f).toMatch(/Timeout \(s\)\s+\[120\s*\]/);
    await r.press(KEYS.enter);
    await r.waitFor((f) => f.includes('type a kernel path, or turn on Host kernel'));
    expect(fake.opts).toEqual([]);
    await r.press(K.slice(0, -3), 'x', KEYS.backspace, 'd64');
    f = await r.waitFor((f) => f.includes('amd64_'));
    expect(f).not.toContain('type a kernel path');
    await r.press(
      KEYS.down,
      KEYS.down,
      KEYS.backspace,
      KEYS.backspace,
      '1G',
      KEYS.tab,
      KEYS.backspace,
      '1',
      KEYS.tab,
      '\u0015',
      '30',
    );
    f = await r.waitFor((f) => /> Timeout \(s\)\s+\[30_/.test(f));
    expect(f).toMatch(/Memory\s+\[1G\s*\]/);
    expect(f).toMatch(/CPUs\s+\[1\s*\]/);
    // Space on Host kernel: the path is then ignored, and says so.
    await r.press(KEYS.shiftTab, KEYS.up, KEYS.up, ' ');
    f = await r.waitFor((f) => f.includes('[x]'));
    expect(f).toContain('ignored: Host kernel is on');
    await r.press(' ');
    await r.waitFor((f) => f.includes('[ ]') && !f.includes('ignored'));
    expectFits(r, 100, 24);
    await r.press(KEYS.enter);
    await r.waitFor((f) => f.includes('Esc cancels'));
    expect(fake.opts).toEqual([{ kernel: K, memory: '1G', cpus: 1, timeout_s: 30 }]);
  });
});

describe('keys in one read', () => {
  it('a path, Tab, Tab, Ctrl+U, a size and Enter sent at once (tmux, a fast typist) are taken one by one', async () => {
    const { runner, fake } = replaying(CLEAN, Infinity, true);
    const r = renderModal(runner);
    await r.waitFor((f) => f.includes('Kernel'));
    await r.press(`${K}\t\t\u00151G\r`);
    await r.waitFor((f) => f.includes('Esc cancels'));
    expect(fake.opts).toEqual([{ kernel: K, memory: '1G', cpus: 2, timeout_s: 120 }]);
  });
});

describe('while the VM boots', () => {
  it('shows what the job does and the newest console lines, within the window', async () => {
    const progress = CLEAN.events.filter((e): e is JobProgressEvent => e.type === 'job.progress');
    const upTo = 60;
    const { runner } = replaying(CLEAN, upTo, true);
    const r = renderModal(runner, 80, 16);
    await r.press(K, KEYS.enter);
    const shown = progress.slice(0, upTo);
    const last = shown[shown.length - 1].message;
    const f = await r.waitFor((f) => f.includes(last.slice(0, 60)));
    expect(r.lines()[0]).toMatch(/^booting with qemu \(tcg, 1G, 2 CPUs, timeout 120 s\)\s+\d+s\s+Esc cancels/);
    // The tail: the window's last lines are the last console lines, in order; older ones scrolled off.
    const tail = r
      .lines()
      .slice(1)
      .map((l) => l.trimEnd());
    expect(tail.length).toBe(13);
    const expected = shown.slice(-13).map((e) => e.message);
    tail.forEach((l, i) => expect(expected[i].startsWith(l.replace(/…$/, ''))).toBe(true));
    expect(f).not.toContain(shown[0].message);
    expectFits(r, 80, 16);
  });
});

describe('the verdict', () => {
  it('a clean boot: PASS with the fields a person checks first', async () => {
    const { runner } = replaying(CLEAN);
    const r = renderModal(runner, 120, 30);
    await r.press(K, KEYS.enter);
    const f = await r.waitFor((f) => f.includes('log_path'));
    const res = CLEAN.result;
    expect(r.lines()[0]).toMatch(new RegExp(`^PASS\\s+${K}`));
    expect(f).toMatch(/success\s+yes/);
    expect(f).toMatch(/boot_completed\s+yes/);
    expect(f).toMatch(/kernel_version\s+6\.1\.0-56-cloud-amd64/);
    expect(f).toMatch(/runner\s+qemu/);
    expect(f).toMatch(/accel\s+tcg/);
    expect(f).toMatch(new RegExp(`duration_s\\s+${res.duration_s.toFixed(1)} \\(boot ${res.timings_s.boot.toFixed(1)}\\)`));
    expect(f).toMatch(/counts\s+panics 0 {2}oops 0 {2}errors 0 {2}warnings 0/);
    expect(f).toContain(`log_path        ${res.log_path}`);
    expect(f).not.toMatch(/^crash /m);
    expect(f).toMatch(/note\s+KVM present but unusable/);
    expect(f).toContain('Enter new test');
    expectFits(r, 120, 30);
    // Enter: back to the form, as it was.
    await r.press(KEYS.enter);
    await r.waitFor((f) => f.includes(`[${K}_`) || f.includes('Enter start'));
    expect(r.frame()).toContain('cloud-amd64_');
  });

  it('a panic: FAIL, the crash title and its function, the counts', async () => {
    const { runner } = replaying(PANIC);
    const r = renderModal(runner, 100, 24);
    await r.press(K, KEYS.enter);
    const f = await r.waitFor((f) => f.includes('log_path'));
    expect(r.lines()[0]).toMatch(/^FAIL /);
    expect(f).toMatch(/success\s+no/);
    expect(f).toMatch(/boot_completed\s+no/);
    expect(f).toMatch(/counts\s+panics 1 {2}oops 0 {2}errors 1 {2}warnings 0/);
    expect(f).toMatch(/crash\s+kernel panic: sysrq triggered crash \(in sysrq_handle_crash\)/);
    expect(f).toMatch(/error\s+line \d+: .*sysrq triggered crash/);
    expectFits(r, 100, 24);
  });

  it('long values wrap after a slash or a space, whole, within the width', () => {
    const log = PANIC.result.log_path!;
    const rows = wrapCells(log, 40);
    expect(rows.join('')).toBe(log);
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(40);
    expect(rows[0]).toBe('/var/cache/kerntop/boot-test/logs/');
    expect(wrapCells('short', 40)).toEqual(['short']);
    // At most maxRows rows; the last one is cut with an ellipsis.
    expect(wrapCells('x'.repeat(100), 10, 2)).toEqual(['x'.repeat(10), `${'x'.repeat(9)}…`]);
  });

  it('a short window scrolls the verdict with Up/Down', async () => {
    const { runner } = replaying(PANIC);
    const r = renderModal(runner, 60, 10);
    await r.press(K, KEYS.enter);
    await r.waitFor((f) => f.includes('Up/Down scroll'));
    expect(r.frame()).toMatch(/success/);
    await r.press(KEYS.end);
    const f = await r.waitFor((f) => !f.includes('success'));
    expect(f).toMatch(/note/);
    expectFits(r, 60, 10);
  });

  it('a job that cannot start says why, in its own words', async () => {
    const runner: BootTestRunner = async () => {
      throw new Error('kernel /nonexistent not found: give a built source tree or an image file');
    };
    const r = renderModal(runner);
    await r.press('/nonexistent', KEYS.enter);
    await r.waitFor((f) => f.includes('could not run: kernel /nonexistent not found'));
    await r.press(KEYS.enter);
    await r.waitFor((f) => f.includes('[/nonexistent_'));
  });
});

describe('cancel', () => {
  it('Esc while booting aborts the job and shows the cancelled run', async () => {
    const { runner, fake } = replaying(CLEAN, 20, true);
    const r = renderModal(runner);
    await r.press(K, KEYS.enter);
    await r.waitFor((f) => f.includes('Esc cancels'));
    expect(fake.signals[0].aborted).toBe(false);
    await r.press(KEYS.escape);
    expect(fake.signals[0].aborted).toBe(true);
    const f = await r.waitFor((f) => f.startsWith('CANCELLED'));
    expect(f).toContain('Enter new test');
  });

  it('closing the window while the job runs aborts it', async () => {
    const { runner, fake } = replaying(CLEAN, 20, true);
    const r = renderModal(runner);
    await r.press(K, KEYS.enter);
    await r.waitFor((f) => f.includes('Esc cancels'));
    r.unmount();
    current = null;
    expect(fake.signals[0].aborted).toBe(true);
    // An exit path can wait for the job's own cleanup (the real job reaps QEMU, removes its work directory).
    let cleanedUp = false;
    const slow: BootTestRunner = async (_o, hooks) => {
      await new Promise<void>((resolve) => hooks.signal?.addEventListener('abort', () => resolve()));
      await new Promise((res) => setTimeout(res, 50));
      cleanedUp = true;
      return { ...CLEAN.result, cancelled: true };
    };
    const r2 = renderModal(slow);
    await r2.press(K, KEYS.enter);
    await r2.waitFor((f) => f.includes('Esc cancels'));
    r2.unmount();
    current = null;
    expect(cleanedUp).toBe(false);
    await jobsSettled();
    expect(cleanedUp).toBe(true);
  });

  it('the job does not touch the store (a replayed session keeps its clock)', async () => {
    const store = createStore(undefined, 1_000);
    const before = { now: store.state.now_ms, version: store.state.version };
    const { runner } = replaying(CLEAN);
    const r = renderModal(runner, 100, 24, store);
    await r.press(K, KEYS.enter);
    await r.waitFor((f) => f.includes('log_path'));
    expect({ now: store.state.now_ms, version: store.state.version }).toEqual(before);
  });
});

describe('in the app', () => {
  it('b opens the window; the real job refuses a missing kernel; Esc closes', async () => {
    expect(MODALS.b.title).toBe('Boot test');
    const store = createStore();
    current = renderAt(
      <ThemeContext.Provider value={makeTheme({ color: false, unicode: true })}>
        <App store={store} host={{ host: 'h', kernel_release: '6.18.0', uptime_s: 1 }} snapshotIntervalMs={20} />
      </ThemeContext.Provider>,
      100,
      30,
    );
    const r = current;
    await r.waitFor((f) => f.includes('Subsystems'));
    await r.press('b');
    await r.waitFor((f) => f.includes('> Boot test') && f.includes('Host kernel'));
    // The window's own key is typed like any other letter: paths such as /boot/vmlinuz must be typeable.
    await r.press('/nonexistent/boot/vmlinuz-b', KEYS.enter);
    const f = await r.waitFor((f) => f.includes('could not run'), 10_000);
    expect(f).toMatch(/could not run: .*\/nonexistent\/boot\/vmlinuz-b/);
    await r.press(KEYS.escape);
    await r.waitFor((f) => !f.includes('Boot test') && f.includes('Subsystems'));
  });
});

const NO_KEY = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};
