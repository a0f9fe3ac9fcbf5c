// The fleet screen in a real terminal (tmux at 120x40 and 70x20) over a real Prometheus scraping
// three replaying exporters: the table, sorting, Enter into a node and back, help, q.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, PROMETHEUS, until } from './lib/exporter.js';
import { startFleet, type Fleet } from './lib/fleet.js';
import { BIN } from './lib/kerntop.js';
import { HAVE_TMUX, TmuxServer, type TmuxWindow } from './lib/tmux.js';

const ROOT = process.cwd();
const server = new TmuxServer(`kerntop-fleet-e2e-${process.pid}`, ROOT);
const isRoot = process.geteuid?.() === 0;
let dir: string;
let fleet: Fleet;

/** The table rows: lines that start with one of the stand-in nodes' names. */
const tableNodes = (s: string) =>
  s
    .split('\n')
    .map((l) => /^\s*(node-[a-z]+)\s/.exec(l)?.[1])
    .filter(Boolean);

async function expectShellBack(w: TmuxWindow) {
  const s = await w.waitFor((s) => /rc=\d+\n.*ktprompt\$ *$/m.test(s), 'the prompt after exit');
  expect(s).not.toMatch(/^kerntop fleet {2}http/m);
  w.run('stty -a | tr " " "\\n" | grep -xE -- "-?(icanon|echo)" | tr "\\n" " "; echo');
  const tty = await w.waitFor((s) => /(-?icanon|-?echo) (-?icanon|-?echo) *\n/.test(s), 'stty output');
  expect(tty).not.toMatch(/-icanon|-echo(\s|$)/);
  return s;
}

describe.skipIf(!HAVE_TMUX || !PROMETHEUS || !isRoot)('kerntop fleet in tmux', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kerntop-fleet-tui-'));
    fleet = await startFleet(dir, [
      { node: 'node-b', file: 'busy-host' },
      { node: 'node-c', file: 'gpu-straggler' },
      { node: 'node-d', file: 'calm-host' },
    ]);
    // The whole recordings replayed (final statuses), with rate() data for the p99s and the charts.
    await Promise.all(
      [...fleet.nodes.values()].map((n) => until('replay done', async () => n.child.stderr().includes('replay of'), 60_000, 250)),
    );
    await until(
      'run-queue p99 of every node',
      async () =>
        (
          await fleet.prom.query(
            'histogram_quantile(0.99, sum by (instance, le) (rate(kerntop_runq_latency_seconds_bucket[5m]))) > 0',
          )
        ).length === 3,
      60_000,
      500,
    );
  }, 120_000);

  afterEach(() => server.closeWindows());

  afterAll(async () => {
    server.kill();
    await fleet?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (w: TmuxWindow) => w.run(`node ${BIN} fleet --prometheus ${fleet.url} --interval 2; echo "rc=$?"`);

  it('120x40: every column, worst first; sort by node; Enter opens a node with its charts and summary; Esc back; q', async () => {
    const w = server.window(120, 40);
    start(w);
    let s = await w.waitFor((s) => tableNodes(s).length === 3 && /CRITICAL/.test(s), 'the three nodes');
    expect(s).toMatch(/^kerntop fleet\s+http:\/\/127\.0\.0\.1:\d+\s+CRITICAL\s+3 nodes/m);
    for (const h of ['NODE', 'STATUS', 'WORST', 'RUNQ p99', 'BIO p99', 'OOM/1h', 'RETX/s', 'XID/1h', 'LOG/1h', 'PROBES', 'AGE'])
      expect(s).toContain(h);
    // Worst first: the two CRITICAL nodes before the WARNING one.
    expect(tableNodes(s)[2]).toBe('node-d');
    expect(s).toMatch(/node-c\s+CRITICAL\s+sched,xid/);
    expect(s).toMatch(/1 drain 3 app e1:00,/);
    expect(s).toMatch(/node-c .* io_error x1/);
    expect(s).toMatch(/node-d .*ms S /);

    // '>' moves the sort to the node column: alphabetical.
    w.type('>');
    s = await w.waitFor((s) => s.includes('sorted by node'), 'sorted by node');
    expect(tableNodes(s)).toEqual(['node-b', 'node-c', 'node-d']);
    w.type('r');
    s = await w.waitFor((s) => s.includes('sorted by node (reversed)'), 'reversed');
    expect(tableNodes(s)).toEqual(['node-d', 'node-c', 'node-b']);

    // The selection is on the first row (node-d); Down, then Enter opens node-c.
    w.keys('Down');
    w.keys('Enter');
    s = await w.waitFor(
      (s) => s.includes('Node node-c') && s.includes('/summary.json:') && /run-queue p99\s+\S/.test(s),
      'the node view',
    );
    expect(s).toMatch(/status CRITICAL \(sched, xid\)/);
    expect(s).toMatch(/run-queue p99\s+[▁▂▃▄▅▆▇█ ]+\s+\d/);
    // The node's own /summary.json, read when the view opened: its replay may not have reached all
    // four of the recording's Xids yet, so at least the first (Xid 79, CRITICAL) is there.
    expect(s).toMatch(/CRITICAL xid: [1-4] event\(s\)/);
    w.keys('Escape');
    s = await w.waitFor((s) => s.includes('sorted by node (reversed)') && !s.includes('Node node-c'), 'back to the table');

    w.type('?');
    s = await w.waitFor((s) => s.includes('Help'), 'help');
    expect(s).toContain('sort by the previous / next column');
    w.type('x');
    await w.waitFor((s) => s.includes('sorted by node'), 'help closed');

    w.type('q');
    const end = await expectShellBack(w);
    expect(end).toMatch(/rc=0/);
  });

  it('70x20: the columns that fit, the filter, Enter and back, q', async () => {
    const w = server.window(70, 20);
    start(w);
    let s = await w.waitFor((s) => tableNodes(s).length === 3, 'the three nodes');
    const lines = s.split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(70);
    expect(s).toMatch(/NODE\s+STATUS/);
    expect(s).toContain('RUNQ p99');
    expect(s).toContain('AGE');
    w.type('/calm');
    s = await w.waitFor((s) => s.includes('/calm_'), 'typing the filter');
    w.keys('Enter');
    // node-d replays calm-host, but the filter matches names and labels: none is "calm".
    s = await w.waitFor((s) => s.includes('no node matches "calm"'), 'the filter applied');
    w.keys('Escape');
    s = await w.waitFor((s) => tableNodes(s).length === 3, 'filter cleared');
    w.type('/node-b');
    w.keys('Enter');
    s = await w.waitFor((s) => tableNodes(s).length === 1, 'one node');
    expect(tableNodes(s)).toEqual(['node-b']);
    w.keys('Enter');
    s = await w.waitFor((s) => s.includes('Node node-b') && /status CRITICAL/.test(s), 'node-b view');
    w.keys('Escape');
    await w.waitFor((s) => tableNodes(s).length === 1 && !s.includes('Node node-b'), 'back');
    w.type('q');
    expect(await expectShellBack(w)).toMatch(/rc=0/);
  });

  it('bad input keeps the screen: an unreachable Prometheus, then a selector that matches nothing; q still quits', async () => {
    const w = server.window(100, 24);
    const closed = await freePort();
    w.run(`node ${BIN} fleet --prometheus http://127.0.0.1:${closed} --interval 1 --timeout 2; echo "rc=$?"`);
    let s = await w.waitFor(
      (s) => s.includes(`cannot reach Prometheus at http://127.0.0.1:${closed}: ECONNREFUSED`),
      'the reason on screen',
    );
    expect(s).toContain('0 nodes');
    w.type('q');
    expect(await expectShellBack(w)).toMatch(/rc=0/);
    w.run(`node ${BIN} fleet --prometheus ${fleet.url} --selector '{nodepool="none"}' --interval 1; echo "rc=$?"`);
    s = await w.waitFor((s) => s.includes('no kerntop exporter matches {nodepool="none"}'), 'the empty selector said');
    w.type('?');
    await w.waitFor((s) => s.includes('Help'), 'help still works');
    w.type('q');
    expect(await expectShellBack(w)).toMatch(/rc=0/);
  });
});
