// `kerntop fleet` over 1,000 simulated nodes: Debian's Prometheus loaded with synthetic kerntop series
// through its TSDB backfill (`promtool tsdb create-blocks-from openmetrics`), then, in the same run:
//   - one refresh (the node series plus the fixed instant queries) for 1,000 nodes and for 10 of them
//     (--selector on a rack label), and a single `count(kerntop_build_info)` round trip as the floor;
//   - building, sorting and drawing the 1,000 rows: the row model, the -q text, and the first Ink frame
//     of the screen (ink-testing-library, 120x40).
// Each node has the series the fleet reads, as an exporter names them: build info, 4 subsystems x 3
// statuses, run-queue and block I/O histograms (28 buckets each), OOM kills, retransmits, 11 log
// classes, 7 probe families x 2 states; 2% of nodes have an Xid, 1% are run-queue stragglers.
//   npx tsx bench/fleet.ts [nodes=1000] [minutes=20]      (built dist/ not needed; prometheus, promtool)
// Measured on 2 vCPUs shared with other work: refresh of 1,000 nodes 1293 ms (10 nodes 119 ms, one
// count() round trip 26 ms; runq_p99 424 ms and bio_p99 355 ms the slowest requests), first Ink frame 134 ms.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import React from 'react';
import { render } from 'ink-testing-library';
import { METRIC } from '../src/exporter/families.js';
import { KERNEL_LOG_CLASSES } from '../src/exporter/subsystems.js';
import { fetchFleet, type FleetOptions } from '../src/fleet/fetch.js';
import { fleetQueries, nodeSeriesMatch } from '../src/fleet/queries.js';
import { fleetJson } from '../src/fleet/json.js';
import { FleetPoller } from '../src/fleet/poller.js';
import { Prometheus } from '../src/fleet/prometheus.js';
import { sortRows } from '../src/fleet/sort.js';
import { FleetApp } from '../src/ui/fleet/FleetApp.js';
import { fleetText } from '../src/ui/fleet/text.js';
import { PROMETHEUS, PROMTOOL, startPrometheus } from '../test/e2e/lib/exporter.js';
import { median } from './lib.js';

const NODES = Number(process.argv[2] ?? 1000);
const MINUTES = Number(process.argv[3] ?? 20);
const STEP_S = 60;
const RUNS = 5;
const LE = [...Array.from({ length: 27 }, (_, n) => ((2 ** n - 1) / 1e6).toString()), '+Inf'];

if (!PROMETHEUS || !PROMTOOL) {
  process.stderr.write('bench/fleet.ts needs prometheus and promtool (Debian: apt-get install prometheus)\n');
  process.exit(3);
}

const dir = mkdtempSync(join(tmpdir(), 'kerntop-fleet-bench-'));
const endS = Math.floor(Date.now() / 1000 / STEP_S) * STEP_S - STEP_S;
const steps = Array.from({ length: MINUTES + 1 }, (_, i) => endS - (MINUTES - i) * STEP_S);

/** Cumulative bucket counts of a node's latency histogram after `k` steps: log2 slots around `center`. */
function buckets(k: number, center: number, perStep: number): number[] {
  const out: number[] = [];
  let acc = 0;
  for (let i = 0; i < LE.length; i++) {
    const w = Math.exp(-((i - center) ** 2) / 4);
    acc += Math.round(perStep * k * w);
    out.push(acc);
  }
  return out;
}

async function writeOpenMetrics(file: string): Promise<number> {
  const out = createWriteStream(file);
  let lines = 0;
  const w = (s: string) => {
    lines++;
    if (!out.write(s)) return new Promise<void>((r) => out.once('drain', () => r()));
  };
  const node = (i: number) =>
    `job="kerntop",instance="10.0.${i >> 8}.${i & 255}:9864",node="gpu-${String(i).padStart(4, '0')}",rack="${i % 100}"`;
  const family = async (name: string, each: (i: number, k: number, t: number) => [string, number][]) => {
    await w(`# TYPE ${name} unknown\n`);
    for (let i = 0; i < NODES; i++)
      for (let k = 0; k < steps.length; k++)
        for (const [labels, v] of each(i, k, steps[k])) await w(`${name}{${node(i)}${labels}} ${v} ${steps[k]}\n`);
  };
  await family(METRIC.build_info, () => [
    [',version="0.1.0",kernel_release="6.1.0-56-cloud-amd64",bpftrace_version="v0.17.0"', 1],
  ]);
  const subsystems = ['sched', 'bio', 'oom', 'xid'];
  const statusOf = (i: number, s: string) =>
    s === 'oom' && i % 50 === 7 ? 'CRITICAL' : s === 'sched' && i % 20 === 3 ? 'WARNING' : 'OK';
  await family(METRIC.subsystem_status, (i) =>
    subsystems.flatMap((s) =>
      ['OK', 'WARNING', 'CRITICAL'].map((st): [string, number] => [
        `,subsystem="${s}",status="${st}"`,
        statusOf(i, s) === st ? 1 : 0,
      ]),
    ),
  );
  const straggler = (i: number) => i % 100 === 42;
  const hist = async (name: string, center: (i: number) => number) => {
    await w(`# TYPE ${name}_bucket unknown\n`);
    for (let i = 0; i < NODES; i++) {
      const series = steps.map((_, k) => buckets(k, center(i), 50));
      for (let b = 0; b < LE.length; b++)
        for (let k = 0; k < steps.length; k++) await w(`${name}_bucket{${node(i)},le="${LE[b]}"} ${series[k][b]} ${steps[k]}\n`);
    }
  };
  await hist(METRIC.runq_latency_seconds, (i) => (straggler(i) ? 14 : 7 + (i % 3)));
  await hist(METRIC.bio_latency_seconds, (i) => 9 + (i % 2));
  await family(METRIC.oom_kills_total, (i, k) => [['', i % 50 === 7 && k > steps.length / 2 ? 1 : 0]]);
  await family(METRIC.tcp_retransmits_total, (i, k) => [['', k * (i % 7)]]);
  await family(METRIC.kernel_log_findings_total, (i, k) =>
    KERNEL_LOG_CLASSES.map((c): [string, number] => [`,class="${c}"`, c === 'warning' && i % 33 === 5 ? k : 0]),
  );
  await family(METRIC.probe_state, () =>
    ['sched', 'bio', 'vfs', 'oom', 'tcp_retrans', 'drops', 'faults'].flatMap(
      (f) =>
        [
          [`,family="${f}",state="ATTACHED"`, 1],
          [`,family="${f}",state="FAILED"`, 0],
        ] as [string, number][],
    ),
  );
  await family(METRIC.xid_errors_total, (i, k) =>
    i % 50 === 11 && k > 2 ? [[`,pci="0000:${(i % 8).toString(16)}1:00.0",uuid="",xid="79"`, 1]] : [],
  );
  await family(METRIC.xid_catalog_info, (i, k) =>
    i % 50 === 11 && k > 2 ? [[',xid="79",name="GPU has fallen off the bus",class="hardware",action="reboot_node"', 1]] : [],
  );
  await w('# EOF\n');
  await new Promise<void>((r) => out.end(r));
  return lines;
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const fmt = (x: number) => `${x.toFixed(1)} ms`;

try {
  let t0 = process.hrtime.bigint();
  const om = join(dir, 'fleet.om');
  const lines = await writeOpenMetrics(om);
  process.stdout.write(
    `synthetic series for ${NODES} nodes, ${steps.length} samples each (${MINUTES} min at ${STEP_S} s): ${lines} lines in ${fmt(ms(t0))}\n`,
  );
  t0 = process.hrtime.bigint();
  const bf = spawnSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', '-q', om, join(dir, 'tsdb')], {
    encoding: 'utf8',
  });
  if (bf.status !== 0) throw new Error(`promtool: ${bf.stderr}`);
  process.stdout.write(`promtool tsdb create-blocks-from openmetrics: ${fmt(ms(t0))}\n`);
  rmSync(om);

  const prom = await startPrometheus(dir, [], { scrapeS: 15 });
  try {
    const p = new Prometheus({ url: `http://127.0.0.1:${prom.port}`, timeoutMs: 60_000 });
    const opts = (matchers: string[]): FleetOptions => ({
      matchers,
      window: '5m',
      lookback: '1h',
      lookbackS: 3600,
      staleAfterS: 120,
      nodeLabel: 'node',
      stragglerFactor: 3,
    });
    const timed = async (f: () => Promise<unknown>) => {
      await f(); // warm: Prometheus loads the blocks' index on first use
      const xs: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t = process.hrtime.bigint();
        await f();
        xs.push(ms(t));
      }
      return median(xs);
    };
    const floor = await timed(() => p.query(`count(${METRIC.build_info})`, endS));
    const small = await fetchFleet(p, opts(['rack="0"']), endS);
    const t10 = await timed(() => fetchFleet(p, opts(['rack="0"']), endS));
    const big = await fetchFleet(p, opts([]), endS);
    const t1000 = await timed(() => fetchFleet(p, opts([]), endS));
    const stragglers = big.rows.filter((r) => r.straggler.length).length;
    process.stdout.write(`\nrefresh, median of ${RUNS} (${big.requests} requests whatever the fleet's size):\n`);
    process.stdout.write(`  count(kerntop_build_info), one round trip (reference)  ${fmt(floor)}\n`);
    process.stdout.write(
      `  ${small.rows.length} nodes                                              ${fmt(t10)}  (${(t10 / floor).toFixed(1)}x the reference)\n`,
    );
    process.stdout.write(
      `  ${big.rows.length} nodes                                            ${fmt(t1000)}  (${(t1000 / floor).toFixed(1)}x the reference, ${(t1000 / t10).toFixed(1)}x ${small.rows.length} nodes; ${stragglers} stragglers, ${big.rows.filter((r) => r.status === 'CRITICAL').length} critical)\n`,
    );

    // Where a refresh's time goes: each request alone, slowest first (they run in parallel).
    const qs = fleetQueries(opts([]));
    const each: [string, number][] = [['series', await timed(() => p.series(nodeSeriesMatch(opts([])), endS - 3600, endS))]];
    for (const [k, q] of Object.entries(qs)) each.push([k, await timed(() => p.query(q, endS))]);
    each.sort((a, b) => b[1] - a[1]);
    process.stdout.write(
      `  each request alone for ${big.rows.length} nodes: ${each.map(([k, t]) => `${k} ${t.toFixed(0)}`).join(', ')} ms\n`,
    );

    // Drawing: the rows from the answers are already built by fetchFleet; sort + text, then Ink.
    const meta = { prometheus: p.base, selector: '', stragglerFactor: 3 };
    const tText = await timed(async () => fleetText(fleetJson(big, meta, sortRows(big.rows)), 160));
    const poller = new FleetPoller(p, opts([]), 3_600_000);
    poller.state = { snapshot: big, error: null, at_ms: Date.now(), busy: false };
    const frames: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const t = process.hrtime.bigint();
      const r = render(
        React.createElement(FleetApp, { poller, prom: p, opts: opts([]), title: p.base, size: { columns: 120, rows: 40 } }),
      );
      if (!/gpu-\d{4}/.test(r.lastFrame() ?? '')) throw new Error('the first frame has no rows');
      frames.push(ms(t));
      r.unmount();
    }
    process.stdout.write(`\ndrawing ${big.rows.length} rows, median of ${RUNS}:\n`);
    process.stdout.write(`  sort + -q text table                                   ${fmt(tText)}\n`);
    process.stdout.write(`  first Ink frame of the screen (120x40)                 ${fmt(median(frames.slice(1)))}\n`);
    process.stdout.write(`  time to draw (refresh + first frame)                   ${fmt(t1000 + median(frames.slice(1)))}\n`);
  } finally {
    await prom.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
