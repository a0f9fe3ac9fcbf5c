import React, { useEffect, useRef } from 'react';
import { Text, useInput, type Key } from 'ink';
import type { CrashEntry, CrashList } from '../../../jobs/vmcore/crashes.js';
import type { VmcoreReportOptions } from '../../../jobs/vmcore/job.js';
import type { VmcoreReportResult } from '../../../jobs/vmcore/model.js';
import { VMCORE_PLUGINS } from '../../../jobs/vmcore/plugins-select.js';
import { type Column, fitColumns, formatRow, headerLine } from '../../components/Table.js';
import { editText, splitKeys, TextField, TEXT_KEYS_HINT } from '../../components/TextField.js';
import { type JobRunner, useJob } from '../../hooks/useJob.js';
import { useLiveState } from '../../hooks/useLiveState.js';
import { useTick } from '../../hooks/useStoreSnapshot.js';
import { labelledRows, toneStyle, type Tone, wrapCells } from '../../labelled-rows.js';
import { keyMove, offsetMove, type ScrollMove } from '../../scroll.js';
import { fit, formatDuration, sanitize, truncate } from '../../text.js';
import { useTheme, type Style } from '../../theme.js';
import type { ModalProps } from '../types.js';
import { defaultPlugins, type PluginProgress, reportOptions } from './plugins.js';
import { reportVerdict, summaryLines } from './summary-lines.js';

// The `v` window: the dumps `kerntop crashes` lists (in /var/crash or a directory the user types),
// one picked with its debuginfo status, the plugins to run (the defaults preselected), the report
// running plugin by plugin, then its summary and the archive's path. The job is the one
// `kerntop vmcore-report` runs; Esc (or closing the window) cancels it and nothing is kept.

export type VmcoreRunner = JobRunner<VmcoreReportOptions, VmcoreReportResult>;
export type ListDumps = (dir: string) => Promise<CrashList>;

/** Loaded on first use, as the CLI does: drgn's driver and the archive code are not needed to start kerntop. */
export const runVmcoreJob: VmcoreRunner = async (opts, hooks) =>
  (await import('../../../jobs/vmcore/job.js')).runVmcoreReport(opts, hooks);
export const listDumps: ListDumps = async (dir) => (await import('../../../jobs/vmcore/crashes.js')).listCrashes(dir);

export const DEFAULT_CRASH_DIR = '/var/crash';
/** Per-plugin progress redraws at most this often (the job's own tail is coalesced the same way). */
const PROGRESS_REDRAW_MS = 40;

export interface VmcoreModalProps extends ModalProps {
  /** The job and the dump lister; tests pass ones that replay recorded runs. */
  runJob?: VmcoreRunner;
  listCrashes?: ListDumps;
  /** Where to look first (kdump's default). */
  dir?: string;
}

interface ViewState {
  step: 'list' | 'plugins';
  dir: string;
  focus: 'dir' | 'list';
  /** The directory field was just focused: the first character typed replaces it. */
  fresh: boolean;
  scanning: boolean;
  list: CrashList | null;
  scanError: string | null;
  selected: number;
  chosen: Set<string>;
  pluginFocus: number;
  message: string | null;
  /** Per chosen plugin, from the job's progress events while it runs. */
  progress: Map<string, PluginProgress>;
  dump: CrashEntry | null;
  offset: number;
}

const moveIndex = (i: number, n: number, page: number, move: ScrollMove): number => {
  const d = { up: -1, down: 1, pageUp: -page, pageDown: page, home: -n, end: n }[move];
  return Math.max(0, Math.min(n - 1, i + d));
};

/** The window of `room` rows that keeps `index` in view. */
const windowStart = (index: number, n: number, room: number): number =>
  Math.max(0, Math.min(index - Math.floor(room / 2), n - room));

function debuginfoText(e: CrashEntry): { text: string; tone: Tone } {
  const d = e.debuginfo;
  if (d.found) return { text: `yes: ${d.path}${d.verdict === 'match' ? '' : ` (${d.reason})`}`, tone: 'ok' };
  return { text: `no: ${d.reason}`, tone: 'warn' };
}

const CRASH_COLUMNS: Column<{ e: CrashEntry; dir: string }>[] = [
  {
    key: 'time',
    header: 'TIME',
    priority: 1,
    cell: ({ e }) => (e.time_iso ? e.time_iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '?'),
  },
  { key: 'release', header: 'RELEASE', priority: 2, maxWidth: 28, cell: ({ e }) => e.release ?? '?' },
  { key: 'debuginfo', header: 'DEBUGINFO', priority: 1, cell: ({ e }) => (e.debuginfo.found ? 'yes' : 'no') },
  {
    key: 'size',
    header: 'SIZE',
    priority: 3,
    align: 'right',
    cell: ({ e }) => (e.size_bytes === null ? '?' : humanBytes(e.size_bytes)),
  },
  {
    key: 'format',
    header: 'FORMAT',
    priority: 4,
    cell: ({ e }) => `${e.format}${e.producer !== 'unknown' ? `/${e.producer}` : ''}`,
  },
  {
    key: 'dump',
    header: 'DUMP',
    priority: 2,
    flex: true,
    minWidth: 10,
    cell: ({ e, dir }) => (e.dump.startsWith(`${dir}/`) ? e.dump.slice(dir.length + 1) : e.dump),
  },
];

// The same units as `kerntop crashes` (dumpfile.ts's humanBytes), without loading the dump reader.
function humanBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

export function VmcoreModal({
  width,
  height,
  runJob = runVmcoreJob,
  listCrashes = listDumps,
  dir = DEFAULT_CRASH_DIR,
}: VmcoreModalProps) {
  const theme = useTheme();
  const g = theme.glyphs;
  const [v, getView, set] = useLiveState<ViewState>(() => ({
    step: 'list',
    dir,
    focus: 'list',
    fresh: false,
    scanning: true,
    list: null,
    scanError: null,
    selected: 0,
    chosen: defaultPlugins(),
    pluginFocus: 0,
    message: null,
    progress: new Map(),
    dump: null,
    offset: 0,
  }));
  const scanSeq = useRef(0);
  const job = useJob(runJob, {
    name: 'vmcore-report',
    onEvent: (ev) => {
      if (ev.type !== 'job.progress' || !ev.plugin) return;
      const p = ev.plugin;
      set((now) => ({ ...now, progress: new Map(now.progress).set(p.name, p) }), { soonMs: PROGRESS_REDRAW_MS });
    },
  });
  const { run } = job;
  const busy = run.phase === 'running' || run.phase === 'cancelling';
  const now = useTick(1000, busy);

  // The listing of `d`; a newer scan (Enter again) or closing the window makes its answer moot.
  const listInto = (d: string) => {
    const seq = ++scanSeq.current;
    listCrashes(d).then(
      (list) => {
        if (seq !== scanSeq.current) return;
        // No dumps there: the directory is what to change next.
        const none = list.entries.length === 0;
        set({ scanning: false, list, selected: 0, focus: none ? 'dir' : 'list', fresh: none });
      },
      (e: unknown) => {
        if (seq !== scanSeq.current) return;
        set({ scanning: false, list: null, scanError: e instanceof Error ? e.message : String(e), focus: 'dir', fresh: true });
      },
    );
  };
  const scan = (d: string) => {
    set({ scanning: true, scanError: null, message: null });
    listInto(d);
  };
  useEffect(() => {
    // Once, on opening (the state starts as scanning); later scans come from Enter in the directory field.
    listInto(getView().dir);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const room = Math.max(1, height - 1);
  const entries = v.list?.entries ?? [];

  const startReport = () => {
    const v = getView();
    const e = v.list?.entries[v.selected];
    if (!e) return;
    if (v.chosen.size === 0) return set({ message: 'choose at least one plugin (Space)' });
    const opts = reportOptions(e.dump, v.chosen);
    const progress = new Map(opts.onlyPlugins!.map((name) => [name, { name, status: 'waiting' } as PluginProgress]));
    set({ progress, dump: e, offset: 0, message: null });
    job.start(opts);
  };

  const onListKey = (input: string, key: Key) => {
    const v = getView();
    const entries = v.list?.entries ?? [];
    if (v.focus === 'dir') {
      if (key.return) return scan(v.dir.trim() || DEFAULT_CRASH_DIR);
      if ((key.downArrow || key.tab) && entries.length) return set({ focus: 'list', fresh: false });
      const base = v.fresh && !key.backspace && !key.delete ? '' : v.dir;
      const next = editText(base, input, key);
      if (next !== null) set({ dir: next, fresh: false });
      return;
    }
    if (key.tab || (key.upArrow && v.selected === 0)) return set({ focus: 'dir', fresh: true });
    if (key.return) {
      if (entries[v.selected]) set({ step: 'plugins', pluginFocus: 0, message: null });
      return;
    }
    const move = keyMove(key);
    if (move && entries.length) set({ selected: moveIndex(v.selected, entries.length, Math.max(1, room - 8), move) });
  };

  const onPluginKey = (input: string, key: Key) => {
    const v = getView();
    if (key.return) return startReport();
    if (key.backspace || key.delete || key.leftArrow) return set({ step: 'list', message: null });
    if (input === ' ') {
      const name = VMCORE_PLUGINS[v.pluginFocus].name;
      const chosen = new Set(v.chosen);
      if (chosen.has(name)) chosen.delete(name);
      else chosen.add(name);
      return set({ chosen, message: null });
    }
    if (input === 'd') return set({ chosen: defaultPlugins(), message: null });
    if (input === 'a') return set({ chosen: new Set(VMCORE_PLUGINS.map((p) => p.name)), message: null });
    const move = keyMove(key);
    if (move) set({ pluginFocus: moveIndex(v.pluginFocus, VMCORE_PLUGINS.length, Math.max(1, room - 6), move) });
  };

  // The summary's lines, for scrolling; empty until there is a result.
  const found = run.result ? summaryLines(run.result).map((l) => ({ ...l, value: sanitize(l.value) })) : [];
  const summaryW = found.length ? Math.max(...found.map((l) => l.label.length)) : 0;
  const lines = labelledRows(found, Math.max(1, width - summaryW - 2), 4, g.ellipsis);
  const summaryRoom = Math.max(1, room - 3);

  const onKey = (input: string, key: Key): void => {
    const phase = job.current().phase;
    if (phase === 'running' || phase === 'cancelling') {
      if (key.escape) job.cancel();
      return;
    }
    if (phase !== 'idle') {
      // Enter: back to the dumps, for another report.
      if (key.return) {
        job.reset();
        set({ step: 'list', offset: 0 });
        return;
      }
      const move = keyMove(key);
      if (move) set((now) => ({ ...now, offset: offsetMove(now.offset, lines.length, summaryRoom, move) }));
      return;
    }
    if (getView().step === 'plugins') onPluginKey(input, key);
    else onListKey(input, key);
  };

  useInput((input, key) => {
    for (const [i, k] of splitKeys(input, key)) onKey(i, k);
  });

  const out: React.ReactNode[] = [];
  const line = (text: string, style: Style = {}, k: string | number = out.length) =>
    out.push(
      <Text key={k} wrap="truncate" {...style}>
        {truncate(sanitize(text), width, g.ellipsis)}
      </Text>,
    );
  const labelled = (label: string, labelW: number, value: string, style: Style, k: string | number = out.length) =>
    out.push(
      <Text key={k} wrap="truncate">
        <Text dimColor>{`${fit(label, labelW)}  `}</Text>
        <Text {...style}>{truncate(sanitize(value), Math.max(0, width - labelW - 2), g.ellipsis)}</Text>
      </Text>,
    );
  if (run.phase === 'idle' && v.step === 'list') {
    const focused = v.focus === 'dir';
    const fieldW = Math.max(10, Math.min(64, width - 30));
    out.push(
      <Text key="dir" wrap="truncate">
        <Text {...(focused ? theme.accent : {})}>{`${focused ? '>' : ' '} Directory  `}</Text>
        <TextField value={v.dir} width={fieldW} focused={focused} fresh={v.fresh} />
        <Text dimColor>{truncate(focused ? '  Enter lists' : '', Math.max(0, width - fieldW - 15), g.ellipsis)}</Text>
      </Text>,
    );
    const sel = entries[v.selected];
    const facts: { label: string; value: string; tone: Tone }[] = [];
    if (sel) {
      const di = debuginfoText(sel);
      facts.push({ label: 'dump', value: sel.dump, tone: 'plain' }, { label: 'debuginfo', value: di.text, tone: di.tone });
      for (const p of sel.problems) facts.push({ label: 'problem', value: p.message, tone: p.fatal ? 'bad' : 'warn' });
    }
    const factW = 9;
    const details = labelledRows(
      facts.map((f) => ({ ...f, value: sanitize(f.value) })),
      Math.max(1, width - factW - 2),
      3,
      g.ellipsis,
    );
    const rowsRoom = Math.max(1, room - 1 - 1 - (details.length ? details.length + 1 : 0) - 1);
    if (v.scanning) line(`listing ${v.dir}${g.ellipsis}`, theme.dim);
    else if (v.scanError) line(`cannot list ${v.dir}: ${v.scanError}`, theme.alert);
    else if (!entries.length) line(v.list?.message ?? `no crash dumps under ${v.dir}`, theme.status('WARNING'));
    else {
      const rows = entries.map((e) => ({ e, dir: v.list!.dir }));
      const fitted = fitColumns(CRASH_COLUMNS, rows, Math.max(1, width - 2));
      line(`  ${headerLine(fitted)}`, { bold: true, dim: true }, 'head');
      const start = windowStart(v.selected, rows.length, rowsRoom);
      rows.slice(start, start + rowsRoom).forEach((row, i) => {
        const isSel = start + i === v.selected;
        const text = `${isSel ? '>' : ' '} ${formatRow(fitted, row, g.ellipsis).join(' ')}`;
        line(text, isSel ? (v.focus === 'list' ? { inverse: true } : { bold: true }) : {}, `d${start + i}`);
      });
      line(' ', {}, 'gap');
      details.forEach((d, i) => labelled(d.label, factW, d.value, toneStyle(theme, d.tone), `x${i}`));
    }
    const hint =
      v.focus === 'dir'
        ? `Enter lists  ${entries.length ? 'Down/Tab the dumps  ' : ''}${TEXT_KEYS_HINT}  Esc closes`
        : 'Up/Down choose  Enter plugins  Tab directory  Esc closes';
    line(hint, theme.dim, 'hint');
  } else if (run.phase === 'idle') {
    const e = entries[v.selected];
    const di = e ? debuginfoText(e) : { text: '?', tone: 'dim' as Tone };
    labelled('dump', 9, e ? `${e.dump}${e.release ? `  (${e.release})` : ''}` : '?', {}, 'dump');
    labelled('debuginfo', 9, di.text, toneStyle(theme, di.tone), 'di');
    const nameW = Math.max(...VMCORE_PLUGINS.map((p) => p.name.length));
    const kindW = Math.max(...VMCORE_PLUGINS.map((p) => p.kind.length));
    const noDebuginfo = e ? !e.debuginfo.found : false;
    line(
      `      ${fit('PLUGIN', nameW)}  ${fit('KIND', kindW)}  ${fit('NEEDS', 7)}  DESCRIPTION`,
      { bold: true, dim: true },
      'head',
    );
    const listRoom = Math.max(1, room - 3 - 1 - (v.message ? 1 : 0) - 1);
    const start = windowStart(v.pluginFocus, VMCORE_PLUGINS.length, listRoom);
    VMCORE_PLUGINS.slice(start, start + listRoom).forEach((p, i) => {
      const idx = start + i;
      const focused = idx === v.pluginFocus;
      const box = v.chosen.has(p.name) ? '[x]' : '[ ]';
      const needs = p.needs_debuginfo ? 'vmlinux' : 'any';
      // Without debuginfo these plugins would end "not run": say so before the run.
      const lacking = p.needs_debuginfo && noDebuginfo;
      out.push(
        <Text key={`p${idx}`} wrap="truncate">
          <Text {...(focused ? theme.accent : {})}>{`${focused ? '>' : ' '} ${box} `}</Text>
          <Text {...(focused ? { bold: true } : {})}>{`${fit(p.name, nameW)}  `}</Text>
          <Text dimColor={p.kind !== 'default'}>{`${fit(p.kind, kindW)}  `}</Text>
          <Text {...(lacking ? theme.status('WARNING') : theme.dim)}>{`${fit(needs, 7)}  `}</Text>
          <Text>
            {truncate(
              lacking ? `${p.description} (no vmlinux: will not run)` : p.description,
              Math.max(0, width - nameW - kindW - 19),
              g.ellipsis,
            )}
          </Text>
        </Text>,
      );
    });
    line(' ', {}, 'gap');
    if (v.message) line(v.message, theme.alert, 'msg');
    line(`Space toggles  d defaults  a all  Enter runs ${v.chosen.size}  Backspace the dumps  Esc closes`, theme.dim, 'hint');
  } else if (busy) {
    const secs = formatDuration(Math.max(0, now - run.started_ms) / 1000);
    const what = run.phase === 'cancelling' ? 'cancelling: stopping the collector' : `report on ${v.dump?.dump ?? '?'}`;
    out.push(
      <Text key="status" wrap="truncate">
        <Text {...theme.accent}>{truncate(sanitize(what), Math.max(1, width - 24), g.ellipsis)}</Text>
        <Text dimColor>{`  ${secs}  Esc cancels`}</Text>
      </Text>,
    );
    const plugins = [...v.progress.values()];
    const nameW = Math.max(6, ...plugins.map((p) => p.name.length));
    line(`${fit('PLUGIN', nameW)}  ${fit('STATUS', 8)}  ${fit('TIME', 8, 'right')}  DETAIL`, { bold: true, dim: true }, 'head');
    const style = (p: PluginProgress): Style =>
      p.status === 'ok'
        ? theme.status('OK')
        : p.status === 'failed'
          ? theme.status('CRITICAL')
          : p.status === 'not_run'
            ? theme.status('WARNING')
            : p.status === 'running'
              ? theme.accent
              : theme.dim;
    const listRoom = Math.max(1, room - 2 - 2);
    plugins.slice(0, listRoom).forEach((p) => {
      out.push(
        <Text key={`p${p.name}`} wrap="truncate">
          {`${fit(p.name, nameW)}  `}
          <Text {...style(p)}>{fit(p.status, 8)}</Text>
          {`  ${fit(p.time_s === undefined ? '' : `${p.time_s} s`, 8, 'right')}  `}
          <Text dimColor>{truncate(sanitize(p.detail ?? ''), Math.max(0, width - nameW - 22), g.ellipsis)}</Text>
        </Text>,
      );
    });
    // What the job says between plugins (debuginfo, drgn, packing): its last lines.
    const others = run.tail.filter((t) => !t.text.startsWith('plugin '));
    const left = room - 2 - Math.min(plugins.length, listRoom);
    for (const t of others.slice(-Math.max(0, left))) line(t.text, theme.dim, `t${t.id}`);
  } else if (run.result) {
    const r = run.result;
    const verdict = reportVerdict(r);
    out.push(
      <Text key="verdict" wrap="truncate">
        <Text {...toneStyle(theme, verdict.tone)}>{verdict.text}</Text>
        <Text>{truncate(`  ${r.dump.path}`, Math.max(0, width - verdict.text.length), g.ellipsis)}</Text>
      </Text>,
    );
    lines
      .slice(v.offset, v.offset + summaryRoom)
      .forEach((l, i) => labelled(l.label, summaryW, l.value, toneStyle(theme, l.tone), `s${v.offset + i}`));
    line(' ', {}, 'gap');
    line(`Enter back to the dumps${lines.length > summaryRoom ? '  Up/Down scroll' : ''}  Esc closes`, theme.dim, 'hint');
  } else {
    if (run.phase === 'cancelled') line('cancelled: the collector was stopped; nothing was kept', theme.status('WARNING'), 'why');
    else
      wrapCells(sanitize(`could not run: ${run.error ?? 'unknown error'}`), width, 4, g.ellipsis).forEach((w, i) =>
        line(w, theme.alert, `why${i}`),
      );
    for (const t of run.tail.slice(-Math.max(0, room - 6))) line(t.text, theme.dim, `t${t.id}`);
    line('Enter back to the dumps  Esc closes', theme.dim, 'hint');
  }
  return <>{out}</>;
}
