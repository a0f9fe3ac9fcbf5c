// kerntop boot-test against a real kernel: Debian's cloud kernel under QEMU TCG with the plain-QEMU
// runner, a panicking guest, a guest that never finishes, missing pieces, and Ctrl+C mid-boot.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootTest, pidAlive, processesWith, startBootTest, waitUntil } from './lib/boot-test-cli.js';
import { cloudKernelUnavailableReason, type DebianCloudKernel, ensureDebianCloudKernel } from './lib/debian-cloud-kernel.js';
import { NOBODY, nobodyTreeForFile } from './lib/nobody.js';

const onPath = (cmd: string) => (process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, cmd)));
const skipReason =
  cloudKernelUnavailableReason() ??
  (onPath('qemu-system-x86_64') ? null : 'qemu-system-x86_64 missing (apt-get install qemu-system-x86)') ??
  (existsSync('/bin/busybox') || onPath('busybox') ? null : 'busybox missing (apt-get install busybox-static)') ??
  (process.arch === 'x64' ? null : 'the Debian cloud kernel is amd64');

const nobodyTree = nobodyTreeForFile();
const tmp = mkdtempSync(join(tmpdir(), 'kerntop-boot-e2e-'));
// A private cache: the first boot probes KVM for real, the later ones find the verdict.
const env = { KERNTOP_CACHE_DIR: join(tmp, 'cache') };
let k: DebianCloudKernel;

beforeAll(async () => {
  if (skipReason) return;
  k = await ensureDebianCloudKernel();
}, 180_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(skipReason)(`boot-test on Debian's cloud kernel (${skipReason ?? 'runs'})`, () => {
  it('boots cleanly under the plain-QEMU runner, probing KVM once', async () => {
    const log = join(tmp, 'clean.log');
    const r = await bootTest(['--kernel', k.vmlinuz, '--runner', 'qemu', '--memory', '1G', '--json', '--keep-log', log], env);
    expect(r.stderr).not.toMatch(/kerntop boot-test:/);
    const j = r.json!;
    expect(j).toMatchObject({
      success: true,
      boot_completed: true,
      kernel_version: k.abi,
      runner: 'qemu',
      timeout_occurred: false,
      exit_code: 0,
      exec_rc: 0,
    });
    expect(j.counts).toMatchObject({ panics: 0, oops: 0 });
    expect(j.has_critical_issues).toBe(false);
    expect([0, 1]).toContain(r.code); // 1 when the classifier flags TCG's clock-calibration lines
    expect(r.code).toBe(j.counts.errors + j.counts.warnings > 0 ? 1 : 0);
    expect(j.log_path).toBe(log);
    const text = readFileSync(log, 'utf8');
    expect(text).toContain(`Linux version ${k.abi}`);
    expect(text).toContain('kerntop-boot: completed rc=0');
    expect(text).not.toContain('\r');
    if (existsSync('/dev/kvm') && j.accel === 'tcg') {
      // /dev/kvm exists but the probe boot showed it cannot run a kernel here: TCG, with a note.
      expect(j.notes.join('\n')).toMatch(/KVM present but unusable/);
      expect(existsSync(join(env.KERNTOP_CACHE_DIR, 'kvm-probe', 'x86_64.json'))).toBe(true);
    }
  }, 180_000);

  it('runs --exec in the guest and reuses the cached KVM verdict', async () => {
    const r = await bootTest(
      ['--kernel', k.vmlinuz, '--exec', 'echo guest-says-$((6*7)); cat /proc/cmdline', '--append', 'kerntop.e2e=1', '--json'],
      env,
    );
    const j = r.json!;
    expect(j.success).toBe(true);
    expect(j.timings_s.accel_probe).toBeLessThan(1);
    const text = readFileSync(j.log_path, 'utf8');
    expect(text).toContain('guest-says-42');
    expect(text).toMatch(/console=ttyS0 panic=-1 kerntop\.e2e=1/);
  }, 180_000);

  it('reports a sysrq-c panic: panics >= 1, success false, exit 2', async () => {
    const r = await bootTest(['--kernel', k.vmlinuz, '--exec', 'echo c > /proc/sysrq-trigger', '--json'], env);
    const j = r.json!;
    expect(r.code).toBe(2);
    expect(j.success).toBe(false);
    expect(j.boot_completed).toBe(false);
    expect(j.counts.panics).toBeGreaterThanOrEqual(1);
    expect(j.has_critical_issues).toBe(true);
    expect(j.analysis.crashed).toBe(true);
    expect(j.analysis.title).toMatch(/sysrq triggered crash/);
    expect(j.timeout_occurred).toBe(false);
  }, 180_000);

  it("QEMU refusing its configuration (--memory 999999G, --cpus 1000) is exit 3 with QEMU's own reason", async () => {
    const mem = await bootTest(
      ['--kernel', k.vmlinuz, '--runner', 'qemu', '--accel', 'tcg', '--memory', '999999G', '--json'],
      env,
    );
    expect(mem.code, mem.stderr).toBe(3);
    expect(mem.stderr).toMatch(
      /kerntop boot-test: qemu-system-x86_64 refused the VM configuration: qemu-system-x86_64: cannot set up guest memory 'pc\.ram': Cannot allocate memory\. Fix what it names \(this VM had --memory 999999G, --cpus 2\)/,
    );
    expect(mem.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(mem.json).toMatchObject({ success: false, error: expect.stringContaining('refused the VM configuration') });
    const cpus = await bootTest(['--kernel', k.vmlinuz, '--runner', 'qemu', '--accel', 'tcg', '--cpus', '1000'], env);
    expect(cpus.code, cpus.stderr).toBe(3);
    expect(cpus.stderr).toMatch(
      /refused the VM configuration: qemu-system-x86_64: Invalid SMP CPUs 1000\. The max CPUs supported by machine '[^']+' is \d+/,
    );
    expect(cpus.stdout).not.toMatch(/did not boot/);
  }, 60_000);

  it('times out a guest that never finishes and leaves no VM behind', async () => {
    // 45 s: long enough for a TCG boot to reach init on a loaded 2-core host (a clean one takes ~10 s).
    const id = `kerntop-e2e-${randomUUID()}`;
    const r = await bootTest(['--kernel', k.vmlinuz, '--exec', 'sleep 1000', '--timeout', '45', '--append', id, '--json'], env);
    const j = r.json!;
    expect(r.code).toBe(2);
    expect(j).toMatchObject({ success: false, timeout_occurred: true, boot_completed: false });
    expect(j.exit_code).toBeNull();
    expect(readFileSync(j.log_path, 'utf8')).toContain('kerntop-boot: init started');
    expect(processesWith(id)).toEqual([]);
  }, 180_000);

  for (const [sig, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${sig} in the middle of a boot leaves no qemu process`, async () => {
      const id = `kerntop-e2e-${randomUUID()}`;
      const run = startBootTest(['--kernel', k.vmlinuz, '--exec', 'sleep 1000', '--timeout', '120', '--append', id], env);
      await waitUntil(() => processesWith(id).some((p) => p.cmd.includes('qemu-system')), 30_000, 'qemu to start');
      const qemu = processesWith(id).map((p) => p.pid);
      await new Promise((r) => setTimeout(r, 1500)); // mid-boot
      run.kill(sig);
      const done = await run.done;
      expect(done.code).toBe(code);
      for (const pid of qemu) expect(pidAlive(pid)).toBe(false);
      expect(processesWith(id)).toEqual([]);
    }, 120_000);
  }

  it('the job API (what the TUI calls): progress events with console lines, a result event, cancel kills the VM', async () => {
    const { runBootTest } = await import('../../src/jobs/boot-test/job.js');
    const saved = process.env.KERNTOP_CACHE_DIR;
    process.env.KERNTOP_CACHE_DIR = env.KERNTOP_CACHE_DIR;
    try {
      const events: { type: string; stage?: string; message?: string; ok?: boolean }[] = [];
      const done = await runBootTest(
        { kernel: k.vmlinuz, runner: 'qemu', exec: 'echo job-api' },
        { onEvent: (e) => events.push(e) },
      );
      expect(done.success).toBe(true);
      const setup = events.filter((e) => e.type === 'job.progress' && e.stage === 'setup').map((e) => e.message);
      expect(setup.some((m) => m?.startsWith('booting with qemu'))).toBe(true);
      const consoleLines = events.filter((e) => e.stage === 'console').map((e) => e.message);
      expect(consoleLines.some((m) => m?.includes(`Linux version ${k.abi}`))).toBe(true);
      expect(consoleLines).toContain('job-api');
      expect(consoleLines.every((m) => !/[\r\x1b]/.test(m ?? ''))).toBe(true);
      expect(events.at(-1)).toMatchObject({ type: 'job.result', ok: done.counts.errors + done.counts.warnings === 0 });

      const id = `kerntop-e2e-${randomUUID()}`;
      const ac = new AbortController();
      const cancelled = runBootTest(
        { kernel: k.vmlinuz, runner: 'qemu', exec: 'sleep 1000', append: id },
        {
          signal: ac.signal,
          onEvent: (e) => {
            if (e.type === 'job.progress' && e.message.startsWith('kerntop-boot: init started')) ac.abort();
          },
        },
      );
      const r = await cancelled;
      expect(r).toMatchObject({ cancelled: true, success: false, timeout_occurred: false });
      expect(processesWith(id)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.KERNTOP_CACHE_DIR;
      else process.env.KERNTOP_CACHE_DIR = saved;
    }
  }, 180_000);

  it('SIGKILL of kerntop itself still takes the VM down (parent-death signal)', async () => {
    const id = `kerntop-e2e-${randomUUID()}`;
    const run = startBootTest(['--kernel', k.vmlinuz, '--exec', 'sleep 1000', '--timeout', '120', '--append', id], env);
    await waitUntil(() => processesWith(id).some((p) => p.cmd.includes('qemu-system')), 30_000, 'qemu to start');
    run.kill('SIGKILL');
    await run.done;
    await waitUntil(() => processesWith(id).length === 0, 5000, 'qemu to die with its parent');
    // Its work directory outlives it; the next run sweeps it.
    const { readdirSync } = await import('node:fs');
    const left = () => readdirSync(tmpdir()).filter((d) => d.startsWith(`kerntop-boot-${run.pid}-`));
    expect(left().length).toBe(1);
    const again = await bootTest(['--kernel', k.vmlinuz, '--exec', 'true', '--json'], env);
    expect(again.json?.success).toBe(true);
    expect(left()).toEqual([]);
  }, 60_000);
});

describe('boot-test cannot run: exit 3 with the fix named', () => {
  it('a kernel path that does not exist', async () => {
    const r = await bootTest(['--kernel', join(tmp, 'no-such-kernel'), '--json'], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no-such-kernel does not exist; give a built kernel source tree or an image file/);
    expect(r.json).toMatchObject({ success: false });
  });

  it('a console log path that cannot be written', async () => {
    const img = join(tmp, 'bzImage-log');
    writeFileSync(img, readFileSync(new URL('../../fixtures/boot-test/vmlinuz-6.1.0-56-cloud-amd64.head', import.meta.url)));
    const r = await bootTest(
      ['--kernel', img, '--runner', 'qemu', '--accel', 'tcg', '--keep-log', join(tmp, 'no-dir', 'x.log')],
      env,
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot write the console log .*no-dir\/x\.log.*--keep-log/);
  });

  it('a text file as --kernel: "not a kernel image", before QEMU is even looked for', async () => {
    const txt = join(tmp, 'kernel.txt');
    writeFileSync(txt, 'hello\n');
    // No QEMU on PATH: had kerntop got as far as QEMU, it would say that instead.
    const r = await bootTest(['--kernel', txt, '--runner', 'qemu', '--accel', 'tcg'], { ...env, PATH: join(tmp, 'empty-bin') });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /kernel\.txt is not a kernel image: it starts with 68656c6c6f0a \("hello\."\), not a bzImage \("HdrS" setup header\)/,
    );
    expect(r.stderr).not.toMatch(/qemu|\n\s+at /);
  });

  it('an unreadable kernel image: cannot read, exit 3', async (ctx) => {
    const tree = nobodyTree();
    if (tree.skip) ctx.skip(tree.skip);
    const img = join(tmp, 'bzImage-root-only');
    writeFileSync(img, readFileSync(new URL('../../fixtures/boot-test/vmlinuz-6.1.0-56-cloud-amd64.head', import.meta.url)), {
      mode: 0o600,
    });
    const { chmodSync } = await import('node:fs');
    const { execa } = await import('execa');
    chmodSync(tmp, 0o755);
    const r = await execa(process.execPath, [tree.bin, 'boot-test', '--kernel', img, '--runner', 'qemu'], {
      cwd: '/',
      env: { ...process.env, ...env },
      ...NOBODY,
      reject: false,
    });
    expect(r.exitCode, String(r.stderr)).toBe(3);
    expect(r.stderr).toMatch(/cannot read kernel image .*bzImage-root-only: EACCES: permission denied/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('no QEMU on PATH', async () => {
    const img = join(tmp, 'bzImage');
    writeFileSync(img, readFileSync(new URL('../../fixtures/boot-test/vmlinuz-6.1.0-56-cloud-amd64.head', import.meta.url)));
    const r = await bootTest(['--kernel', img, '--runner', 'qemu'], { ...env, PATH: join(tmp, 'empty-bin') });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('qemu-system-x86_64 not found on PATH; install it: apt-get install qemu-system-x86');
  });

  it.skipIf(onPath('qemu-system-aarch64'))('a cross-compiled arm64 tree without qemu-system-aarch64', async () => {
    const tree = join(tmp, 'linux-arm64');
    const img = join(tree, 'arch', 'arm64', 'boot', 'Image');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(tree, 'arch', 'arm64', 'boot'), { recursive: true });
    writeFileSync(join(tree, '.config'), 'CONFIG_ARM64=y\n');
    const head = Buffer.alloc(0x40);
    head.write('ARM\x64', 0x38, 'latin1');
    writeFileSync(img, head);
    const r = await bootTest(['--kernel', tree, '--runner', 'qemu'], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('qemu-system-aarch64 not found on PATH; install it: apt-get install qemu-system-arm');
  });

  it('--host-kernel where /boot has no image of the running kernel', async () => {
    const { release } = await import('node:os');
    if (existsSync(`/boot/vmlinuz-${release()}`)) return;
    const r = await bootTest(['--host-kernel'], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/vmlinuz-.* does not exist .*--kernel PATH/);
  });
});
