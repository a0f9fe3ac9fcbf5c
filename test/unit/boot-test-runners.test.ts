import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { archInfo } from '../../src/jobs/boot-test/arch.js';
import { judgeProbe } from '../../src/jobs/boot-test/kvm-probe.js';
import type { LocatedKernel } from '../../src/jobs/boot-test/kernel-locate.js';
import { bootTestExitCode } from '../../src/jobs/boot-test/result.js';
import { kernelCmdline, qemuArgv, qemuRefusal, stopAfterPanic } from '../../src/jobs/boot-test/runners/qemu.js';
import { vngArgv, vngExec } from '../../src/jobs/boot-test/runners/vng.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/boot-test/${name}`, import.meta.url), 'latin1');
const x86 = archInfo('x86_64')!;
const arm64 = archInfo('arm64')!;
const kernel = (over: Partial<LocatedKernel> = {}): LocatedKernel => ({
  image: '/k/bzImage',
  arch: x86,
  origin: 'file',
  version: null,
  archFrom: 'image',
  ...over,
});

describe('plain QEMU command', () => {
  it('boots the kernel on a serial console with no reboot and no default devices', () => {
    const argv = qemuArgv({
      qemu: '/usr/bin/qemu-system-x86_64',
      arch: x86,
      accel: 'tcg',
      memory: '2G',
      cpus: 2,
      image: '/k',
      initramfs: '/i',
      cmdline: kernelCmdline(x86, ' quiet '),
    });
    expect(argv).toEqual([
      '/usr/bin/qemu-system-x86_64',
      '-accel',
      'tcg',
      '-m',
      '2G',
      '-smp',
      '2',
      '-kernel',
      '/k',
      '-initrd',
      '/i',
      '-append',
      'console=ttyS0 panic=-1 quiet',
      '-nodefaults',
      '-no-user-config',
      '-display',
      'none',
      '-serial',
      'stdio',
      '-no-reboot',
    ]);
  });
  it('uses the virt machine and its console for arm64, the host CPU under KVM', () => {
    expect(kernelCmdline(arm64)).toBe('console=ttyAMA0 panic=-1');
    const tcg = qemuArgv({
      qemu: 'q',
      arch: arm64,
      accel: 'tcg',
      memory: '1G',
      cpus: 1,
      image: 'k',
      initramfs: 'i',
      cmdline: 'c',
    });
    expect(tcg.slice(1, 5)).toEqual(['-M', 'virt', '-cpu', 'max']);
    const kvm = qemuArgv({
      qemu: 'q',
      arch: arm64,
      accel: 'kvm',
      memory: '1G',
      cpus: 1,
      image: 'k',
      initramfs: 'i',
      cmdline: 'c',
    });
    expect(kvm.slice(1, 5)).toEqual(['-M', 'virt', '-cpu', 'host']);
    expect(arm64.machine).toEqual(['-M', 'virt', '-cpu', 'max']); // the table row is not modified
  });
  it('ends the VM shortly after the end of a panic banner', () => {
    expect(stopAfterPanic(fixture('panic.log'))).toBe(2000);
    expect(stopAfterPanic(fixture('boot-clean.log'))).toBeNull();
  });
});

describe('QEMU refusing its configuration', () => {
  const ran = { timedOut: false, aborted: false, stopped: false };
  it("is QEMU's own message when it exits failing before the guest wrote a byte", () => {
    expect(qemuRefusal({ ...ran, output: '', exitCode: 1, stderr: fixture('qemu-refused-memory.stderr') })).toBe(
      "qemu-system-x86_64: cannot set up guest memory 'pc.ram': Cannot allocate memory",
    );
    expect(qemuRefusal({ ...ran, output: '', exitCode: 1, stderr: fixture('qemu-refused-cpus.stderr') })).toMatch(
      /^qemu-system-x86_64: Invalid SMP CPUs 1000\. The max CPUs supported by machine '.*' is 255$/,
    );
  });
  it('is not a refusal once the guest ran, on timeout, cancel or a clean exit', () => {
    const console = fixture('cloud-boot-tcg.console');
    expect(qemuRefusal({ ...ran, output: console, exitCode: 1, stderr: 'qemu: terminating on signal 15' })).toBeNull();
    expect(qemuRefusal({ ...ran, timedOut: true, output: '', exitCode: null, stderr: '' })).toBeNull();
    expect(qemuRefusal({ ...ran, aborted: true, output: '', exitCode: 1, stderr: 'x' })).toBeNull();
    expect(qemuRefusal({ ...ran, output: '', exitCode: 0, stderr: '' })).toBeNull();
  });
});

describe('vng command', () => {
  const base = { kernel: kernel(), arch: x86, memory: '2G', cpus: 2, accel: 'tcg' as const, append: undefined, exec: undefined };
  it('passes memory, CPUs, TCG, the console verbosity and the completion marker through', () => {
    expect(vngArgv('/usr/bin/vng', { ...base, kernelArg: '/src/linux' })).toEqual([
      '/usr/bin/vng',
      '--run',
      '/src/linux',
      '--memory',
      '2G',
      '--cpus',
      '2',
      '--disable-kvm',
      '--verbose',
      '--append',
      'panic=-1',
      '--exec',
      '(true); echo "kerntop-boot: completed rc=$?"',
    ]);
  });
  it('lets vng find the host kernel itself, keeps KVM when it works, cross-arch via --arch', () => {
    const host = vngArgv('vng', { ...base, kernel: kernel({ origin: 'host' }), accel: 'kvm', append: 'foo=1', exec: 'uname -r' });
    expect(host.slice(0, 2)).toEqual(['vng', '--run']);
    expect(host[2]).toBe('--memory');
    expect(host).not.toContain('--disable-kvm');
    expect(host.slice(-4)).toEqual(['--append', 'panic=-1 foo=1', '--exec', '(uname -r); echo "kerntop-boot: completed rc=$?"']);
    const cross = vngArgv('vng', { ...base, arch: arm64, kernel: kernel({ arch: arm64, image: '/t/arch/arm64/boot/Image' }) });
    if (process.arch === 'x64') expect(cross).toEqual(expect.arrayContaining(['--arch', 'arm64']));
    expect(vngExec('exit 3')).toBe('(exit 3); echo "kerntop-boot: completed rc=$?"');
  });
});

describe('KVM probe verdict', () => {
  it('calls the nested-hypervisor hang unusable and a real boot usable', () => {
    expect(judgeProbe(fixture('kvm-pvm-hang.console'))).toBe('no-output');
    expect(judgeProbe(fixture('cloud-boot-tcg.console'))).toBe('ok');
    expect(judgeProbe(fixture('panic.log'))).toBe('ok');
    expect(judgeProbe('[    0.000000] Linux version 6.1.0\n')).toBe('pending');
  });
});

describe('exit code', () => {
  const clean = {
    boot_completed: true,
    timeout_occurred: false,
    has_critical_issues: false,
    counts: { panics: 0, oops: 0, errors: 0, warnings: 0 },
    exec_rc: 0,
  };
  it('0 clean, 1 errors/warnings or a failing command, 2 critical, no boot or timeout', () => {
    expect(bootTestExitCode(clean)).toBe(0);
    expect(bootTestExitCode({ ...clean, counts: { ...clean.counts, warnings: 1 } })).toBe(1);
    expect(bootTestExitCode({ ...clean, exec_rc: 3 })).toBe(1);
    expect(bootTestExitCode({ ...clean, has_critical_issues: true })).toBe(2);
    expect(bootTestExitCode({ ...clean, boot_completed: false, exec_rc: null })).toBe(2);
    expect(bootTestExitCode({ ...clean, timeout_occurred: true })).toBe(2);
  });
});
