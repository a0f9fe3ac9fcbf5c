// Captures fixtures/fleet/answers.json: what a real Prometheus answered the fleet view's queries
// (the node series and every instant query, at one time) while scraping three replaying exporters,
// node-d stopped before the capture. Run as root: npx tsx scripts/capture-fleet-answers.ts
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fleetQueries, nodeSeriesMatch, type QueryOptions } from '../src/fleet/queries.js';
import { Prometheus } from '../src/fleet/prometheus.js';
import { sleep, until } from '../test/e2e/lib/exporter.js';
import { startFleet } from '../test/e2e/lib/fleet.js';

const dir = mkdtempSync(join(tmpdir(), 'kerntop-fleet-capture-'));
const f = await startFleet(dir, [
  { node: 'node-b', file: 'busy-host' },
  { node: 'node-c', file: 'gpu-straggler' },
  { node: 'node-d', file: 'calm-host' },
]);
try {
  await Promise.all(
    [...f.nodes.values()].map((n) => until('replay done', async () => n.child.stderr().includes('replay of'), 60_000, 250)),
  );
  await sleep(2500);
  await f.nodes.get('node-d')!.child.stop();
  await until('node-d down', async () => (await f.prom.query('up{node="node-d"} == 0')).length === 1, 15_000, 250);
  const o: QueryOptions = { matchers: [], window: '5m', lookback: '1h' };
  const p = new Prometheus({ url: f.url });
  await sleep(1500); // the down scrape and the staleness markers are then before time_s
  const time_s = Math.round(Date.now() / 1000);
  const qs = fleetQueries(o);
  const answers: Record<string, unknown> = {};
  for (const [k, q] of Object.entries(qs)) answers[k] = await p.query(q, time_s);
  const series = await p.series(nodeSeriesMatch(o), time_s - 3600, time_s);
  const ports = Object.fromEntries([...f.nodes].map(([n, x]) => [String(x.port), n]));
  // Ports differ on every run: the instances are named after their nodes instead.
  const text = JSON.stringify({ time_s, queries: qs, series, answers }, null, 1).replace(
    /127\.0\.0\.1:(\d+)/g,
    (_m, port: string) => `${ports[port] ?? 'unknown'}:9864`,
  );
  writeFileSync('fixtures/fleet/answers.json', `${text}\n`);
} finally {
  await f.stop();
  rmSync(dir, { recursive: true, force: true });
}
