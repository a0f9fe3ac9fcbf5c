// The job windows of the interactive UI in a real terminal: tmux runs `kerntop --replay`, `v` makes a
// real vmcore report from the vmcore lab's sysrq-c dump (test/e2e/lib/vmcore-lab.ts, cached), `b`
// boots Debian's cloud kernel under QEMU (test/e2e/lib/debian-cloud-kernel.ts, cached), and Esc in
// the middle of a boot kills the VM.
//
// The dump and the kernel are linked into a directory named for this test (hard links: no copies),
// and the typed paths hold "b" and "v" on purpose: a window's own key is typed like any other letter.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_TMUX, TmuxServer, type TmuxWindow } from './lib/tmux.js';
import { cloudKernelUnavailableReason, ensureDebianCloudKernel } from './lib/debian-cloud-kernel.js';
import { ensureVmcoreLab, labUnavailableReason, type VmcoreLab } from './lib/vmcore-lab.js';

const ROOT = process.cwd();
const RECORDING = 'fixtures/sessions/busy-host.jsonl';
const SOCKET = `kerntop-e2e-modals-${process.pid}`;
// "b" and "v" in it (see above); /tmp, so a hard link from /var/cache works on one filesystem.
const WORK = `/tmp/kt-boot-vmcore-${process.pid}`;

const onPath = (cmd: string) => (process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, cmd)));
const hasDrgn = spawnSync('/usr/bin/python3', ['-c', 'import drgn']).status === 0;
const vmcoreSkip =
  (HAVE_TMUX ? null : 'tmux missing (apt-get install tmux)') ??
  labUnavailableReason() ??
  (hasDrgn ? null : 'python3-drgn is not installed (apt-get install python3-drgn)');
const bootSkip =
  (HAVE_TMUX ? null : 'tmux missing (apt-get install tmux)') ??
  cloudKernelUnavailableReason() ??
  (onPath('qemu-system-x86_64') ? null : 'qemu-system-x86_64 missing (apt-get install qemu-system-x86)') ??
  (existsSync('/bin/busybox') || onPath('busybox') ? null : 'busybox missing (apt-get install busybox-static)') ??
  (process.arch === 'x64' ? null : 'the Debian cloud kernel is amd64');

const server = new TmuxServer(SOCKET, ROOT);
type Window = TmuxWindow;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** kerntop replaying the busy-host recording, from the source tree, in a fresh window. */
async function replayWindow(columns = 120, rows = 36): Promise<Window> {
  const w = server.window(columns, rows);
  w.type(`NODE_ENV=production node --import tsx src/cli/main.ts --replay ${RECORDING} --speed 0; echo "rc=$?"`);
  w.keys('Enter');
  await w.waitFor((s) => s.includes('Subsystems') && /oom\s.*CRITICAL/.test(s), 'the replayed session');
  return w;
}

/** Quits kerntop and waits for the shell. */
async function quit(w: Window) {
  w.keys('Escape');
  await w.waitFor((s) => s.includes('Subsystems') && !s.includes('Esc closes'), 'the window closed');
  w.type('q');
  await w.waitFor((s) => /rc=0\s*\n\s*ktprompt\$/.test(s), 'the prompt after q');
}

/** The value after `label` on its line of the window (the summary's "label  value" lines). */
function field(screen: string, label: string): string {
  const m = new RegExp(`^${label}\\s+(\\S.*?)\\s*$`, 'm').exec(screen);
  if (!m) throw new Error(`no ${label} line on the screen:\n${screen}`);
  return m[1];
}

/** Pids of processes whose command line contains `needle` (not this test's own pgrep). */
function pidsWith(needle: string): number[] {
  const r = spawnSync('pgrep', ['-f', '--', needle], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((p) => p !== process.pid);
}

beforeAll(() => {
  mkdirSync(WORK, { recursive: true });
});
afterEach(() => server.closeWindows());
afterAll(() => {
  server.kill();
  rmSync(WORK, { recursive: true, force: true });
});

describe.skipIf(vmcoreSkip)(`v: vmcore report window (${vmcoreSkip ?? 'runs'})`, () => {
  let lab: VmcoreLab;
  let crashDir: string;
  beforeAll(async () => {
    lab = await ensureVmcoreLab();
    // kdump's layout, the vmlinux kept beside the dump (hard links: no 500 MB copies).
    crashDir = join(WORK, 'crash');
    const d = join(crashDir, '202611241930');
    mkdirSync(d, { recursive: true });
    linkSync(lab.vmcore, join(d, 'dump.202611241930'));
    linkSync(lab.vmlinuxZst, join(d, `vmlinux-${lab.abi}.zst`));
  }, 600_000);

  it('type the dump directory, pick the dump, run the default plugins, see the summary and the archive', async () => {
    const t0 = Date.now();
    const w = await replayWindow();
    w.type('v');
    await w.waitFor(
      (s) => s.includes('> Vmcore report') && /Directory/.test(s) && !s.includes('listing'),
      'the window and its first listing',
    );
    // Where /var/crash holds dumps the list has the focus; Tab gives it to the directory field.
    if (!/^> Directory/m.test(w.capture())) w.keys('Tab');
    w.keys('C-u');
    w.type(crashDir);
    w.keys('Enter');
    let s = await w.waitFor((s) => s.includes('DEBUGINFO'), 'the dump list');
    expect(s).toMatch(new RegExp(`> 2026-11-24 19:30:00Z\\s+${lab.abi.replace(/\./g, '\\.')}\\s+yes\\s`));
    expect(field(s, 'debuginfo')).toContain(`yes: ${join(crashDir, '202611241930', `vmlinux-${lab.abi}.zst`)}`);
    w.keys('Enter');
    s = await w.waitFor((s) => s.includes('Enter runs 9'), 'the plugin list with the defaults');
    w.keys('Enter');
    s = await w.waitFor((s) => /^archive\s/m.test(s), 'the summary', 45_000);
    const archive = field(s, 'archive');
    try {
      expect(s).toMatch(/^COMPLETE \(exit code 0\)/m);
      expect(field(s, 'panic_reason')).toBe('sysrq triggered crash');
      expect(field(s, 'crashed_task')).toMatch(/^\S+\[\d+\] on CPU 0/);
      expect(field(s, 'release')).toBe(lab.abi);
      expect(field(s, 'taints')).toMatch(/^W \(W WARN/);
      expect(field(s, 'plugins')).toBe('9 ok, 0 failed, 0 not run, 2 skipped');
      expect(archive).toMatch(/^\/var\/tmp\/sosvmcore-.*\.tar\.xz$/);
      expect(existsSync(archive)).toBe(true);
      const members = execFileSync('tar', ['-tJf', archive], { encoding: 'utf8' });
      expect(members).toMatch(/sos_reports\/sos\.txt/);
      expect(members).toMatch(/plugins\/dmesg\/dmesg\.txt/);
      // The report's manifest records the command that makes the same report.
      const manifest = execFileSync('tar', ['-xOJf', archive, '--wildcards', '*/sos_reports/manifest.json'], {
        encoding: 'utf8',
      });
      expect(manifest).toContain(
        `kerntop vmcore-report --vmcore ${join(crashDir, '202611241930', 'dump.202611241930')} -o kernel_info,panic,dmesg`,
      );
    } finally {
      rmSync(archive, { force: true });
      rmSync(`${archive}.sha256`, { force: true });
    }
    await quit(w);
    expect(Date.now() - t0).toBeLessThan(60_000);
  });
});

describe.skipIf(bootSkip)(`b: boot test window (${bootSkip ?? 'runs'})`, () => {
  let kernel: string;
  beforeAll(async () => {
    const k = await ensureDebianCloudKernel();
    kernel = join(WORK, 'cloud-kernel');
    symlinkSync(k.vmlinuz, kernel);
  }, 600_000);

  it("type the kernel's path and 1G, Enter: the console scrolls by, then boot completed", async () => {
    const t0 = Date.now();
    const w = await replayWindow();
    w.type('b');
    await w.waitFor((s) => s.includes('> Boot test') && s.includes('Host kernel'), 'the form');
    w.type(kernel);
    w.keys('Tab', 'Tab', 'C-u');
    w.type('1G');
    w.keys('Enter');
    let s = await w.waitFor((s) => /^\[\s*\d+\.\d+\] /m.test(s) || /^PASS/m.test(s), 'the console', 20_000);
    s = await w.waitFor((s) => /^(PASS|FAIL)/m.test(s), 'the verdict', 45_000);
    const log = field(s, 'log_path');
    try {
      expect(s).toMatch(/^PASS/m);
      expect(field(s, 'boot_completed')).toBe('yes');
      expect(field(s, 'success')).toBe('yes');
      expect(field(s, 'kernel_version')).toMatch(/^6\.1\.0-\d+-cloud-amd64$/);
      expect(field(s, 'counts')).toMatch(/^panics 0 {2}oops 0/);
      expect(existsSync(log)).toBe(true);
      expect(pidsWith(kernel)).toEqual([]);
    } finally {
      rmSync(log, { force: true });
    }
    await quit(w);
    expect(Date.now() - t0).toBeLessThan(60_000);
  });

  it('Esc in the middle of the boot closes the window and kills the VM', async () => {
    const w = await replayWindow();
    w.type('b');
    await w.waitFor((s) => s.includes('Host kernel'), 'the form');
    w.type(kernel);
    w.keys('Enter');
    // The console scrolls by fast (hundreds of lines in a second): any kernel line will do.
    await w.waitFor((s) => s.includes('Esc cancels') && /^\[\s*\d+\.\d+\] /m.test(s), 'the first console lines', 20_000);
    const vm = pidsWith(kernel);
    expect(vm.length, 'a QEMU booting the kernel').toBeGreaterThan(0);
    w.keys('Escape');
    await w.waitFor((s) => s.includes('Subsystems') && !s.includes('Boot test'), 'the main view');
    const until = Date.now() + 5000;
    while (pidsWith(kernel).length && Date.now() < until) await sleep(100);
    expect(pidsWith(kernel)).toEqual([]);
    w.type('q');
    await w.waitFor((s) => /rc=0\s*\n\s*ktprompt\$/.test(s), 'the prompt after q');
  });
});
