// CPU of bin/kerntop left alone in a tmux pane, against a reference top-like tool (htop, else top)
// running in another pane of the same size over the same seconds. CPU is read from /proc/PID/stat
// (utime + stime of that process alone; kerntop's bpftrace child is not counted).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface IdleResult {
  name: string;
  pct: number;
  refName: string;
  refPct: number;
  note?: string;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLK_TCK = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function has(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

function paneCommand(argv: string[]): string {
  return argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
}

/**
 * Starts `bin/kerntop ARGV` and the reference in two detached tmux sessions of columns x rows, lets both
 * settle for a few seconds, then measures both over `seconds`.
 */
export async function idleInTmux(
  name: string,
  argv: string[],
  seconds: number,
  columns: number,
  rows: number,
): Promise<IdleResult> {
  const refName = has('htop') ? 'htop' : 'top';
  if (!has('tmux')) return { name, pct: NaN, refName, refPct: NaN, note: 'tmux missing (scripts/setup.sh installs it)' };
  if (!existsSync(`${ROOT}/dist/cli/main.js`))
    return { name, pct: NaN, refName, refPct: NaN, note: 'dist/ missing: npx tsc -p tsconfig.json' };
  const sock = `kerntop-bench-idle-${process.pid}`;
  const tmux = (...a: string[]) => execFileSync('tmux', ['-L', sock, ...a], { encoding: 'utf8' }).trim();
  const env = `cd ${paneCommand([ROOT])} && export LANG=C.UTF-8 TERM=xterm-256color NODE_ENV=production &&`;
  try {
    tmux(
      'new-session',
      '-d',
      '-s',
      'kerntop',
      '-x',
      String(columns),
      '-y',
      String(rows),
      `${env} exec ${paneCommand([`${ROOT}/bin/kerntop`, ...argv])}`,
    );
    tmux('new-session', '-d', '-s', 'ref', '-x', String(columns), '-y', String(rows), `${env} exec ${refName}`);
    const pid = Number(tmux('display-message', '-p', '-t', 'kerntop', '#{pane_pid}'));
    const refPid = Number(tmux('display-message', '-p', '-t', 'ref', '#{pane_pid}'));
    // Start-up (module loading, the probes' compile, a replay's burst) is not what is measured: wait
    // until the screen is up and its body has held still for 2 s (a live one may never: 30 s at most).
    const body = () => tmux('capture-pane', '-p', '-t', 'kerntop').split('\n').slice(1).join('\n');
    const settleUntil = Date.now() + 30_000;
    let last = body();
    let stillSince = Date.now();
    while (Date.now() < settleUntil && !(last.includes('Subsystems') && Date.now() - stillSince >= 2000)) {
      await sleep(250);
      const now = body();
      if (now !== last) {
        last = now;
        stillSince = Date.now();
      }
    }
    const k0 = cpuTicks(pid);
    const r0 = cpuTicks(refPid);
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const k1 = cpuTicks(pid);
    const r1 = cpuTicks(refPid);
    const wallS = (performance.now() - t0) / 1000;
    const pct = (ticks: number) => (100 * ticks) / CLK_TCK / wallS;
    const shown = tmux('capture-pane', '-p', '-t', 'kerntop');
    const note = shown.includes('Subsystems')
      ? undefined
      : `the pane did not show the monitor: ${shown.split('\n').find((l) => l.trim()) ?? '(empty)'}`;
    return { name, pct: pct(k1 - k0), refName, refPct: pct(r1 - r0), note };
  } finally {
    try {
      tmux('send-keys', '-t', 'kerntop', 'q');
      await sleep(1500);
    } catch {
      // already gone
    }
    try {
      tmux('kill-server');
    } catch {
      // no server left
    }
  }
}
