// sos_reports/sos.txt: what a person reads first. The order follows crash's `sys` banner and the
// questions people ask of a dump: why it died, who was running and where, how the kernel was
// tainted, which kernel and for how long, the log just before, and then whether the data can be
// trusted (dump complete, vmlinux matching, drgn's version).
import type { Frame, VmcoreReportResult } from './model.js';
import { humanBytes } from './dumpfile.js';

export const LOG_TAIL_LINES = 50;

export function formatFrame(f: Frame): string {
  const name = f.function ?? f.symbol ?? f.pc ?? '?';
  const off = f.offset && !f.inline ? `+${f.offset}` : '';
  const where = f.file ? ` ${f.file}:${f.line ?? '?'}` : '';
  return `#${String(f.index).padEnd(2)} ${name}${off}${f.inline ? ' (inlined)' : ''}${where}`;
}

/** The last n lines of the log, ending at the panic's end marker when there is one. */
export function logTail(logText: string, n = LOG_TAIL_LINES): string[] {
  if (!logText.trim()) return [];
  const lines = logText.replace(/\n+$/, '').split('\n');
  return lines.slice(Math.max(0, lines.length - n));
}

function kv(label: string, value: string): string {
  return `${label.padEnd(12)}${value}`;
}

export function renderSosTxt(r: VmcoreReportResult): string {
  const out: string[] = [];
  const k = r.kernel;
  out.push(`kerntop vmcore report: ${r.dump.path}`, '');
  const p = r.panic;
  out.push(kv('PANIC:', p.line ? `"${p.line}"` : 'no panic line found in the log'));
  if (p.reason) out.push(kv('REASON:', p.reason));
  if (p.title || p.class) {
    out.push(kv('CLASS:', [p.class, p.title && `"${p.title}"`, p.function && `in ${p.function}`].filter(Boolean).join(' ')));
  }
  if (p.crashed) {
    const c = p.crashed;
    out.push(kv('TASK:', `PID ${c.pid}  COMMAND "${c.comm}"  CPU ${c.cpu}  STATE ${c.state}${c.task ? `  TASK ${c.task}` : ''}`));
  } else {
    out.push(kv('TASK:', 'unknown (needs the matching vmlinux)'));
  }
  if (p.backtrace.length) {
    out.push('', 'Backtrace of the crashed task, from the panic down:');
    for (const f of p.backtrace) out.push(`  ${formatFrame(f)}`);
  }
  out.push('');
  if (k.taints) {
    out.push(kv('TAINTED:', `${k.taints.string} (mask 0x${k.taints.mask.toString(16)})`));
    for (const f of k.taints.flags) out.push(`${' '.repeat(12)}${f.letter}  TAINT_${f.name}: ${f.meaning}`);
  } else {
    out.push(kv('TAINTED:', 'unknown (needs the matching vmlinux)'));
  }
  out.push(kv('RELEASE:', k.release ?? r.dump.release ?? 'unknown'));
  if (k.version) out.push(kv('VERSION:', k.version));
  if (k.machine) out.push(kv('MACHINE:', k.machine));
  if (k.nodename) out.push(kv('NODENAME:', k.nodename));
  out.push(kv('UPTIME:', k.uptime_s !== null ? formatUptime(k.uptime_s) : 'unknown'));
  if (k.crash_time) out.push(kv('DATE:', `${k.crash_time.iso} (${k.crash_time.source})`));
  out.push('', `Last ${r.log_tail.length} kernel log lines`, '-'.repeat(30));
  out.push(...(r.log_tail.length ? r.log_tail : ['(no kernel log could be read)']));
  out.push('', 'Data health', '-'.repeat(11));
  const d = r.dump;
  out.push(
    kv(
      'dump:',
      `${d.format}${d.producer !== 'unknown' ? ` (${d.producer})` : ''}, ${d.size_bytes !== null ? humanBytes(d.size_bytes) : 'size unknown'}, VMCOREINFO ${d.vmcoreinfo_present ? 'present' : 'missing'}${d.build_id ? `, build id ${d.build_id}` : ''}`,
    ),
  );
  const trunc = d.problems.find((x) => x.kind === 'truncated');
  out.push(
    kv(
      'complete:',
      trunc
        ? `NO: ${trunc.message}`
        : d.expected_bytes !== null
          ? 'yes (every segment the headers list is in the file)'
          : 'not checked for this format',
    ),
  );
  if (r.debuginfo) {
    out.push(kv('vmlinux:', r.debuginfo.message));
    const mods = modulesDebuginfo(r);
    if (mods) out.push(kv('modules:', mods));
  } else {
    out.push(kv('vmlinux:', 'not looked for (the dump could not be opened)'));
  }
  out.push(
    kv(
      'drgn:',
      r.drgn ? `${r.drgn.version} under ${r.drgn.executable} (Python ${r.drgn.python})${helperNote(r.drgn.helpers)}` : 'not run',
    ),
  );
  const ran = r.plugins.filter((x) => x.status === 'ok').length;
  const failed = r.plugins.filter((x) => x.status === 'failed');
  const skipped = r.plugins.filter((x) => x.status === 'skipped' || x.status === 'not_run');
  out.push(kv('plugins:', `${ran} ran, ${failed.length} failed, ${skipped.length} skipped`));
  for (const f of failed) out.push(`${' '.repeat(12)}${f.name} FAILED: ${f.error}`);
  for (const s of skipped) out.push(`${' '.repeat(12)}${s.name} skipped: ${s.reason}`);
  if (r.problems.length) {
    out.push('', 'Problems', '-'.repeat(8));
    for (const pr of r.problems) out.push(`- ${pr}`);
  }
  out.push('', 'Sections', '-'.repeat(8));
  out.push(...sectionSummaries(r));
  return out.join('\n') + '\n';
}

function helperNote(h: Record<string, boolean>): string {
  const missing = Object.entries(h)
    .filter(([, v]) => !v)
    .map(([n]) => n);
  return missing.length ? `; read by hand where this drgn lacks ${missing.join(', ')}` : '';
}

function modulesDebuginfo(r: VmcoreReportResult): string | null {
  const mods = r.plugins.find((p) => p.name === 'modules')?.data as { without_debuginfo?: string[] } | undefined;
  const missing = mods?.without_debuginfo ?? [];
  if (!mods) return null;
  return missing.length
    ? `no debuginfo for ${missing.join(', ')} (their frames show as addresses; install the module debug files or pass --debuginfo-dir)`
    : 'debuginfo for every loaded module';
}

export function formatUptime(s: number): string {
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const parts = [d && `${d} days`, (d || h) && `${h} h`, (d || h || m) && `${m} min`].filter(Boolean);
  return `${[...parts, `${sec.toFixed(3)} s`].join(' ')}`;
}

function sectionSummaries(r: VmcoreReportResult): string[] {
  const out: string[] = [];
  // Plugin data is JSON the collector wrote, read field by field as each plugin defines it.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const data = (name: string) =>
    r.plugins.find((p) => p.name === name && p.status === 'ok')?.data as Record<string, any> | undefined;
  const t = data('tasks');
  if (t) {
    const states = Object.entries(t.by_state as Record<string, number>)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ');
    const dd = t.d_state as { pid: number; comm: string; stack: string[] }[];
    out.push(
      `tasks:      ${t.total} (${states}); running: ${(t.running as { pid: number; comm: string; cpu: number }[]).map((x) => `${x.comm}[${x.pid}] on CPU ${x.cpu}`).join(', ') || 'none'}`,
    );
    out.push(
      `D state:    ${dd.length ? dd.map((x) => `${x.comm}[${x.pid}] in ${x.stack.find((f) => f && !/^(__)?schedule|context_switch|__switch_to/.test(f)) ?? '?'}`).join(', ') : 'none'}`,
    );
  }
  const m = data('modules');
  if (m) {
    const mods = m.modules as { name: string; size?: number; taints: string }[];
    out.push(`modules:    ${mods.length ? mods.map((x) => `${x.name}${x.taints ? ` (${x.taints})` : ''}`).join(', ') : 'none'}`);
  }
  const mem = data('meminfo');
  if (mem) {
    const pg = mem.pages as Record<string, number>;
    const ps = mem.page_size as number;
    const f = (key: string) => (pg[key] !== undefined ? humanBytes(pg[key] * ps) : '?');
    out.push(
      `memory:     total ${f('total')}, free ${f('free')}, cached ${f('cached')}, slab ${f('slab')}, swap used ${f('swap_used')}, committed ${f('committed')}`,
    );
  }
  const sl = data('slabinfo');
  if (sl) {
    const top = (sl.top as { name: string; bytes: number }[]).slice(0, 5);
    out.push(`slab top:   ${top.map((c) => `${c.name} ${humanBytes(c.bytes)}`).join(', ')}`);
  }
  const mo = data('mounts');
  if (mo)
    out.push(
      `mounts:     ${(mo.mounts as { target: string; fstype: string }[]).map((x) => `${x.target} (${x.fstype})`).join(', ')}`,
    );
  const sd = data('sched_debug');
  if (sd)
    out.push(
      `runqueues:  ${(sd.cpus as { cpu: number; nr_running: number; curr_pid: number }[]).map((c) => `cpu${c.cpu} nr_running ${c.nr_running} curr ${c.curr_pid}`).join('; ')} (sys/kernel/debug/sched/debug)`,
    );
  if (!out.length) out.push('(no section could be collected)');
  return out;
}
