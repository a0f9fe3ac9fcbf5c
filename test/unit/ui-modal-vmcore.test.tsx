import { readFileSync } from 'node:fs';
import React from 'react';
import stringWidth from 'string-width';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobProgressEvent, JobResultEvent } from '../../src/events.js';
import type { CrashList } from '../../src/jobs/vmcore/crashes.js';
import type { VmcoreReportOptions } from '../../src/jobs/vmcore/job.js';
import type { VmcoreReportResult } from '../../src/jobs/vmcore/model.js';
import { createStore } from '../../src/store/index.js';
import { App } from '../../src/ui/App.js';
import { MODALS } from '../../src/ui/modals/registry.js';
import { reportOptions } from '../../src/ui/modals/vmcore/plugins.js';
import { type ListDumps, VmcoreModal, type VmcoreRunner } from '../../src/ui/modals/vmcore/Vmcore.js';
import { takeSnapshot } from '../../src/ui/snapshot.js';
import { makeTheme, ThemeContext } from '../../src/ui/theme.js';
import { KEYS, renderAt, type Rendered } from './ui-render.js';

// The vmcore window driven by recorded runs of the real jobs (fixtures/ui-modals: `crashes` over the
// vmcore lab's two dumps, reports on a sysrq-c dump with and without its vmlinux) replayed through
// injected functions.

type Recorded = { events: (JobProgressEvent | JobResultEvent)[]; result: VmcoreReportResult };
const json = <T,>(name: string): T => JSON.parse(readFileSync(`fixtures/ui-modals/${name}.json`, 'utf8')) as T;
const CRASHES = json<CrashList>('crashes');
const MISSING = json<CrashList>('crashes-missing');
const REPORT = json<Recorded>('vmcore-report');
const NO_DBG = json<Recorded>('vmcore-report-no-debuginfo');
const LAB_DIR = CRASHES.dir; // /tmp/kerntop-lab/crash when recorded

const lister: (calls: string[]) => ListDumps = (calls) => async (dir) => {
  calls.push(dir);
  if (dir === LAB_DIR) return CRASHES;
  if (dir === '/var/crash') return MISSING;
  return { dir, exists: false, entries: [], message: `${dir} does not exist` };
};

interface Fake {
  opts: VmcoreReportOptions[];
  signals: AbortSignal[];
}

/** Replays a recorded report; with `holdAfter`, stops after that message until aborted, then throws as the job does. */
function replaying(rec: Recorded, holdAfter?: RegExp): { runner: VmcoreRunner; fake: Fake } {
  const fake: Fake = { opts: [], signals: [] };
  const runner: VmcoreRunner = async (opts, hooks) => {
    fake.opts.push(opts);
    fake.signals.push(hooks.signal!);
    for (const e of rec.events) {
      hooks.onEvent?.(e);
      if (holdAfter && e.type === 'job.progress' && holdAfter.test(e.message)) {
        await new Promise<void>((resolve) => hooks.signal!.addEventListener('abort', () => resolve()));
        throw new Error('vmcore report cancelled');
      }
    }
    return rec.result;
  };
  return { runner, fake };
}

let current: Rendered | null = null;
afterEach(() => {
  current?.unmount();
  current = null;
});

function renderModal(runJob: VmcoreRunner, calls: string[] = [], columns = 120, rows = 30): Rendered {
  const store = createStore();
  current = renderAt(
    <ThemeContext.Provider value={makeTheme({ color: false, unicode: true })}>
      <VmcoreModal
        store={store}
        snapshot={takeSnapshot(store.state)}
        width={columns}
        height={rows - 1}
        close={() => {}}
        runJob={runJob}
        listCrashes={lister(calls)}
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

/** Opens the window, types the lab's directory over /var/crash, lists it. */
async function openLab(r: Rendered) {
  await r.waitFor((f) => f.includes('/var/crash does not exist'));
  await r.press(LAB_DIR, KEYS.enter);
  return r.waitFor((f) => f.includes('DEBUGINFO'));
}

describe('the dumps', () => {
  it('starts at /var/crash; typing replaces the directory, Enter lists it, arrows pick, the debuginfo status shows', async () => {
    const calls: string[] = [];
    const r = renderModal(replaying(REPORT).runner, calls);
    let f = await r.waitFor((f) => f.includes('/var/crash does not exist'));
    expect(calls).toEqual(['/var/crash']);
    expect(f).toMatch(/^> Directory {2}\[\/var\/crash\s*\]/m);
    expect(f).toContain('kdump is not set up on this machine');
    f = await openLab(r);
    expect(calls).toEqual(['/var/crash', LAB_DIR]);
    expect(f).toMatch(/TIME\s+RELEASE\s+DEBUGINFO\s+SIZE\s+FORMAT\s+DUMP/);
    expect(f).toMatch(
      /> 2026-11-24 19:30:00Z\s+6\.1\.0-56-cloud-amd64\s+yes\s+528\.1 MiB\s+elf\/qemu\s+202611241930\/dump\.202611241930/,
    );
    expect(f).toMatch(/ {2}2026-11-24 09:15:00Z\s+\?\s+no\s+528\.1 MiB\s+elf\/qemu\s+202611240915\/dump\.202611240915/);
    expect(f).toContain(`dump       ${CRASHES.entries[0].dump}`);
    expect(f).toContain(`debuginfo  yes: ${CRASHES.entries[0].debuginfo.path} (compressed; checked when a report`);
    await r.press(KEYS.down);
    f = await r.waitFor((f) => f.includes('debuginfo  no: release unknown'));
    expect(f).toMatch(/problem\s+.*VMCOREINFO/);
    expectFits(r, 120, 30);
    // Up past the first dump is the directory field again, selected: the first key typed replaces it.
    await r.press(KEYS.up, KEYS.up);
    await r.waitFor((f) => /^> Directory/m.test(f));
    await r.press('x');
    f = await r.waitFor((f) => f.includes('[x_') || f.includes('[x '));
    await r.press(KEYS.backspace, '/elsewhere', KEYS.enter);
    f = await r.waitFor((f) => f.includes('/elsewhere does not exist'));
    expect(calls.at(-1)).toBe('/elsewhere');
  });

  it('a directory and Enter in one read list it; a CRLF is one Enter', async () => {
    const calls: string[] = [];
    const r = renderModal(replaying(REPORT).runner, calls);
    await r.waitFor((f) => f.includes('/var/crash does not exist'));
    await r.press(`${LAB_DIR}\r\n`);
    await r.waitFor((f) => f.includes('DEBUGINFO'));
    expect(calls).toEqual(['/var/crash', LAB_DIR]);
    expect(r.frame()).toContain('Enter plugins');
  });

  it('a narrow window drops columns, never wraps', async () => {
    const r = renderModal(replaying(REPORT).runner, [], 60, 16);
    await openLab(r);
    expectFits(r, 60, 16);
    expect(r.frame()).toMatch(/> 2026-11-24 19:30:00Z/);
  });
});

describe('the plugins', () => {
  it('defaults preselected; Space toggles; Enter runs exactly the chosen ones', async () => {
    const { runner, fake } = replaying(REPORT, /^plugin kernel_info: started/);
    const r = renderModal(runner);
    await openLab(r);
    await r.press(KEYS.enter);
    let f = await r.waitFor((f) => f.includes('PLUGIN'));
    expect(f).toMatch(/> \[x\] kernel_info\s+default\s+any\s+release, banner/);
    for (const n of ['panic', 'dmesg', 'tasks', 'modules', 'sched_debug', 'meminfo', 'slabinfo', 'mounts'])
      expect(f).toMatch(new RegExp(`\\[x\\] ${n}\\s`));
    expect(f).toMatch(/\[ \] stacks\s+optional\s+vmlinux/);
    expect(f).toMatch(/\[ \] vmstat\s+experimental/);
    expect(f).toContain('Enter runs 9');
    // stacks on, dmesg off.
    await r.press(KEYS.down, KEYS.down, ' ', KEYS.end, KEYS.up, ' ');
    f = await r.waitFor((f) => /\[x\] stacks/.test(f));
    expect(f).toMatch(/\[ \] dmesg/);
    expectFits(r, 120, 30);
    await r.press(KEYS.enter);
    await r.waitFor((f) => f.includes('Esc cancels'));
    expect(fake.opts).toHaveLength(1);
    expect(fake.opts[0]).toMatchObject({
      vmcore: CRASHES.entries[0].dump,
      onlyPlugins: ['kernel_info', 'panic', 'tasks', 'modules', 'sched_debug', 'meminfo', 'slabinfo', 'mounts', 'stacks'],
    });
    expect(fake.opts[0].experimental).toBeUndefined();
  });

  it('an experimental plugin brings --experimental; none chosen is refused; Backspace goes back', async () => {
    expect(reportOptions('/d', new Set(['vmstat', 'panic']))).toEqual({
      vmcore: '/d',
      onlyPlugins: ['panic', 'vmstat'],
      experimental: true,
      cmdline: 'kerntop vmcore-report --vmcore /d -o panic,vmstat --experimental',
    });
    const { runner, fake } = replaying(REPORT);
    const r = renderModal(runner);
    await openLab(r);
    await r.press(KEYS.enter);
    await r.waitFor((f) => f.includes('PLUGIN'));
    // Everything off: the defaults are the first nine rows.
    for (let i = 0; i < 9; i++) await r.press(' ', KEYS.down);
    await r.waitFor((f) => f.includes('Enter runs 0'));
    await r.press(KEYS.enter);
    await r.waitFor((f) => f.includes('choose at least one plugin'));
    expect(fake.opts).toEqual([]);
    await r.press('d');
    await r.waitFor((f) => f.includes('Enter runs 9'));
    await r.press(KEYS.backspace);
    await r.waitFor((f) => f.includes('Enter plugins'));
  });

  it('a dump without its vmlinux: the plugins that need one say they will not run', async () => {
    const r = renderModal(replaying(NO_DBG).runner);
    await openLab(r);
    await r.press(KEYS.down, KEYS.enter);
    const f = await r.waitFor((f) => f.includes('PLUGIN'));
    expect(f).toMatch(/debuginfo\s+no: release unknown/);
    expect(f).toMatch(/\[x\] tasks\s+default\s+vmlinux\s+ps of every task.*\(no vmlinux: will not run\)/);
    expect(f).not.toMatch(/kernel_info.*will not run/);
  });
});

describe('the run', () => {
  it('per-plugin progress from the typed progress the job gives, with what the job says between plugins', async () => {
    // Every plugin message of the recorded runs carries its typed progress.
    for (const rec of [REPORT, NO_DBG]) {
      for (const e of rec.events)
        if (e.type === 'job.progress' && e.message.startsWith('plugin ')) expect(e.plugin, e.message).toBeDefined();
    }
    const { runner } = replaying(REPORT, /^plugin dmesg: started/);
    const r = renderModal(runner);
    await openLab(r);
    await r.press(KEYS.enter, KEYS.enter);
    const f = await r.waitFor((f) => /dmesg\s+running/.test(f));
    expect(r.lines()[0]).toMatch(new RegExp(`^report on ${CRASHES.entries[0].dump}\\s+\\d+s\\s+Esc cancels`));
    expect(f).toMatch(/kernel_info\s+ok\s+0\.001 s/);
    const panicEnd = REPORT.events.find(
      (e) => e.type === 'job.progress' && e.plugin?.name === 'panic' && e.plugin.status === 'ok',
    ) as JobProgressEvent;
    expect(f).toMatch(new RegExp(`panic\\s+ok\\s+${panicEnd.plugin!.time_s} s`));
    expect(f).toMatch(/tasks\s+waiting/);
    expect(f).toMatch(/mounts\s+waiting/);
    expect(f).toContain('drgn opened the dump in 0 s');
    expectFits(r, 120, 30);
  });

  it('reads the typed progress, not the message text', async () => {
    // The same run with every plugin message reworded: the rows still follow the plugins.
    const reworded: Recorded = {
      ...NO_DBG,
      events: NO_DBG.events.map((e) =>
        e.type === 'job.progress' && e.plugin ? { ...e, message: `step of ${e.plugin.name}` } : e,
      ),
    };
    const r = renderModal(replaying(reworded, /^step of dmesg$/).runner);
    await openLab(r);
    await r.press(KEYS.down, KEYS.enter, KEYS.enter);
    const f = await r.waitFor((f) => /dmesg\s+running/.test(f));
    expect(f).toMatch(/kernel_info\s+ok/);
    expect(f).toMatch(/panic\s+ok/);
    expect(f).toMatch(/tasks\s+waiting/);
  });

  it('the summary: panic reason, crashed task, release, taints, the archive', async () => {
    const r = renderModal(replaying(REPORT).runner);
    await openLab(r);
    await r.press(KEYS.enter, KEYS.enter);
    const f = await r.waitFor((f) => f.includes('archive'));
    expect(r.lines()[0]).toMatch(/^COMPLETE \(exit code 0\) {2}\/tmp\/kerntop-lab\/crash\/202611241930\/dump\.202611241930/);
    expect(f).toMatch(/panic_reason\s+sysrq triggered crash/);
    expect(f).toMatch(/crashed_task\s+init\[1\] on CPU 0, state R/);
    expect(f).toMatch(/release\s+6\.1\.0-56-cloud-amd64/);
    expect(f).toMatch(/taints\s+W \(W WARN: kernel issued warning\)/);
    expect(f).toMatch(/plugins\s+9 ok, 0 failed, 0 not run, 2 skipped/);
    expect(f).toContain(`archive       ${REPORT.result.archive}`);
    expect(f).toContain(`sha256        ${REPORT.result.checksum}`);
    expectFits(r, 120, 30);
    await r.press(KEYS.enter);
    await r.waitFor((f) => f.includes('Enter plugins'));
  });

  it('in a narrow window the archive path wraps whole onto the next rows', async () => {
    const r = renderModal(replaying(REPORT).runner, [], 60, 24);
    await openLab(r);
    await r.press(KEYS.enter, KEYS.enter);
    await r.waitFor((f) => f.includes('archive'));
    expectFits(r, 60, 24);
    const lines = r.lines();
    const i = lines.findIndex((l) => l.startsWith('archive'));
    const rows = [lines[i].replace(/^archive\s+/, '')];
    for (let j = i + 1; lines[j].startsWith(' '); j++) rows.push(lines[j].trim());
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.map((x) => x.trimEnd()).join('')).toBe(REPORT.result.archive);
  });

  it('a partial report names what did not run and why', async () => {
    const r = renderModal(replaying(NO_DBG).runner);
    await openLab(r);
    await r.press(KEYS.enter, KEYS.enter);
    const f = await r.waitFor((f) => f.includes('archive'));
    expect(r.lines()[0]).toMatch(/^PARTIAL \(exit code 1\)/);
    expect(f).toMatch(/crashed_task\s+unknown/);
    expect(f).toMatch(/plugins\s+3 ok, 0 failed, 2 not run, 6 skipped/);
    expect(f).toMatch(/ {2}tasks\s+not_run: needs the matching vmlinux/);
    expect(f).toMatch(/problem\s+no debuginfo: found no vmlinux for this dump/);
  });

  it('Esc while the report runs aborts the job; nothing is kept', async () => {
    const { runner, fake } = replaying(REPORT, /^plugin panic: started/);
    const r = renderModal(runner);
    await openLab(r);
    await r.press(KEYS.enter, KEYS.enter);
    await r.waitFor((f) => /panic\s+running/.test(f));
    await r.press(KEYS.escape);
    expect(fake.signals[0].aborted).toBe(true);
    await r.waitFor((f) => f.includes('cancelled: the collector was stopped; nothing was kept'));
  });

  it('closing the window while the report runs aborts it', async () => {
    const { runner, fake } = replaying(REPORT, /^plugin panic: started/);
    const r = renderModal(runner);
    await openLab(r);
    await r.press(KEYS.enter, KEYS.enter);
    await r.waitFor((f) => /panic\s+running/.test(f));
    r.unmount();
    current = null;
    expect(fake.signals[0].aborted).toBe(true);
  });
});

describe('in the app', () => {
  it('v opens the window on the real dump list; a missing directory is said plainly; Esc closes', async () => {
    expect(MODALS.v.title).toBe('Vmcore report');
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
    await r.press('v');
    await r.waitFor((f) => f.includes('> Vmcore report') && f.includes('Directory'));
    // Tab reaches the directory field whether /var/crash holds dumps or not; Ctrl+U empties it.
    await r.waitFor((f) => !f.includes('listing'));
    if (!/^> Directory/m.test(r.frame())) await r.press(KEYS.tab);
    await r.press('\u0015', '/nonexistent-dumps', KEYS.enter);
    await r.waitFor((f) => f.includes('/nonexistent-dumps does not exist: kdump is not set up'), 5000);
    await r.press(KEYS.escape);
    await r.waitFor((f) => !f.includes('Vmcore report') && f.includes('Subsystems'));
  });
});
