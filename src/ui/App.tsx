import React, { useState } from 'react';
import { Box, Text, useApp, useInput, type Key } from 'ink';
import type { Store } from '../store/index.js';
import { Pane } from './components/Pane.js';
import { SNAPSHOT_INTERVAL_MS, useStoreSnapshot, useTick } from './hooks/useStoreSnapshot.js';
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
import { FOLLOW, offsetMove, streamMove, type ScrollMove, type StreamScroll } from './scroll.js';
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

/** Everything the panes and the key handler derive from one snapshot and the UI state. */
interface View {
  plan: LayoutPlan;
  events: EventLine[];
  klog: KlogLine[];
  xids: XidRow[];
  family: string;
  boxes: Map<PaneName, PaneBox>;
}

function keyMove(key: Key): ScrollMove | null {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.pageUp) return 'pageUp';
  if (key.pageDown) return 'pageDown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  return null;
}

function buildView(s: Snapshot, size: TerminalSize, pane: PaneName | undefined, filter: string, chosenFamily: string | null): View {
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
    },
  });
  const boxes = new Map([...plan.left, ...plan.right].map((b) => [b.name, b] as const));
  return { plan, events: eventLines(s, filter), klog: klogLines(s, filter), xids: xidRows(s, filter), family, boxes };
}

export function App({ store, pane, host, replay, onQuit, size: sizeOverride, snapshotIntervalMs = SNAPSHOT_INTERVAL_MS }: AppProps) {
  const theme = useTheme();
  const { exit } = useApp();
  const size = useTerminalSize(sizeOverride);
  const [paused, setPaused] = useState(false);
  const [refresh, setRefresh] = useState(0);
  const snapshot = useStoreSnapshot(store, paused, snapshotIntervalMs, refresh);
  const wallMs = useTick(1000);
  const [focus, setFocus] = useState<PaneName>(pane ?? 'events');
  const [modal, setModal] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [chosenFamily, setChosenFamily] = useState<string | null>(null);
  const [histOffset, setHistOffset] = useState<number | null>(null);
  const [eventsScroll, setEventsScroll] = useState<StreamScroll>(FOLLOW);
  const [klogScroll, setKlogScroll] = useState<StreamScroll>(FOLLOW);
  const [summaryOffset, setSummaryOffset] = useState(0);
  const [probesOffset, setProbesOffset] = useState(0);
  const [message, setMessage] = useState<{ text: string; until: number } | null>(null);

  const view = buildView(snapshot, size, pane, filter, chosenFamily);
  const { plan, boxes } = view;
  const order = focusOrder(plan);
  const focused: PaneName = order.includes(focus) ? focus : (order.find((p) => p === 'events') ?? order[0]);
  const contentH = (p: PaneName) => Math.max(0, (boxes.get(p)?.height ?? 1) - 1);
  const klogH = () => Math.max(1, contentH('kmsg') - xidTableLines(view.xids.length, contentH('kmsg')));

  const quit = () => {
    onQuit?.();
    exit();
  };
  const say = (text: string) => setMessage({ text, until: Date.now() + 2000 });
  const setFilterAndReset = (f: string) => {
    setFilter(f);
    setEventsScroll(FOLLOW);
    setKlogScroll(FOLLOW);
  };

  const scroll = (move: ScrollMove) => {
    switch (focused) {
      case 'events':
        setEventsScroll((s) => streamMove(view.events, (l) => l.id, s, contentH('events'), move));
        break;
      case 'kmsg':
        setKlogScroll((s) => streamMove(view.klog, (l) => l.id, s, klogH(), move));
        break;
      case 'summary':
        setSummaryOffset((o) => offsetMove(o, snapshot.subsystems.length, Math.max(1, contentH('summary') - 1), move));
        break;
      case 'probes':
        setProbesOffset((o) => offsetMove(o, snapshot.probes.length, Math.max(1, contentH('probes') - 1), move));
        break;
      case 'hist': {
        const n = snapshot.histograms[view.family]?.length ?? 0;
        const rows = Math.max(1, contentH('hist') - 1);
        setHistOffset((o) => offsetMove(o ?? 0, n, rows, move));
        break;
      }
    }
  };

  const chooseFamily = (f: string) => {
    setChosenFamily(f);
    setHistOffset(null);
  };

  useInput((input, key) => {
    if (key.ctrl && input === 'c') return quit();
    if (modal !== null) {
      if (key.escape || input === modal) setModal(null);
      return;
    }
    if (editing !== null) {
      if (key.escape) {
        setEditing(null);
        setFilterAndReset('');
      } else if (key.return) {
        setEditing(null);
      } else if (key.backspace || key.delete) {
        const next = editing.slice(0, -1);
        setEditing(next);
        setFilterAndReset(next);
      } else if (input && !key.ctrl && !key.meta && !key.tab) {
        const next = editing + input;
        setEditing(next);
        setFilterAndReset(next);
      }
      return;
    }
    if (input === 'q') return quit();
    if (key.escape) {
      if (filter) setFilterAndReset('');
      return;
    }
    if (key.tab) {
      const i = order.indexOf(focused);
      const n = order.length;
      setFocus(order[(i + (key.shift ? n - 1 : 1)) % n]);
      return;
    }
    const move = keyMove(key);
    if (move) return scroll(move);
    if (key.leftArrow || key.rightArrow) {
      const fams = histFamilies(snapshot);
      const i = fams.indexOf(view.family);
      chooseFamily(fams[(i + (key.leftArrow ? fams.length - 1 : 1)) % fams.length]);
      return;
    }
    if (/^[1-9]$/.test(input)) {
      const f = histFamilies(snapshot)[Number(input) - 1];
      if (f) chooseFamily(f);
      return;
    }
    if (input === 'p') {
      setPaused((p) => !p);
      return;
    }
    if (input === '/') {
      setEditing(filter);
      return;
    }
    if (input === 'c') {
      store.clear();
      setEventsScroll(FOLLOW);
      setKlogScroll(FOLLOW);
      setHistOffset(null);
      setRefresh((r) => r + 1);
      say('counters cleared');
      return;
    }
    if (MODALS[input]) setModal(input);
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
        content = <Histogram snapshot={snapshot} family={view.family} width={b.width} height={h} offset={histOffset} />;
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
      <Pane key={b.name} title={PANE_TITLES[b.name]} info={info} width={b.width} height={b.height} focused={isFocused && order.length > 1}>
        {content}
      </Pane>
    );
  };

  const spec = modal !== null ? MODALS[modal] : undefined;
  let main: React.ReactNode;
  if (spec) {
    const M = spec.component;
    main = (
      <Pane title={spec.title} info="Esc closes" width={plan.columns} height={body} focused>
        <M store={store} snapshot={snapshot} width={plan.columns} height={body - 1} close={() => setModal(null)} />
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
      <Header snapshot={snapshot} width={plan.columns} lines={plan.header} wallMs={wallMs} paused={paused} pending={pending} host={host} replay={replay} />
      {main}
      <Footer width={plan.columns} editing={editing} filter={filter} message={message && message.until > wallMs ? message.text : null} />
    </Box>
  );
}
