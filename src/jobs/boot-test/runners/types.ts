import type { ArchInfo } from '../arch.js';
import type { LocatedKernel } from '../kernel-locate.js';
import type { VmOutcome } from '../vm-process.js';

export type Accel = 'kvm' | 'tcg';

/** Everything a runner needs to boot one kernel once. */
export interface RunnerRequest {
  kernel: LocatedKernel;
  /** The path the user named (a tree or an image), which vng takes as is. */
  kernelArg?: string;
  arch: ArchInfo;
  memory: string;
  cpus: number;
  accel: Accel;
  /** Extra kernel command-line arguments from --append. */
  append?: string;
  exec?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  onData?: (chunk: string) => void;
  /** A private directory for this run's files (removed afterwards). */
  workDir: string;
}

export interface RunnerResult extends VmOutcome {
  runner: 'qemu' | 'vng';
  /** The command that ran, for the report and for rerunning it by hand. */
  command: string[];
}
