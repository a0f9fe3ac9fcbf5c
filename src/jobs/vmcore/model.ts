// The typed result of a vmcore report: what the CLI prints, what --json emits, what sos.json holds
// and what a TUI view would render.
import type { PanicReason } from './classify.js';
import type { DebuginfoResult } from './debuginfo.js';
import type { DumpInfo } from './dumpfile.js';
import type { Compression } from './archive.js';

export interface Frame {
  index: number;
  function: string | null;
  symbol?: string;
  offset?: string;
  inline?: boolean;
  file?: string;
  line?: number;
  pc?: string | null;
}

export interface TaintFlag {
  bit: number;
  letter: string;
  name: string;
  meaning: string;
}

export interface PluginRun {
  name: string;
  status: 'ok' | 'failed' | 'skipped' | 'not_run';
  /** Why it was skipped or did not run. */
  reason?: string;
  error?: string;
  traceback?: string;
  start_time?: string;
  end_time?: string;
  run_time_s?: number;
  files: string[];
  notes: string[];
  data?: Record<string, unknown>;
}

export interface DrgnInfo {
  version: string;
  python: string;
  executable: string;
  libkdumpfile: boolean;
  helpers: Record<string, boolean>;
}

export interface KernelFacts {
  release: string | null;
  version: string | null;
  nodename: string | null;
  machine: string | null;
  banner: string | null;
  taints: { mask: number; string: string; letters: string; flags: TaintFlag[] } | null;
  uptime_s: number | null;
  crash_time: { epoch_s: number; iso: string; source: string } | null;
}

export interface CrashedTask {
  pid: number;
  comm: string;
  cpu: number;
  state: string;
  task?: string;
}

export interface VmcoreReportResult {
  ok: boolean;
  /** 0 complete, 1 made but something failed or is degraded, 3 nothing could be read from the dump. */
  exit_code: 0 | 1 | 3;
  status: 'complete' | 'partial' | 'failed' | 'cancelled';
  name: string;
  archive: string | null;
  checksum: string | null;
  build_dir: string | null;
  compression: Exclude<Compression, 'auto'>;
  dump: Omit<DumpInfo, 'vmcoreinfo_text' | 'vmcoreinfo'> & { vmcoreinfo_present: boolean };
  debuginfo: DebuginfoResult | null;
  drgn: DrgnInfo | null;
  kernel: KernelFacts;
  panic: PanicReason & { crashed: CrashedTask | null; backtrace: Frame[] };
  plugins: PluginRun[];
  /** Plain sentences naming what went wrong and the fix, most serious first. */
  problems: string[];
  log_tail: string[];
  timings: {
    start: string;
    end: string;
    run_time_s: number;
    inspect_s: number;
    debuginfo_s: number;
    collector_s: number;
    archive_s: number;
  };
}
