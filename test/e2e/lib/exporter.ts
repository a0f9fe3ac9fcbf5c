// Runs `kerntop exporter` children and a real Prometheus server on loopback, for e2e tests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT } from './kerntop.js';

/** A port free on 127.0.0.1 right now (the kernel picks it; other tests on this machine cannot collide). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  ms = 30_000,
  every = 100,
): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(every);
  }
}

export interface Child {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

function run(cmd: string, args: string[], cwd = ROOT): Child {
  const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err = (err + c).slice(-20_000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  return {
    child,
    stderr: () => err,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 8000);
      await exited;
      clearTimeout(t);
    },
  };
}

export function startExporter(args: string[]): Child {
  return run(process.execPath, [BIN, 'exporter', ...args]);
}

export async function httpGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; body: string }> {
  const r = await fetch(url, { headers });
  return { status: r.status, type: r.headers.get('content-type') ?? '', body: await r.text() };
}

/** Waits until the exporter answers /healthz with 200 (its sources have started). */
export async function healthy(port: number, ms = 45_000): Promise<void> {
  await until(
    `exporter on :${port} healthy`,
    async () => (await httpGet(`http://127.0.0.1:${port}/healthz`)).status === 200,
    ms,
    200,
  );
}

export const PROMETHEUS =
  ['/usr/bin/prometheus', '/usr/local/bin/prometheus'].find((p) => spawnSync(p, ['--version']).status === 0) ?? null;
export const PROMTOOL =
  ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => spawnSync(p, ['--version']).status === 0) ?? null;

export interface Prometheus extends Child {
  port: number;
  query<T = { metric: Record<string, string>; value: [number, string] }[]>(q: string): Promise<T>;
  api<T = unknown>(path: string): Promise<T>;
}

/** Targets of one static_configs entry, with the target labels the scrape config adds to them. */
export interface TargetGroup {
  targets: string[];
  labels?: Record<string, string>;
}

/** A Prometheus server on 127.0.0.1 with its TSDB in dir, scraping targets every scrapeS seconds. */
export async function startPrometheus(
  dir: string,
  targets: string[] | TargetGroup[],
  opts: {
    scrapeS: number;
    ruleFile?: string;
    /** Prometheus's own web configuration (basic auth, TLS), with the header its API then needs. */ web?: {
      file: string;
      authorization: string;
    };
  },
): Promise<Prometheus> {
  const groups: TargetGroup[] =
    targets.length && typeof targets[0] === 'string' ? [{ targets: targets as string[] }] : (targets as TargetGroup[]);
  const port = await freePort();
  const config = [
    'global:',
    `  scrape_interval: ${opts.scrapeS}s`,
    `  scrape_timeout: ${opts.scrapeS}s`,
    `  evaluation_interval: ${opts.scrapeS}s`,
    ...(opts.ruleFile ? ['rule_files:', `  - ${opts.ruleFile}`] : []),
    'scrape_configs:',
    '  - job_name: kerntop',
    '    static_configs:',
    ...groups.flatMap((g) => [
      `      - targets: [${g.targets.map((t) => `"${t}"`).join(', ')}]`,
      ...(g.labels
        ? ['        labels:', ...Object.entries(g.labels).map(([k, v]) => `          ${k}: ${JSON.stringify(v)}`)]
        : []),
    ]),
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), `${config}\n`);
  const web = opts.web ? [`--web.config.file=${opts.web.file}`] : [];
  const c = run(
    PROMETHEUS!,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
      ...web,
    ],
    dir,
  );
  const headers: Record<string, string> = opts.web ? { Authorization: opts.web.authorization } : {};
  const base = `http://127.0.0.1:${port}`;
  const api = async <T>(path: string): Promise<T> => {
    const r = await fetch(`${base}${path}`, { headers });
    const j = (await r.json()) as { status: string; data: T; error?: string };
    if (j.status !== 'success') throw new Error(`${path}: ${j.error}`);
    return j.data;
  };
  await until('prometheus ready', async () => (await fetch(`${base}/-/ready`, { headers })).status === 200, 30_000, 200);
  return {
    ...c,
    port,
    api,
    query: async <T>(q: string) => (await api<{ result: T }>(`/api/v1/query?query=${encodeURIComponent(q)}`)).result,
  };
}
