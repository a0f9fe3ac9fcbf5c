import React, { useEffect, useReducer } from 'react';
import { useLiveState } from '../hooks/useLiveState.js';
import { useTick } from '../hooks/useStoreSnapshot.js';
import { Box, Text, useApp, useInput, type Key } from 'ink';
import type { FleetOptions } from '../../fleet/fetch.js';
import { fetchHistory, fetchNodeSummary, type History, type NodeSummary } from '../../fleet/node-detail.js';
import type { FleetPoller } from '../../fleet/poller.js';
import type { Prometheus } from '../../fleet/prometheus.js';
import { judgedStatus, type NodeRow } from '../../fleet/rows.js';
import { filterRows, SORT_KEYS, sortRows, type SortKey } from '../../fleet/sort.js';
import { fleetStatus } from '../../fleet/json.js';
import { Pane } from '../components/Pane.js';
import { Table, type Column } from '../components/Table.js';
import { useTerminalSize, type TerminalSize } from '../hooks/useTerminalSize.js';
import { keyMove } from '../scroll.js';
import { fitSegments, type Segment } from '../segments.js';
import { formatClock, formatUs, truncate } from '../text.js';
import { useTheme } from '../theme.js';
import { FLEET_COLUMNS } from './cells.js';
import { NodeDetail } from './NodeDetail.js';

export interface FleetAppProps {
  poller: FleetPoller;
  prom: Prometheus;
  opts: FleetOptions;
  title: string;
  onQuit?: () => void;
  size?: Partial<TerminalSize>;
}

interface Ui {
  sort: SortKey;
  reverse: boolean;
  filter: string;
  editing: string | null;
  /** The selected node's key (job + instance), so the selection follows it across refreshes. */
  selected: string | null;
  offset: number;
  help: boolean;
  /** The node whose detail is open. */
  open: NodeRow | null;
  history: History | { error: string } | null;
  summary: { summary: NodeSummary } | { error: string } | null;
}

const keyOf = (r: NodeRow) => `${r.job}\u0000${r.instance}`;
const HEADER_H = 2;
const FOOTER_H = 1;

export const FLEET_HELP: [string, string][] = [
  ['q, Ctrl+C', 'quit (the terminal is restored)'],
  ['Up, Down, PgUp, PgDn, Home, End', 'move the selection'],
  ['Enter', "open the selected node: its last hour and its exporter's /summary.json"],
  ['Esc', 'back to the table; clears the filter'],
  ['< >', 'sort by the previous / next column (status, node, runq, bio, oom, retrans, xid, age)'],
  ['r', 'reverse the order'],
  ['/', 'filter by node name or label (name=value); Enter applies, Esc clears'],
  ['?', 'this help'],
];

const LEGEND = [
  '',
  "STATUS is the worst subsystem of the node as its exporter judges it (the monitor's rules);",
  'STALE: no recent sample (the exporter stopped, or Prometheus cannot scrape it: STALE/DN).',
  'RUNQ/BIO p99 over the --window; S marks a straggler: over --straggler-factor x the fleet median.',
  'XID/1h: drain = drain, reset or reboot Xids; app = application Xids; then the GPUs involved.',
  'AGE: how old the newest sample is. The table refreshes every --interval seconds.',
];

export function FleetApp({ poller, prom, opts, title, onQuit, size: sizeOverride }: FleetAppProps) {
  const theme = useTheme();
  const { exit } = useApp();
  const size = useTerminalSize(sizeOverride);
  const [u, getUi, set] = useLiveState<Ui>({
    sort: 'status',
    reverse: false,
    filter: '',
    editing: null,
    selected: null,
    offset: 0,
    help: false,
    open: null,
    history: null,
    summary: null,
  });
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => poller.subscribe(rerender), [poller]);
  // The clock in the header and the data's age move once a second.
  const now = useTick(1000);

  const layoutOf = (u: Ui) => {
    const all = poller.state.snapshot?.rows ?? [];
    const rows = sortRows(filterRows(all, u.filter), u.sort, u.reverse);
    const selIndex = Math.max(
      0,
      rows.findIndex((r) => keyOf(r) === u.selected),
    );
    const bodyH = Math.max(1, size.rows - HEADER_H - FOOTER_H);
    const tableRowsH = Math.max(1, bodyH - 2); // pane title and table header
    // Keep the selection in view.
    let offset = Math.min(u.offset, Math.max(0, rows.length - tableRowsH));
    if (selIndex < offset) offset = selIndex;
    if (selIndex >= offset + tableRowsH) offset = selIndex - tableRowsH + 1;
    return { all, rows, selIndex, bodyH, tableRowsH, offset };
  };
  const ps = poller.state;
  const { all, rows, selIndex, bodyH, tableRowsH, offset } = layoutOf(u);

  const quit = () => {
    onQuit?.();
    exit();
  };

  const openNode = (r: NodeRow) => {
    set({ open: r, history: null, summary: null });
    const k = keyOf(r);
    const still = () => {
      const open = getUi().open;
      return open !== null && keyOf(open) === k;
    };
    fetchHistory(prom, opts, r).then(
      (h) => still() && set({ history: h }),
      (e: Error) => still() && set({ history: { error: e.message } }),
    );
    void fetchNodeSummary(r).then((s) => still() && set({ summary: s }));
  };

  // Keys read the latest UI state, not this render's: two keys can arrive before the next render.
  function onKey(input: string, key: Key): void {
    const u = getUi();
    const { rows, selIndex, tableRowsH, offset } = layoutOf(u);
    if (u.editing !== null) {
      if (key.escape) set({ editing: null, filter: '' });
      else if (key.return) set({ editing: null });
      else if (key.backspace || key.delete) set({ editing: u.editing.slice(0, -1), filter: u.editing.slice(0, -1) });
      else if (input && !key.ctrl && !key.meta && !key.tab) set({ editing: u.editing + input, filter: u.editing + input });
      return;
    }
    if (input === 'q') return quit();
    if (u.help) {
      set({ help: false });
      return;
    }
    if (input === '?') return set({ help: true });
    if (u.open) {
      if (key.escape || key.backspace || key.delete || key.leftArrow) set({ open: null, history: null, summary: null });
      return;
    }
    if (key.escape) return set({ filter: '' });
    if (key.return) {
      const r = rows[selIndex];
      if (r) openNode(r);
      return;
    }
    const move = keyMove(key);
    if (move) {
      const n = rows.length;
      if (n === 0) return;
      const page = Math.max(1, tableRowsH - 1);
      const next =
        move === 'up'
          ? selIndex - 1
          : move === 'down'
            ? selIndex + 1
            : move === 'pageUp'
              ? selIndex - page
              : move === 'pageDown'
                ? selIndex + page
                : move === 'home'
                  ? 0
                  : n - 1;
      const i = Math.max(0, Math.min(n - 1, next));
      return set({ selected: keyOf(rows[i]), offset: i < offset ? i : i >= offset + tableRowsH ? i - tableRowsH + 1 : offset });
    }
    if (input === '<' || input === '>' || input === ',' || input === '.') {
      const i = SORT_KEYS.indexOf(u.sort);
      const d = input === '<' || input === ',' ? SORT_KEYS.length - 1 : 1;
      return set({ sort: SORT_KEYS[(i + d) % SORT_KEYS.length] });
    }
    if (input === 'r') return set({ reverse: !u.reverse });
    if (input === '/') return set({ editing: u.filter });
  }

  useInput((input, key) => {
    if (key.ctrl && input === 'c') return quit();
    const plain = !key.ctrl && !key.meta && !key.tab && !key.return && !key.escape;
    if (plain && input.length > 1) {
      for (const ch of input) onKey(ch === '\r' ? '' : ch, ch === '\r' ? { ...key, return: true } : key);
      return;
    }
    onKey(input, key);
  });

  // Header: what is shown, how sick, how fresh.
  const stale = all.filter((r) => r.status === 'STALE').length;
  const stragglers = all.filter((r) => r.straggler.length).length;
  const worst = all.length ? fleetStatus(all) : null;
  const g = theme.glyphs;
  const head1: Segment[] = [
    { text: 'kerntop fleet', priority: 0, style: { bold: true } },
    { text: title, priority: 2 },
    ...(worst ? [{ text: worst, priority: 0, style: theme.status(worst) }] : []),
    { text: `${all.length} nodes`, priority: 1 },
    ...(stale ? [{ text: `${stale} stale`, priority: 1, style: theme.alert }] : []),
    ...(stragglers
      ? [{ text: `${stragglers} straggler${stragglers > 1 ? 's' : ''}`, priority: 1, style: theme.status('WARNING') }]
      : []),
    { text: formatClock(now), priority: 3 },
  ];
  const m = ps.snapshot?.medians;
  const line2 = ps.error
    ? { text: `${ps.snapshot ? 'showing the last good refresh: ' : ''}${ps.error}`, style: theme.alert }
    : ps.snapshot?.empty_reason
      ? { text: ps.snapshot.empty_reason, style: theme.alert }
      : ps.snapshot
        ? {
            text: `median p99 run queue ${formatUs(m?.runq_p99_us)}, block I/O ${formatUs(m?.bio_p99_us)}; refreshed ${Math.max(0, Math.round((now - ps.at_ms) / 1000))} s ago, ${ps.snapshot.requests} queries`,
            style: theme.dim,
          }
        : { text: 'asking Prometheus...', style: theme.dim };

  const columns: Column<NodeRow>[] = FLEET_COLUMNS.map((c) => ({
    ...c,
    header: c.sort === u.sort ? `${c.header}${u.reverse ? '^' : g.marker === '<' ? 'v' : '▼'}` : c.header,
    style:
      c.key === 'status'
        ? (r: NodeRow) => (r.status === 'STALE' ? theme.alert : theme.status(judgedStatus(r.status)))
        : c.key === 'runq' || c.key === 'bio'
          ? (r: NodeRow) => (r.straggler.includes(c.key as 'runq' | 'bio') ? theme.status('WARNING') : undefined)
          : undefined,
  }));
  const selectedKey = rows[selIndex] ? keyOf(rows[selIndex]) : null;

  let body: React.ReactNode;
  if (u.help) {
    const kw = Math.max(...FLEET_HELP.map(([k]) => k.length));
    const lines = [...FLEET_HELP.map(([k, d]) => `${k.padEnd(kw)}  ${d}`), ...LEGEND];
    body = (
      <Pane title="Help" info="any key closes" width={size.columns} height={bodyH} focused>
        {lines.slice(0, bodyH - 1).map((l, i) => (
          <Text key={i} wrap="truncate" {...(i < FLEET_HELP.length ? {} : theme.dim)}>
            {truncate(l, size.columns, g.ellipsis) || ' '}
          </Text>
        ))}
      </Pane>
    );
  } else if (u.open) {
    // The open node as the latest refresh sees it.
    const fresh = all.find((r) => keyOf(r) === keyOf(u.open!)) ?? u.open;
    body = (
      <Pane title={`Node ${fresh.node}`} info="Esc back" width={size.columns} height={bodyH} focused>
        <NodeDetail
          row={fresh}
          history={u.history}
          summary={u.summary}
          width={size.columns}
          height={bodyH - 1}
          unicode={g.bar !== '#'}
        />
      </Pane>
    );
  } else {
    const info = `${rows.length}${u.filter ? ` match "${u.filter}"` : ''} sorted by ${u.sort}${u.reverse ? ' (reversed)' : ''}`;
    body = (
      <Pane title="Nodes" info={info} width={size.columns} height={bodyH} focused={false}>
        <Table
          columns={columns}
          rows={rows.slice(offset, offset + tableRowsH)}
          sizingRows={rows}
          width={size.columns}
          rowKey={keyOf}
          rowStyle={(r) => (keyOf(r) === selectedKey ? { inverse: true } : undefined)}
        />
        {rows.length === 0 && ps.snapshot ? (
          <Text dimColor>{u.filter ? `no node matches "${u.filter}"` : 'no nodes'}</Text>
        ) : null}
      </Pane>
    );
  }

  const keys: Segment[] = u.open
    ? [
        { text: 'Esc back', priority: 0 },
        { text: 'q quit', priority: 0 },
        { text: '? help', priority: 1 },
      ]
    : [
        ...(u.filter ? [{ text: `filter: ${u.filter}`, priority: 0, style: theme.accent }] : []),
        { text: 'q quit', priority: 0 },
        { text: '? help', priority: 1 },
        { text: 'Enter node', priority: 1 },
        { text: '< > sort', priority: 2 },
        { text: '/ filter', priority: 2 },
        { text: 'r reverse', priority: 3 },
      ];
  const footer =
    u.editing !== null ? (
      <Text wrap="truncate">
        <Text {...theme.accent}>/</Text>
        {truncate(`${u.editing}_`, Math.max(0, size.columns - 30), g.ellipsis)}
        <Text dimColor>{'  Enter apply  Esc clear'}</Text>
      </Text>
    ) : (
      <Text wrap="truncate">
        {fitSegments(keys, size.columns).map((s, i) => (
          <Text key={i} {...(s.style ?? { dimColor: true })}>
            {i > 0 ? '  ' : ''}
            {s.text}
          </Text>
        ))}
      </Text>
    );

  return (
    <Box flexDirection="column" width={size.columns} height={size.rows} overflow="hidden">
      <Text wrap="truncate">
        {fitSegments(head1, size.columns).map((s, i) => (
          <Text key={i} {...s.style}>
            {i > 0 ? '  ' : ''}
            {s.text}
          </Text>
        ))}
      </Text>
      <Text wrap="truncate" {...line2.style}>
        {truncate(line2.text, size.columns, g.ellipsis)}
      </Text>
      {body}
      {footer}
    </Box>
  );
}
