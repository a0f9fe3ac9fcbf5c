// Starts the Python collector (python/kerntop_vmcore) under an interpreter that has drgn, feeds it
// its configuration on stdin and hands each JSON line it prints to the caller as it arrives.
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { type CollectorEvent, type PluginEndEvent, parseCollectorLine } from './protocol.js';
import { PYTHON_DIR } from './python-dir.js';

export { PYTHON_DIR };

export interface CollectorConfig {
  vmcore: string;
  vmlinux: string | null;
  module_debuginfo_dirs: string[];
  vmcoreinfo: string | null;
  plugins: string[];
  out_dir: string;
  options: Record<string, unknown>;
  plugin_timeout_s: number;
}

export type { CollectorEvent, PluginEndEvent };

export interface CollectorRun {
  python: string;
  exit_code: number | null;
  stderr: string;
  /** Lines on stdout that were not protocol events (never expected; kept for the log, with why). */
  stray: string[];
  no_drgn: string[];
  cancelled: boolean;
}

/** Interpreters to try: $KERNTOP_PYTHON alone when set; else Debian's (where python3-drgn lives), then PATH's. */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.KERNTOP_PYTHON) return [env.KERNTOP_PYTHON];
  return ['/usr/bin/python3', 'python3'].filter((p) => !p.startsWith('/') || existsSync(p));
}

export const NO_DRGN_FIX =
  'install drgn: apt-get install python3-drgn (Debian/Ubuntu; it runs under /usr/bin/python3), dnf install drgn (Fedora), or pip install drgn; KERNTOP_PYTHON=/path/to/python3 picks the interpreter';

async function runOnce(python: string, cfg: CollectorConfig, onEvent: (ev: CollectorEvent) => void, signal?: AbortSignal) {
  const child = execa(python, ['-B', '-m', 'kerntop_vmcore', '-'], {
    cwd: PYTHON_DIR,
    env: { PYTHONPATH: [PYTHON_DIR, process.env.PYTHONPATH].filter(Boolean).join(':'), PYTHONUNBUFFERED: '1' },
    input: JSON.stringify(cfg),
    reject: false,
    cancelSignal: signal,
    forceKillAfterDelay: 2000,
    buffer: { stdout: false },
    cleanup: true,
  });
  const stray: string[] = [];
  let noDrgn: string | null = null;
  const rl = createInterface({ input: child.stdout! });
  rl.on('line', (line) => {
    if (!line.trim()) return;
    const parsed = parseCollectorLine(line);
    if (!parsed.ok) {
      stray.push(parsed.error === 'not JSON' ? line : `${line} (not a protocol event: ${parsed.error})`);
      return;
    }
    const ev = parsed.event;
    if (ev.type === 'fatal' && ev.kind === 'no_drgn') noDrgn = ev.message;
    onEvent(ev);
  });
  const res = await child;
  rl.close();
  return { res, stray, noDrgn: noDrgn as string | null };
}

export async function runCollector(
  cfg: CollectorConfig,
  onEvent: (ev: CollectorEvent) => void,
  signal?: AbortSignal,
): Promise<CollectorRun> {
  const noDrgn: string[] = [];
  const cands = pythonCandidates();
  for (const python of cands) {
    let r;
    try {
      r = await runOnce(
        python,
        cfg,
        (ev) => {
          if (!(ev.type === 'fatal' && ev.kind === 'no_drgn')) onEvent(ev);
        },
        signal,
      );
    } catch (e) {
      noDrgn.push(`${python}: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    const { res, stray } = r;
    if (r.noDrgn) {
      noDrgn.push(r.noDrgn);
      continue;
    }
    if (
      (res as { code?: string }).code === 'ENOENT' ||
      (res.exitCode === undefined && !res.isCanceled && res.failed && !res.signal)
    ) {
      noDrgn.push(`${python}: not found`);
      continue;
    }
    return {
      python,
      exit_code: res.exitCode ?? null,
      stderr: String(res.stderr ?? ''),
      stray,
      no_drgn: noDrgn,
      cancelled: Boolean(res.isCanceled),
    };
  }
  return {
    python: cands[cands.length - 1] ?? 'python3',
    exit_code: null,
    stderr: '',
    stray: [],
    no_drgn: noDrgn,
    cancelled: Boolean(signal?.aborted),
  };
}
