// virtme-ng: boots the kernel with the host's root filesystem as a copy-on-write snapshot. Its
// releases before PR #426 refuse to run unless stdin/stdout/stderr are a terminal, so it runs under a
// pseudo-terminal (node-pty) whatever kerntop's own stdio is. A PTY child is not a ChildProcess:
// it is killed here, as a group (node-pty starts it in its own session), on every way out.
// vng does not lead that session: when a session leader exits, Linux hangs the terminal up and
// drops output not yet read (measured: up to half of a 26 kB console lost). A small shell leads it,
// runs vng, prints a sentinel with vng's status and waits; seeing the sentinel means every byte
// before it has arrived, and the session is then killed.
import { createRequire } from 'node:module';
import { pdeathsigPrefix } from '../../../lifecycle.js';
import { hostArch } from '../arch.js';
import { BootTestSetupError } from '../errors.js';
import { MARKER_COMPLETED } from '../initramfs.js';
import { killGroup, watchVm } from '../vm-process.js';
import { stopAfterPanic, which } from './qemu.js';
import type { RunnerRequest, RunnerResult } from './types.js';

type NodePty = typeof import('@lydell/node-pty');

const SENTINEL = '__kerntop_vng_exit__';
const SENTINEL_RE = /\r?\n__kerntop_vng_exit__ (\d+)\r?\n/;

function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const live = new Set<number>();
let exitHookInstalled = false;
function trackPty(pid: number): void {
  live.add(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const p of live) killGroup(p, 'SIGKILL');
    });
  }
}

export function findVng(): string | null {
  return which('vng');
}

/**
 * The command run in the guest: the user's command in a subshell (so an `exit` in it still reaches
 * the marker), then the completion marker with its status, as the plain-QEMU /init prints it.
 */
export function vngExec(exec: string | undefined): string {
  return `(${exec ?? 'true'}); echo "${MARKER_COMPLETED} rc=$?"`;
}

export function vngArgv(
  vng: string,
  req: Pick<RunnerRequest, 'kernel' | 'kernelArg' | 'arch' | 'memory' | 'cpus' | 'accel' | 'append' | 'exec'>,
): string[] {
  const argv = [vng, '--run'];
  // vng finds the host's kernel (and its modules) by itself when --run has no argument.
  if (req.kernel.origin !== 'host') argv.push(req.kernelArg ?? req.kernel.image);
  argv.push('--memory', req.memory, '--cpus', String(req.cpus));
  if (req.accel === 'tcg') argv.push('--disable-kvm');
  if (req.arch.name !== hostArch()) argv.push('--arch', req.arch.name);
  // --verbose puts the kernel's console on the terminal; panic=-1 ends the VM at a panic.
  argv.push('--verbose', '--append', ['panic=-1', req.append?.trim()].filter(Boolean).join(' '));
  argv.push('--exec', vngExec(req.exec));
  return argv;
}

function loadPty(): NodePty {
  try {
    return createRequire(import.meta.url)('@lydell/node-pty') as NodePty;
  } catch (e) {
    throw new BootTestSetupError(
      `the vng runner needs the @lydell/node-pty module (${(e as Error).message}); run 'npm ci' in kerntop's directory, or use --runner qemu`,
    );
  }
}

export async function runVng(req: RunnerRequest): Promise<RunnerResult> {
  const vng = findVng();
  if (!vng)
    throw new BootTestSetupError('vng (virtme-ng) not found on PATH; install it (pip install virtme-ng) or use --runner qemu');
  const pty = loadPty();
  const command = vngArgv(vng, req);
  const pdeath = pdeathsigPrefix();
  const full = [
    ...pdeath,
    'sh',
    '-c',
    `${pdeath.map(shQuote).join(' ')} "$@"; printf '\\n${SENTINEL} %d\\n' $?; exec sleep 3600`,
    'sh',
    ...command,
  ];
  const t0 = performance.now();
  const state = { timedOut: false, aborted: false, stopped: false };
  let term: ReturnType<NodePty['spawn']>;
  try {
    term = pty.spawn(full[0], full.slice(1), {
      name: 'xterm',
      cols: 250,
      rows: 50,
      cwd: process.cwd(),
      env: process.env as Record<string, string>,
    });
  } catch (e) {
    throw new BootTestSetupError(`cannot start ${vng} under a pseudo-terminal: ${(e as Error).message}`);
  }
  trackPty(term.pid);
  let output = '';
  return await new Promise<RunnerResult>((resolve) => {
    const w = watchVm(
      { timeoutMs: req.timeoutMs, signal: req.signal, stopWhen: stopAfterPanic },
      () => killGroup(term.pid),
      state,
    );
    let vngExit: number | null = null;
    let held = '';
    const dataSub = term.onData((d) => {
      if (vngExit !== null) return;
      // Hold back a possible start of the sentinel so it never reaches the console text.
      const all = held + d;
      const m = SENTINEL_RE.exec(all);
      let text: string;
      if (m) {
        vngExit = Number(m[1]);
        text = all.slice(0, m.index);
        held = '';
      } else {
        const cut = all.lastIndexOf('\n');
        const keep = cut >= 0 && all.length - cut <= SENTINEL.length + 16 ? cut : all.length;
        text = all.slice(0, keep);
        held = all.slice(keep);
      }
      if (text) {
        output += text;
        req.onData?.(text);
        w.onOutput(output.slice(-(text.length + 128)));
      }
      if (vngExit !== null) killGroup(term.pid);
    });
    term.onExit(() => {
      w.dispose();
      dataSub.dispose();
      killGroup(term.pid, 'SIGKILL', true);
      live.delete(term.pid);
      if (held && vngExit === null) output += held;
      resolve({
        output,
        stderr: '',
        exitCode: vngExit,
        signal: null,
        ...state,
        wall_ms: performance.now() - t0,
        runner: 'vng',
        command,
      });
    });
  });
}
