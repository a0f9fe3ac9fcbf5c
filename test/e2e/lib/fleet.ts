// A small fleet for e2e tests: a real Prometheus on loopback scraping `kerntop exporter` children, one
// per node (live on this kernel, or replaying a recording as a stand-in), each with `node` and
// `nodepool` target labels.
import { join } from 'node:path';
import { ROOT } from './kerntop.js';
import { freePort, healthy, startExporter, startPrometheus, until, type Child, type Prometheus } from './exporter.js';

export interface StandIn {
  node: string;
  /** A recording in fixtures/sessions (without .jsonl); none: a live exporter on this kernel. */
  file?: string;
  nodepool?: string;
}

export interface Fleet {
  prom: Prometheus;
  url: string;
  nodes: Map<string, { port: number; child: Child }>;
  stop(): Promise<void>;
}

/** Prometheus first (so rate() sees each replay from its start), then the exporters at `speed`. */
export async function startFleet(
  dir: string,
  standIns: readonly StandIn[],
  speed = 1,
  web?: { file: string; authorization: string },
): Promise<Fleet> {
  const ports = new Map<string, number>();
  for (const s of standIns) ports.set(s.node, await freePort());
  const prom = await startPrometheus(
    dir,
    standIns.map((s) => ({
      targets: [`127.0.0.1:${ports.get(s.node)!}`],
      labels: { node: s.node, nodepool: s.nodepool ?? 'gpu' },
    })),
    { scrapeS: 1, web },
  );
  const nodes = new Map<string, { port: number; child: Child }>();
  for (const s of standIns) {
    const port = ports.get(s.node)!;
    const args = s.file
      ? ['--replay', join(ROOT, 'fixtures/sessions', `${s.file}.jsonl`), '--speed', String(speed)]
      : ['--state-dir', join(dir, `state-${s.node}`)];
    nodes.set(s.node, { port, child: startExporter([...args, '--listen', `127.0.0.1:${port}`]) });
  }
  await Promise.all([...ports.values()].map((p) => healthy(p)));
  await until('every target up', async () => (await prom.query('up == 1')).length === standIns.length, 30_000, 250);
  return {
    prom,
    url: `http://127.0.0.1:${prom.port}`,
    nodes,
    async stop() {
      await prom.stop();
      await Promise.all([...nodes.values()].map((n) => n.child.stop()));
    },
  };
}
