// The vmcore report job: options in, one JobProgressEvent per step and per plugin out, a typed
// result at the end. The CLI (kerntop vmcore-report) and the TUI call this same function.
// Whatever happens, an archive comes out holding what could be collected and the log of what
// failed; only cancellation leaves nothing behind.
import { mkdtemp, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { JobProgressEvent, JobResultEvent } from '../../events.js';
import {
  ARCHIVE_EXT,
  type Compression,
  archiveName,
  lockDown,
  mkdirPrivate,
  packArchive,
  resolveCompression,
  uniquePath,
  writeChecksum,
  writePrivate,
} from './archive.js';
import { panicReason } from './classify.js';
import { type CollectorEvent, NO_DRGN_FIX, runCollector } from './collector.js';
import { type DebuginfoResult, resolveDebuginfo } from './debuginfo.js';
import { type DumpInfo, inspectDump } from './dumpfile.js';
import { buildManifest } from './manifest.js';
import { OutputDirError, ensureOutputDir, resolveUserPaths } from './paths.js';
import type { CrashedTask, DrgnInfo, Frame, KernelFacts, PluginRun, VmcoreReportResult } from './model.js';
import { type PluginSelection, VMCORE_PLUGINS, selectPlugins } from './plugins-select.js';
import { type PluginProgress, pluginProgress } from './progress.js';
import { logTail, renderSosTxt } from './report-text.js';

export const JOB_NAME = 'vmcore-report';

export interface VmcoreReportOptions {
  vmcore: string;
  vmlinux?: string;
  debuginfoDirs?: string[];
  enablePlugins?: string[];
  onlyPlugins?: string[];
  skipPlugins?: string[];
  experimental?: boolean;
  label?: string;
  /** Keep the uncompressed directory instead of packing it (sos --build). */
  build?: boolean;
  compression?: Compression;
  /** Where the archive (and the build directory) go; sos's default is /var/tmp. */
  tmpDir?: string;
  /** The command line, for the manifest. */
  cmdline?: string;
  version?: string;
  pluginTimeoutS?: number;
  slabTopN?: number;
}

export interface JobHooks {
  onEvent?: (ev: JobProgressEvent | JobResultEvent) => void;
  signal?: AbortSignal;
}

// Problems that mean drgn would not even open the file: do not start it.
const NO_COLLECTOR = new Set([
  'not_found',
  'permission',
  'not_a_file',
  'empty',
  'not_vmcore',
  'flattened',
  'unreadable',
  'corrupt',
]);

const OPEN_KIND_FIX: Record<string, string> = {
  no_vmcoreinfo: 'the dump has no VMCOREINFO note',
  not_core: 'drgn does not recognise the file as a core dump',
  permission: 'permission denied: run as root',
  kdump_arch:
    "this libkdumpfile cannot tell the architecture of a kdump-compressed dump without it in the header (QEMU's kdump formats): dump with QMP dump-guest-memory format elf, paging on",
};

export async function runVmcoreReport(given: VmcoreReportOptions, hooks: JobHooks = {}): Promise<VmcoreReportResult> {
  const { signal } = hooks;
  // Absolute from here on: the collector runs in another directory, and the report names them.
  const opts = resolveUserPaths(given);
  const t0 = performance.now();
  const start = new Date();
  const logLines: string[] = [];
  const log = (line: string, progress = false, plugin?: PluginProgress) => {
    logLines.push(`${new Date().toISOString()} ${line}`);
    if (progress)
      hooks.onEvent?.({ type: 'job.progress', ts_ms: Date.now(), job: JOB_NAME, message: line, ...(plugin ? { plugin } : {}) });
  };
  const selection: PluginSelection = selectPlugins({
    enable: opts.enablePlugins,
    only: opts.onlyPlugins,
    skip: opts.skipPlugins,
    experimental: opts.experimental,
  });
  const { tmpDir } = opts;
  await ensureOutputDir(tmpDir);
  await sweepStale(tmpDir);
  // The pid in the name lets a later run remove what a killed run (SIGKILL, power loss) left behind.
  let priv: string;
  try {
    priv = await mkdtemp(join(tmpDir, `kerntop-vmcore.${process.pid}.`));
  } catch (e) {
    throw new OutputDirError(
      `cannot write the report under ${tmpDir}: ${(e as Error).message}; name a writable directory with --tmp-dir`,
    );
  }
  const collect = join(priv, 'report');
  const scratch = join(priv, 'scratch');
  await mkdirPrivate(collect);
  await mkdirPrivate(scratch);
  const problems: string[] = [];
  const timings = { inspect_s: 0, debuginfo_s: 0, collector_s: 0, archive_s: 0 };
  const since = (t: number) => Math.round(performance.now() - t) / 1000;
  try {
    log(`kerntop vmcore-report ${opts.version ?? ''} started: ${opts.cmdline ?? ''}`.trim(), false);
    log(
      `plugins to run: ${selection.run.join(', ') || 'none'}; skipped: ${selection.skipped.map((s) => `${s.name} (${s.reason})`).join(', ') || 'none'}`,
      true,
    );

    // A directory the user named that is not there finds nothing; say so rather than ignore it.
    for (const d of opts.debuginfoDirs ?? []) {
      const st = await stat(d).catch(() => null);
      if (st?.isDirectory()) continue;
      const msg = `--debuginfo-dir ${d} ${st ? 'is not a directory' : 'does not exist'}; name the root of an unpacked debug package (the directory holding usr/lib/debug)`;
      log(msg, true);
      problems.push(msg);
    }

    // 1. The dump's headers.
    let t = performance.now();
    const dump = await inspectDump(opts.vmcore);
    timings.inspect_s = since(t);
    log(
      `dump ${dump.path}: format ${dump.format}, producer ${dump.producer}, ${dump.size_bytes ?? '?'} bytes, release ${dump.release ?? 'unknown'}, build id ${dump.build_id ?? 'none'}`,
      true,
    );
    for (const p of dump.problems) {
      log(`dump problem (${p.kind}${p.fatal ? ', fatal' : ''}): ${p.message}`, true);
      problems.push(p.message);
    }
    const runCollectorAtAll = !dump.problems.some((p) => p.fatal && NO_COLLECTOR.has(p.kind));

    // 2. Debuginfo.
    let debuginfo: DebuginfoResult | null = null;
    if (runCollectorAtAll && dump.vmcoreinfo_text) {
      t = performance.now();
      debuginfo = await resolveDebuginfo({
        vmlinux: opts.vmlinux,
        debuginfoDirs: opts.debuginfoDirs,
        dump,
        scratchDir: scratch,
        signal,
        log: (l) => log(l, true),
      });
      timings.debuginfo_s = since(t);
      log(`debuginfo: ${debuginfo.message}`, true);
      if (!debuginfo.vmlinux) problems.push(debuginfo.message);
      else if (debuginfo.checked.some((c) => c.verdict === 'mismatch')) {
        problems.push(
          `some vmlinux candidates were of another kernel: ${debuginfo.checked
            .filter((c) => c.verdict === 'mismatch')
            .map((c) => `${c.path} ${c.reason}`)
            .join('; ')}`,
        );
      }
    }

    // 3. The collector.
    const runs = new Map<string, PluginRun>();
    for (const s of selection.skipped)
      runs.set(s.name, { name: s.name, status: 'skipped', reason: s.reason, files: [], notes: [] });
    for (const n of selection.run)
      runs.set(n, { name: n, status: 'not_run', reason: 'the collector did not reach it', files: [], notes: [] });
    let drgn: DrgnInfo | null = null;
    let opened = false;
    if (runCollectorAtAll) {
      t = performance.now();
      const onEv = (ev: CollectorEvent) => {
        switch (ev.type) {
          case 'hello':
            drgn = {
              version: ev.drgn_version,
              python: ev.python,
              executable: ev.python_executable,
              libkdumpfile: ev.libkdumpfile,
              helpers: ev.helpers,
            };
            log(
              `drgn ${ev.drgn_version} (Python ${ev.python}, ${ev.python_executable}, libkdumpfile ${ev.libkdumpfile ? 'yes' : 'no'}, collector pid ${ev.pid})`,
              true,
            );
            break;
          case 'open':
            opened = ev.ok;
            if (ev.ok) log(`drgn opened the dump in ${ev.time_s} s`, true);
            else {
              // The header check usually said it already, with the fix; repeat only what is new.
              const known = ev.kind && dump.problems.some((p) => p.kind === ev.kind);
              const msg = `drgn could not open the dump: ${ev.error}${!known && ev.kind && OPEN_KIND_FIX[ev.kind] ? ` (${OPEN_KIND_FIX[ev.kind]})` : ''}`;
              log(msg, true);
              problems.push(msg);
            }
            break;
          case 'debuginfo':
            if (ev.ok) {
              log(
                `loaded ${ev.vmlinux} in ${ev.time_s} s; module debuginfo loaded for ${ev.modules_loaded?.join(', ') || 'none'}, missing for ${ev.modules_missing?.join(', ') || 'none'}`,
                true,
              );
            } else {
              const msg = `could not load ${ev.vmlinux}: ${ev.error}`;
              log(msg, true);
              problems.push(msg);
            }
            if (ev.warning) log(`drgn: ${ev.warning}`);
            break;
          case 'plugin.start': {
            const r = runs.get(ev.name);
            if (r) r.start_time = new Date().toISOString();
            log(`plugin ${ev.name}: started`, true, pluginProgress(ev)!);
            break;
          }
          case 'plugin.end': {
            const r = runs.get(ev.name) ?? { name: ev.name, status: 'not_run', files: [], notes: [] };
            runs.set(ev.name, r);
            r.end_time = new Date().toISOString();
            r.run_time_s = ev.time_s;
            r.files = ev.files;
            r.notes = ev.notes;
            r.data = ev.data ?? undefined;
            const progress = pluginProgress(ev)!;
            r.status = progress.status as PluginRun['status'];
            r.reason = ev.skipped ? ev.error : undefined;
            r.error = ev.ok || ev.skipped ? undefined : ev.error;
            r.traceback = ev.traceback;
            log(`plugin ${ev.name}: ${r.status}${ev.error ? `: ${ev.error}` : ''} in ${ev.time_s} s`, true, progress);
            if (ev.traceback) log(`plugin ${ev.name} traceback:\n${ev.traceback}`);
            for (const n of ev.notes) log(`plugin ${ev.name}: note: ${n}`);
            if (r.status === 'failed') problems.push(`plugin ${ev.name} failed: ${ev.error}`);
            break;
          }
          case 'done':
            log(`collector done in ${ev.time_s} s`);
            break;
          case 'fatal':
            log(`collector: ${ev.kind}: ${ev.message}`, true);
            break;
        }
      };
      const res = await runCollector(
        {
          vmcore: dump.path,
          vmlinux: debuginfo?.vmlinux ?? null,
          module_debuginfo_dirs: debuginfo?.module_dirs ?? opts.debuginfoDirs ?? [],
          vmcoreinfo: dump.vmcoreinfo_text,
          plugins: selection.run,
          out_dir: collect,
          options: { slab_top_n: opts.slabTopN ?? 20 },
          plugin_timeout_s: opts.pluginTimeoutS ?? 300,
        },
        onEv,
        signal,
      );
      timings.collector_s = since(t);
      if (res.cancelled || signal?.aborted) throw new CancelledError();
      if (res.no_drgn.length && !drgn) {
        const msg = `drgn is not available (${res.no_drgn.join('; ')}): ${NO_DRGN_FIX}`;
        log(msg, true);
        problems.push(msg);
      } else if (res.exit_code !== 0 && opened) {
        problems.push(
          `the collector (${res.python}) exited with code ${res.exit_code}${res.stderr ? `: ${res.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`,
        );
      }
      if (res.stderr.trim()) log(`collector stderr:\n${res.stderr.trimEnd()}`);
      for (const s of res.stray) log(`collector printed: ${s}`);
    }
    for (const r of runs.values()) {
      if (r.status !== 'not_run') continue;
      if (!runCollectorAtAll) r.reason = 'the dump could not be read';
      else if (!drgn) r.reason = 'drgn is not available';
      else if (!opened) r.reason = 'drgn could not open the dump';
    }
    // A fault reading a truncated dump is the truncation, not a bug in the plugin: say so.
    if (dump.problems.some((p) => p.kind === 'truncated')) {
      for (const r of runs.values()) {
        if (r.status === 'failed' && /FaultError|short read/.test(r.error ?? ''))
          r.error += ' (memory past the end of the truncated dump)';
      }
    }

    // 4. Interpretation: facts, panic reason through the log classifier.
    const plugins = [...VMCORE_PLUGINS.map((p) => runs.get(p.name)!).filter(Boolean)];
    // Plugin data is JSON the collector wrote: read field by field, as the plugins define it.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const kdata = runs.get('kernel_info')?.data as Record<string, any> | undefined;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const pdata = runs.get('panic')?.data as Record<string, any> | undefined;
    let logText: string = (pdata?.log_text as string | undefined) ?? '';
    if (!logText) logText = await readFile(join(collect, 'plugins', 'dmesg', 'dmesg.txt'), 'utf8').catch(() => '');
    if (pdata) delete pdata.log_text; // the whole log is in plugins/dmesg; not repeated in sos.json
    const reason = panicReason(logText, (pdata?.panic_line as string | undefined) ?? null);
    if (reason.classifier_error) log(`log classifier unavailable: ${reason.classifier_error}`);
    const kernel: KernelFacts = {
      release: kdata?.uts?.release ?? dump.release,
      version: kdata?.uts?.version ?? null,
      nodename: kdata?.uts?.nodename ?? null,
      machine: kdata?.uts?.machine ?? null,
      banner: kdata?.banner ?? null,
      taints: kdata?.taints ?? null,
      uptime_s: kdata?.uptime_s ?? null,
      crash_time:
        kdata?.crash_time ??
        (dump.crash_time_s
          ? { epoch_s: dump.crash_time_s, iso: new Date(dump.crash_time_s * 1000).toISOString(), source: 'dump header' }
          : null),
    };
    const crashed = (pdata?.crashed as CrashedTask | undefined) ?? null;
    const backtrace = (pdata?.backtrace as Frame[] | undefined) ?? [];

    // 5. The archive.
    const compression = opts.build ? 'none' : await resolveCompression(opts.compression ?? 'auto');
    const nodename = kernel.nodename && kernel.nodename !== '(none)' ? kernel.nodename : null;
    // The crashed machine's name; a dump kdump left under /var/crash is this machine's own.
    const local = dump.path.startsWith('/var/crash/') ? hostname() : 'unknown';
    const name = archiveName(nodename ?? local, opts.label, start);
    const fatal = !opened;
    const failed = plugins.some((p) => p.status === 'failed' || p.status === 'not_run');
    const exit_code: 0 | 1 | 3 = fatal ? 3 : failed || problems.length ? 1 : 0;
    const { vmcoreinfo_text: vmciText, vmcoreinfo: _vmci, ...dumpRest } = dump;
    const result: VmcoreReportResult = {
      ok: exit_code === 0,
      exit_code,
      status: fatal ? 'failed' : exit_code ? 'partial' : 'complete',
      name,
      archive: null,
      checksum: null,
      build_dir: null,
      compression: opts.build ? 'none' : compression,
      dump: { ...dumpRest, vmcoreinfo_present: Boolean(vmciText) },
      debuginfo,
      drgn,
      kernel,
      panic: { ...reason, crashed, backtrace },
      plugins,
      problems,
      log_tail: logTail(logText),
      timings: { start: start.toISOString(), end: '', run_time_s: 0, ...timings },
    };
    t = performance.now();
    log(`report ${result.status} (exit code ${exit_code}); packing ${name}`, true);
    const finish = () => {
      result.timings.end = new Date().toISOString();
      result.timings.run_time_s = since(t0);
    };
    finish();
    await writeReportFiles(collect, result, opts, tmpDir, dump, logLines);
    await lockDown(collect);
    const named = join(priv, name);
    await rename(collect, named);
    if (opts.build) {
      const dest = uniquePath(join(tmpDir, name));
      await rename(named, dest);
      result.build_dir = dest;
    } else {
      const archive = uniquePath(join(tmpDir, name + ARCHIVE_EXT[compression]));
      await packArchive(priv, name, archive, compression, signal);
      result.archive = archive;
      result.checksum = await writeChecksum(archive, priv);
    }
    timings.archive_s = since(t);
    result.timings.archive_s = timings.archive_s;
    finish();
    hooks.onEvent?.({ type: 'job.result', ts_ms: Date.now(), job: JOB_NAME, ok: result.ok, summary: summaryLine(result) });
    return result;
  } catch (e) {
    if (signal?.aborted) throw new CancelledError();
    throw e;
  } finally {
    await rm(priv, { recursive: true, force: true });
  }
}

/** Removes private work directories of kerntop runs that no longer exist (a decompressed vmlinux is 600 MB). */
async function sweepStale(tmpDir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(tmpDir);
  } catch {
    return;
  }
  for (const e of entries) {
    const m = /^kerntop-vmcore\.(\d+)\./.exec(e);
    if (!m || Number(m[1]) === process.pid) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH')
        await rm(join(tmpDir, e), { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

export class CancelledError extends Error {
  constructor() {
    super('vmcore report cancelled');
  }
}

async function writeReportFiles(
  dir: string,
  r: VmcoreReportResult,
  opts: VmcoreReportOptions,
  tmpDir: string,
  dump: DumpInfo,
  logLines: string[],
) {
  const version = opts.version ?? '0';
  await writePrivate(dir, 'version.txt', `kerntop vmcore-report: ${version}\n`);
  if (dump.vmcoreinfo_text) await writePrivate(dir, 'vmcoreinfo', dump.vmcoreinfo_text + '\n');
  await writePrivate(dir, 'sos_reports/sos.txt', renderSosTxt(r));
  await writePrivate(dir, 'sos_reports/sos.json', JSON.stringify(r, null, 2) + '\n');
  await writePrivate(
    dir,
    'sos_reports/manifest.json',
    JSON.stringify(
      buildManifest({ version: `kerntop ${version}`, cmdline: opts.cmdline ?? '', tmpdir: tmpDir, result: r }),
      null,
      2,
    ) + '\n',
  );
  logLines.push(`${new Date().toISOString()} report files written`);
  await writePrivate(dir, 'sos_logs/sos.log', logLines.join('\n') + '\n');
}

export function summaryLine(r: VmcoreReportResult): string {
  const why = r.panic.reason ?? r.panic.title ?? 'no panic found';
  const who = r.panic.crashed ? `${r.panic.crashed.comm}[${r.panic.crashed.pid}] on CPU ${r.panic.crashed.cpu}` : 'task unknown';
  return `${r.kernel.release ?? 'unknown kernel'}: ${why}; ${who}; ${r.status}`;
}
