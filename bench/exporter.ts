// `kerntop exporter` side by side with Debian's prometheus-node-exporter, scraped on this machine in
// the same run: scrape latency (sequential scrapes, p50/p99), CPU of each whole process tree
// (utime+stime from /proc, as a share of one core) and RSS of the tree (kerntop: node plus its
// bpftrace child; goal at most 200 MB with the default families).
//   1. idle: the live exporter with the default probe families, next to node_exporter
//   2. load: an exporter replaying 20,000 events/s (copies of fixtures/sessions/busy-host.jsonl),
//      next to node_exporter over the same window
//   npx tsx bench/exporter.ts [seconds=20]      (root, built dist/, prometheus-node-exporter installed)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { descendants } from '../test/e2e/lib/kerntop.js';
import { freePort } from '../test/e2e/lib/exporter.js';
import { makeLoadRecording } from '../test/e2e/lib/load-recording.js';

const WINDOW_S = Number(process.argv[2] ?? 20);
const ROOT = join(import.meta.dirname, '..');
const TICK = 100; // USER_HZ
const RATE = 20_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tree = (pid: number) => [pid, ...descendants(pid)];
function cpuTicks(pids: number[]): number {
  let t = 0;
  for (const p of pids) {
    try {
      const s = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      t += Number(f[11]) + Number(f[12]);
    } catch {
      // exited
    }
  }
  return t;
}
function rssMb(pids: number[]): number {
  let kb = 0;
  for (const p of pids) {
    try {
      kb += Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // exited
    }
  }
  return kb / 1024;
}
function scrape(port: number): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/metrics', agent: false }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`status ${res.statusCode}`)),
      );
    }).on('error', reject);
  });
}
async function until(fn: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn().catch(() => false)) return;
    await sleep(200);
  }
  throw new Error('timed out');
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

interface Target {
  name: string;
  port: number;
  child: ChildProcess;
}

/** Over the window: CPU share of each tree, and one scrape per target every 250 ms for latency. */
async function measure(targets: Target[]): Promise<Record<string, { cpu: number; p50: number; p99: number; rss: number }>> {
  const c0 = targets.map((t) => cpuTicks(tree(t.child.pid!)));
  const lat: number[][] = targets.map(() => []);
  const rss: number[] = targets.map(() => 0);
  const t0 = Date.now();
  while (Date.now() - t0 < WINDOW_S * 1000) {
    for (let i = 0; i < targets.length; i++) {
      lat[i].push(await scrape(targets[i].port));
      rss[i] = Math.max(rss[i], rssMb(tree(targets[i].child.pid!)));
    }
    await sleep(250);
  }
  const secs = (Date.now() - t0) / 1000;
  return Object.fromEntries(
    targets.map((t, i) => [
      t.name,
      { cpu: (cpuTicks(tree(t.child.pid!)) - c0[i]) / TICK / secs, p50: pct(lat[i], 0.5), p99: pct(lat[i], 0.99), rss: rss[i] },
    ]),
  );
}

function row(name: string, r: { cpu: number; p50: number; p99: number; rss: number }): string {
  return `  ${name.padEnd(34)} scrape p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms  CPU ${(r.cpu * 100).toFixed(1).padStart(5)}% of a core  RSS ${r.rss.toFixed(0).padStart(4)} MB`;
}

const dir = mkdtempSync(join(tmpdir(), 'kerntop-bench-exp-'));
const kids: ChildProcess[] = [];
const start = (cmd: string, args: string[]) => {
  const c = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  c.stderr!.resume();
  kids.push(c);
  return c;
};
try {
  const [pk, pn, pr] = [await freePort(), await freePort(), await freePort()];
  const node = start('/usr/bin/prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${pn}`]);
  const live = start(process.execPath, [
    join(ROOT, 'bin/kerntop'),
    'exporter',
    '--listen',
    `127.0.0.1:${pk}`,
    '--state-dir',
    join(dir, 'state'),
  ]);
  await until(async () => (await fetch(`http://127.0.0.1:${pk}/healthz`)).status === 200, 60_000);
  await until(async () => (await fetch(`http://127.0.0.1:${pn}/metrics`)).status === 200, 10_000);
  await sleep(8000); // start-up compilation and first GCs
  const idle = await measure([
    { name: 'kerntop exporter (live, default)', port: pk, child: live },
    { name: 'prometheus-node-exporter', port: pn, child: node },
  ]);
  live.kill('SIGTERM');

  const rec = makeLoadRecording(
    join(ROOT, 'fixtures/sessions/busy-host.jsonl'),
    join(dir, 'load.jsonl'),
    Math.ceil(((WINDOW_S + 15) * RATE) / 2161),
  );
  const replay = start(process.execPath, [
    join(ROOT, 'bin/kerntop'),
    'exporter',
    '--replay',
    rec.path,
    '--speed',
    String(rec.speed(RATE)),
    '--listen',
    `127.0.0.1:${pr}`,
  ]);
  await until(async () => (await fetch(`http://127.0.0.1:${pr}/healthz`)).status === 200, 30_000);
  const applied = async () =>
    Number(/^kerntop_events_applied_total (\d+)$/m.exec(await (await fetch(`http://127.0.0.1:${pr}/metrics`)).text())?.[1]);
  await sleep(3000);
  const a0 = await applied();
  const t0 = Date.now();
  const load = await measure([
    { name: `kerntop exporter (replay ${RATE / 1000}k ev/s)`, port: pr, child: replay },
    { name: 'prometheus-node-exporter', port: pn, child: node },
  ]);
  const rate = ((await applied()) - a0) / ((Date.now() - t0) / 1000);

  const k = idle['kerntop exporter (live, default)'];
  const n = idle['prometheus-node-exporter'];
  const kl = load[`kerntop exporter (replay ${RATE / 1000}k ev/s)`];
  process.stdout.write(
    [
      `kerntop exporter vs prometheus-node-exporter, ${WINDOW_S} s windows, one scrape each per 250 ms`,
      'idle:',
      row('kerntop exporter (live, default)', k),
      row('prometheus-node-exporter', n),
      `at ${RATE} events/s (achieved ${rate.toFixed(0)}/s):`,
      row(`kerntop exporter (replay)`, kl),
      row('prometheus-node-exporter', load['prometheus-node-exporter']),
      `ratios kerntop/node_exporter: scrape p50 idle ${(k.p50 / n.p50).toFixed(2)}x, loaded ${(kl.p50 / load['prometheus-node-exporter'].p50).toFixed(2)}x; CPU idle ${(k.cpu / Math.max(n.cpu, 1e-6)).toFixed(2)}x`,
      `RSS of the live exporter's tree: ${k.rss.toFixed(0)} MB (goal <= 200 MB: ${k.rss <= 200 ? 'met' : 'NOT met'})`,
      '',
    ].join('\n'),
  );
} finally {
  for (const c of kids) if (c.exitCode === null) c.kill('SIGTERM');
  await sleep(1500);
  for (const c of kids) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
