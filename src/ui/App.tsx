import React, { useEffect, useMemo } from 'react';
import { Box, Text, useApp, useInput, type Key } from 'ink';
import type { Store } from '../store/index.js';
import { Pane } from './components/Pane.js';
import { editText, splitKeys } from './components/TextField.js';
import { useLiveState } from './hooks/useLiveState.js';
import { LIVE_SNAPSHOT_INTERVAL_MS, SNAPSHOT_INTERVAL_MS, useStoreSnapshot, useTick } from './hooks/useStoreSnapshot.js';
import { useTerminalSize, type TerminalSize } from './hooks/useTerminalSize.js';
import { focusOrder, PANE_TITLES, planLayout, type LayoutPlan, type PaneBox, type PaneName } from './layout.js';
import { eventLines, klogLines, xidRows, type EventLine, type KlogLine, type XidRow } from './lines.js';
import { MODALS } from './modals/registry.js';
import { Events } from './panes/Events.js';
import { alertsOf, Header, type HostInfo } from './panes/Header.js';
import { histFamilies, Histogram, shownFamily } from './panes/Histogram.js';
import { KernelLog, xidTableLines } from './panes/KernelLog.js';
import { Footer } from './panes/Footer.js';
import { probeLinesWanted, Probes } from './panes/Probes.js';
import { Summary } from './panes/Summary.js';
import { Cpus, cpusLinesWanted } from './panes/Cpus.js';
import { cpuHistView, cpuMove, cpuPaneWhy, cpusPaneShown } from './panes/cpus-view.js';
import { FOLLOW, keyMove, offsetMove, streamMove, type ScrollMove, type StreamScroll } from './scroll.js';
import type { Snapshot } from './snapshot.js';
import { useTheme } from './theme.js';

export interface AppProps {
  store: Store;
  /** Show only this pane, filling the terminal (--pane). */
  pane?: PaneName;
  host: HostInfo;
  /** Fed from a recording (also known from a session.info with replay: true). */
  replay?: boolean;
  /** Called once when the user quits (q, Ctrl+C); the app then unmounts. */
  onQuit?: () => void;
  /** Fixed size for tests; by default the terminal's, following resizes. */
  size?: Partial<TerminalSize>;
  snapshotIntervalMs?: number;
}

interface UiState {
  paused: boolean;
  /** Bumped by actions on the store (clear) so the view refreshes even while paused. */
  refresh: number;
  focus: PaneName;
  /** Key of the open modal in MODALS. */
  modal: string | null;
  filter: string;
  /** The filter being typed after '/', or null. */
  editing: string | null;
  chosenFamily: string | null;
  histOffset: number | null;
  eventsScroll: StreamScroll;
  klogScroll: StreamScroll;
  summaryOffset: number;
  probesOffset: number;
  message: { text: string; until: number } | null;
  /** CPU chosen in the cpus pane (arrow keys); Enter shows its histogram. */
  cpu: number | null;
}

const INITIAL_UI: UiState = {
  paused: false,
  refresh: 0,
  focus: 'events',
  modal: null,
  filter: '',
  editing: null,
  chosenFamily: null,
  histOffset: null,
  eventsScroll: FOLLOW,
  klogScroll: FOLLOW,
  summaryOffset: 0,
  probesOffset: 0,
  message: null,
  cpu: null,
};

/** Everything the panes and the key handler derive from one snapshot and the UI state. */
interface View {
  plan: LayoutPlan;
  events: EventLine[];
  klog: KlogLine[];
  xids: XidRow[];
  family: string;
  boxes: Map<PaneName, PaneBox>;
  /** The snapshot with the chosen CPU's histograms added. */
  snapshot: Snapshot;
}

type StreamLines = Pick<View, 'events' | 'klog' | 'xids'>;

/** The stream panes' lines: they depend only on the event and record rings and the filter. */
function streamLines(s: Snapshot, filter: string): StreamLines {
  return { events: eventLines(s, filter), klog: klogLines(s, filter), xids: xidRows(s, filter) };
}

function buildView(
  snap: Snapshot,
  size: TerminalSize,
  pane: PaneName | undefined,
  lines: StreamLines,
  chosenFamily: string | null,
  cpu: number | null,
): View {
  const s = cpuHistView(snap, cpu);
  const family = shownFamily(s, chosenFamily);
  const plan = planLayout({
    columns: size.columns,
    rows: size.rows,
    pane,
    headerLines: alertsOf(s).length > 0 ? 2 : 1,
    want: {
      summary: s.subsystems.length,
      hist: (s.histograms[family]?.length ?? 1) + 2,
      probes: probeLinesWanted(s.probes.length, s.diags),
      cpus: cpusPaneShown(s) ? cpusLinesWanted(s.cpus.length) : 0,
    },
  });
  const boxes = new Map([...plan.left, ...plan.right].map((b) => [b.name, b] as const));
  return { plan, ...lines, family, boxes, snapshot: s };
}

export function App({
  store,
  pane,
  host,
  replay,
  onQuit,
  size: sizeOverride,
  snapshotIntervalMs = replay ? SNAPSHOT_INTERVAL_MS : LIVE_SNAPSHOT_INTERVAL_MS,
}: AppProps) {
  const theme = useTheme();
  const { exit } = useApp();
  const size = useTerminalSize(sizeOverride);
  // Keys can arrive faster than React re-subscribes the input handler: every key reads the newest UI
  // state (getUi), the render shows its own.
  const [ui, getUi, set] = useLiveState<UiState>(() => ({ ...INITIAL_UI, focus: pane ?? 'events' }));
  const {
    paused,
    refresh,
    focus,
    modal,
    filter,
    editing,
    chosenFamily,
    histOffset,
    eventsScroll,
    klogScroll,
    summaryOffset,
    probesOffset,
    message,
    cpu,
  } = ui;
  const snapshot = useStoreSnapshot(store, paused, snapshotIntervalMs, refresh);
  // While paused the header's "PAUSED +N" (events waiting) follows the store once a second.
  useTick(1000, paused);
  // A message shows until its time is up: one timer, instead of every clock tick re-rendering App.
  useEffect(() => {
    if (!message) return;
    const t = setTimeout(
      () => {
        if (getUi().message === message) set({ message: null });
      },
      Math.max(0, message.until - Date.now()),
    );
    return () => clearTimeout(t);
  }, [message, getUi, set]);

  // Rebuilt only when its inputs change, so the memoised panes get the same arrays and skip.
  // streamLines reads only the rings: a snapshot that moved elsewhere keeps these arrays.
  const lines = useMemo(
    () => streamLines(snapshot, filter),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [snapshot.recent, snapshot.recentTotal, snapshot.kmsgRecords, filter],
  );
  const { columns, rows } = size;
  const view = useMemo(
    () => buildView(snapshot, { columns, rows }, pane, lines, chosenFamily, cpu),
    [snapshot, columns, rows, pane, lines, chosenFamily, cpu],
  );
  const { plan, boxes } = view;
  const order = focusOrder(plan);
  const focusedOf = (f: PaneName): PaneName => (order.includes(f) ? f : (order.find((p) => p === 'events') ?? order[0]));
  const focused = focusedOf(focus);
  const contentH = (p: PaneName) => Math.max(0, (boxes.get(p)?.height ?? 1) - 1);
  const klogH = () => Math.max(1, contentH('kmsg') - xidTableLines(view.xids.length, contentH('kmsg')));

  const quit = () => {
    onQuit?.();
    exit();
  };
  const withFilter = (f: string): Partial<UiState> => ({ filter: f, eventsScroll: FOLLOW, klogScroll: FOLLOW });

  const scroll = (move: ScrollMove) => {
    const u = getUi();
    switch (focusedOf(u.focus)) {
      case 'events':
        return set({ eventsScroll: streamMove(view.events, (l) => l.id, u.eventsScroll, contentH('events'), move) });
      case 'kmsg':
        return set({ klogScroll: streamMove(view.klog, (l) => l.id, u.klogScroll, klogH(), move) });
      case 'summary':
        return set({
          summaryOffset: offsetMove(u.summaryOffset, snapshot.subsystems.length, Math.max(1, contentH('summary') - 1), move),
        });
      case 'probes':
        return set({
          probesOffset: offsetMove(u.probesOffset, snapshot.probes.length, Math.max(1, contentH('probes') - 1), move),
        });
      case 'cpus':
        return set({ cpu: cpuMove(snapshot.cpus, u.cpu, move) });
      case 'hist': {
        const n = view.snapshot.histograms[view.family]?.length ?? 0;
        return set({ histOffset: offsetMove(u.histOffset ?? 0, n, Math.max(1, contentH('hist') - 1), move) });
      }
    }
  };

  const onKey = (input: string, key: Key): void => {
    const u = getUi();
    if (u.modal !== null) {
      if (key.escape || (input === u.modal && !MODALS[u.modal]?.textInput)) set({ modal: null });
      return;
    }
    if (u.editing !== null) {
      if (key.escape) set({ editing: null, ...withFilter('') });
      else if (key.return) set({ editing: null });
      else {
        const next = editText(u.editing, input, key);
        if (next !== null) set({ editing: next, ...withFilter(next) });
      }
      return;
    }
    if (input === 'q') return quit();
    if (key.escape) {
      if (u.filter) set(withFilter(''));
      return;
    }
    if (key.tab) {
      const i = order.indexOf(focusedOf(u.focus));
      const n = order.length;
      return set({ focus: order[(i + (key.shift ? n - 1 : 1)) % n] });
    }
    const move = keyMove(key);
    if (move) return scroll(move);
    if (key.return && focusedOf(u.focus) === 'cpus' && snapshot.cpus.length) {
      // Enter: the chosen CPU's run-queue histogram, then its RT wakeup histogram.
      const c = u.cpu ?? snapshot.cpus[0].cpu;
      return set({ cpu: c, chosenFamily: u.chosenFamily === `cpu${c}` ? `cpu${c}-rt` : `cpu${c}`, histOffset: null });
    }
    const fams = histFamilies(view.snapshot);
    if (key.leftArrow || key.rightArrow) {
      const i = fams.indexOf(shownFamily(view.snapshot, u.chosenFamily));
      return set({ chosenFamily: fams[(i + (key.leftArrow ? fams.length - 1 : 1)) % fams.length], histOffset: null });
    }
    if (/^[1-9]$/.test(input)) {
      const f = fams[Number(input) - 1];
      if (f) set({ chosenFamily: f, histOffset: null });
      return;
    }
    if (input === 'p') return set({ paused: !u.paused });
    if (input === '/') return set({ editing: u.filter });
    if (input === 'c') {
      store.clear();
      return set({
        eventsScroll: FOLLOW,
        klogScroll: FOLLOW,
        histOffset: null,
        refresh: u.refresh + 1,
        message: { text: 'counters cleared', until: Date.now() + 2000 },
      });
    }
    if (MODALS[input]) set({ modal: input });
  };

  useInput((input, key) => {
    if (key.ctrl && input === 'c') return quit();
    // Several characters in one read (a paste, keys typed faster than a frame): taken one by one.
    for (const [i, k] of splitKeys(input, key)) onKey(i, k);
  });

  const pending = paused ? Math.max(0, store.state.recent.total - snapshot.recentTotal) : 0;
  const body = plan.height - plan.header - plan.footer;

  const renderPane = (b: PaneBox) => {
    const h = b.height - 1;
    const isFocused = b.name === focused;
    let info: string | undefined;
    let content: React.ReactNode;
    switch (b.name) {
      case 'summary':
        info = `${snapshot.subsystems.length} rows`;
        content = <Summary rows={snapshot.subsystems} width={b.width} lines={h} offset={summaryOffset} />;
        break;
      case 'hist':
        info = `${view.family} (us)`;
        content = <Histogram snapshot={view.snapshot} family={view.family} width={b.width} height={h} offset={histOffset} />;
        break;
      case 'cpus':
        info = `${snapshot.cpus.length} CPUs${snapshot.isolation ? `, ${snapshot.isolation}` : ''}; ms/s, us`;
        content = <Cpus rows={snapshot.cpus} selected={cpu} width={b.width} height={h} why={cpuPaneWhy(snapshot)} />;
        break;
      case 'events': {
        const scrolled = !eventsScroll.follow ? ' scrolled, End follows' : '';
        info = `${view.events.length}${filter ? ` match "${filter}"` : ''}${scrolled}`;
        content = <Events lines={view.events} scroll={eventsScroll} width={b.width} height={h} filter={filter} />;
        break;
      }
      case 'kmsg': {
        const scrolled = !klogScroll.follow ? ' scrolled, End follows' : '';
        info = `${view.xids.length > 0 ? `${view.xids.length} Xid, ` : ''}${view.klog.length} lines${snapshot.kmsgLost > 0 ? `, ${snapshot.kmsgLost} lost` : ''}${scrolled}`;
        content = <KernelLog lines={view.klog} xids={view.xids} scroll={klogScroll} width={b.width} height={h} filter={filter} />;
        break;
      }
      case 'probes':
        info = `${snapshot.probes.filter((p) => p.state === 'ATTACHED').length}/${snapshot.probes.length} attached`;
        content = <Probes probes={snapshot.probes} diags={snapshot.diags} width={b.width} height={h} offset={probesOffset} />;
        break;
    }
    return (
      <Pane
        key={b.name}
        title={PANE_TITLES[b.name]}
        info={info}
        width={b.width}
        height={b.height}
        focused={isFocused && order.length > 1}
      >
        {content}
      </Pane>
    );
  };

  const spec = modal !== null ? MODALS[modal] : undefined;
  const closeModal = () => set({ modal: null });
  let main: React.ReactNode;
  if (spec) {
    const M = spec.component;
    main = (
      <Pane title={spec.title} info="Esc closes" width={plan.columns} height={body} focused>
        <M store={store} snapshot={snapshot} width={plan.columns} height={body - 1} close={closeModal} />
      </Pane>
    );
  } else if (plan.right.length > 0) {
    main = (
      <Box flexDirection="row" height={body}>
        <Box flexDirection="column" width={plan.leftWidth}>
          {plan.left.map(renderPane)}
        </Box>
        <Box flexDirection="column" width={1}>
          <Text dimColor>{Array.from({ length: body }, () => theme.glyphs.vrule).join('\n')}</Text>
        </Box>
        <Box flexDirection="column" width={plan.columns - plan.leftWidth - 1}>
          {plan.right.map(renderPane)}
        </Box>
      </Box>
    );
  } else {
    main = (
      <Box flexDirection="column" height={body}>
        {plan.left.map(renderPane)}
      </Box>
    );
  }

  return (
    <Box flexDirection="column" width={plan.columns} height={plan.height} overflow="hidden">
      <Header
        snapshot={snapshot}
        width={plan.columns}
        lines={plan.header}
        paused={paused}
        pending={pending}
        host={host}
        replay={replay}
      />
      {main}
      <Footer width={plan.columns} editing={editing} filter={filter} message={message?.text ?? null} />
    </Box>
  );
}
