// Plain QEMU: the kernel, a busybox initramfs, a serial console on stdout, no reboot. Works without a
// terminal and without anything from the host's root filesystem.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ArchInfo } from '../arch.js';
import { BootTestSetupError } from '../errors.js';
import { runInitramfs } from '../initramfs.js';
import { runVmProcess, type VmOutcome } from '../vm-process.js';
import type { Accel, RunnerRequest, RunnerResult } from './types.js';

export function which(cmd: string, path = process.env.PATH ?? ''): string | null {
  for (const d of path.split(':')) {
    if (d && existsSync(join(d, cmd))) return join(d, cmd);
  }
  return null;
}

/** The qemu-system binary for `arch`, or a BootTestSetupError naming the package. */
export function findQemu(arch: ArchInfo): string {
  const q = which(arch.qemu);
  if (!q) {
    throw new BootTestSetupError(`${arch.qemu} not found on PATH; install it: apt-get install ${arch.qemuPackage}`);
  }
  return q;
}

/** Kernel command line: the serial console, panic -> immediate reboot (which -no-reboot turns into an exit). */
export function kernelCmdline(arch: ArchInfo, append?: string): string {
  return [`console=${arch.console}`, 'panic=-1', append?.trim()].filter(Boolean).join(' ');
}

export function qemuArgv(o: {
  qemu: string;
  arch: ArchInfo;
  accel: Accel;
  memory: string;
  cpus: number;
  image: string;
  initramfs: string;
  cmdline: string;
}): string[] {
  const machine = [...o.arch.machine];
  // -cpu max works under TCG on virt machines; KVM wants the host's CPU model there.
  const cpuAt = machine.indexOf('-cpu');
  if (o.accel === 'kvm' && cpuAt >= 0) machine[cpuAt + 1] = 'host';
  return [
    o.qemu,
    ...machine,
    '-accel',
    o.accel,
    '-m',
    o.memory,
    '-smp',
    String(o.cpus),
    '-kernel',
    o.image,
    '-initrd',
    o.initramfs,
    '-append',
    o.cmdline,
    // No default devices (VGA, NIC with its option ROM): nothing to boot but the kernel.
    '-nodefaults',
    '-no-user-config',
    '-display',
    'none',
    '-serial',
    'stdio',
    '-no-reboot',
  ];
}

/** After the end of a panic banner the guest reboots (and exits) at once; give it 2 s, then end it. */
export function stopAfterPanic(output: string): number | null {
  return output.includes('---[ end Kernel panic') ? 2000 : null;
}

export async function runQemu(req: RunnerRequest): Promise<RunnerResult> {
  const qemu = findQemu(req.arch);
  const initramfs = runInitramfs(req.arch, req.workDir, req.exec);
  const command = qemuArgv({
    qemu,
    arch: req.arch,
    accel: req.accel,
    memory: req.memory,
    cpus: req.cpus,
    image: req.kernel.image,
    initramfs: initramfs.path,
    cmdline: kernelCmdline(req.arch, req.append),
  });
  const out = await runVmProcess(command, {
    timeoutMs: req.timeoutMs,
    signal: req.signal,
    onData: req.onData,
    stopWhen: stopAfterPanic,
  });
  if (out.spawnError) {
    throw new BootTestSetupError(
      `cannot start ${qemu}: ${out.spawnError.message}; install it: apt-get install ${req.arch.qemuPackage}`,
    );
  }
  const refusal = qemuRefusal(out);
  if (refusal) {
    throw new BootTestSetupError(
      `${req.arch.qemu} refused the VM configuration: ${refusal}. Fix what it names (this VM had --memory ${req.memory}, --cpus ${req.cpus})`,
    );
  }
  return { ...out, runner: 'qemu', command };
}

/**
 * QEMU's own reason when it exited before the guest ran: a failing exit status with not one byte on
 * the serial console (a guest that ran and died leaves its console; its poweroff or, with -no-reboot,
 * its reboot exits 0). Null when the guest ran.
 */
export function qemuRefusal(
  out: Pick<VmOutcome, 'output' | 'stderr' | 'exitCode' | 'timedOut' | 'aborted' | 'stopped'>,
): string | null {
  if (out.timedOut || out.aborted || out.stopped || out.exitCode === null || out.exitCode === 0) return null;
  if (out.output.trim() !== '') return null;
  const lines = out.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.length ? lines.slice(-3).join(' | ') : `it exited with status ${out.exitCode} and said nothing`;
}
