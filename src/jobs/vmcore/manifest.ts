// sos_reports/manifest.json, in sos's shape (sos/component.py, sos/report/__init__.py): top-level
// version, cmdline, times and compression; the component's enabled/disabled plugins and a
// per-plugin record of times, files and errors; plus what a vmcore adds: the dump and the debuginfo.
import type { VmcoreReportResult } from './model.js';

export interface ManifestInput {
  version: string;
  cmdline: string;
  tmpdir: string;
  result: VmcoreReportResult;
}

export function buildManifest({ version, cmdline, tmpdir, result: r }: ManifestInput): Record<string, unknown> {
  const plugins: Record<string, unknown> = {};
  for (const p of r.plugins) {
    plugins[p.name] = {
      status: p.status,
      start_time: p.start_time ?? null,
      end_time: p.end_time ?? null,
      run_time: p.run_time_s ?? null,
      files: p.files,
      notes: p.notes,
      error: p.error ?? null,
      reason: p.reason ?? null,
    };
  }
  return {
    version,
    cmdline,
    start_time: r.timings.start,
    end_time: r.timings.end,
    run_time: r.timings.run_time_s,
    compression: r.compression,
    tmpdir,
    status: r.status,
    exit_code: r.exit_code,
    components: {
      'vmcore-report': {
        vmcore: {
          path: r.dump.path,
          format: r.dump.format,
          producer: r.dump.producer,
          size_bytes: r.dump.size_bytes,
          expected_bytes: r.dump.expected_bytes,
          release: r.dump.release,
          build_id: r.dump.build_id,
          vmcoreinfo: r.dump.vmcoreinfo_present,
          problems: r.dump.problems,
        },
        debuginfo: r.debuginfo
          ? {
              vmlinux: r.debuginfo.source_path,
              loaded_from: r.debuginfo.vmlinux,
              origin: r.debuginfo.origin,
              matched_by: r.debuginfo.matched_by,
              message: r.debuginfo.message,
              checked: r.debuginfo.checked.map((c) => ({
                path: c.path,
                origin: c.origin,
                verdict: c.verdict,
                reason: c.reason,
                build_id: c.identity?.build_id ?? null,
                release: c.identity?.release ?? null,
              })),
              module_dirs: r.debuginfo.module_dirs,
            }
          : null,
        drgn: r.drgn,
        enabled_plugins: r.plugins.filter((p) => p.status !== 'skipped').map((p) => p.name),
        disabled_plugins: r.plugins.filter((p) => p.status === 'skipped').map((p) => p.name),
        plugins,
        timings: r.timings,
        problems: r.problems,
      },
    },
  };
}
