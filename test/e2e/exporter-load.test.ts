// Load: 50 concurrent scrapers, 1,000 scrapes in all, while the exporter replays 20,000 events/s.
// Asserts what the load must not change (every scrape answered and well formed, no event lost,
// RSS flat) and prints the latencies; speed targets are bench/exporter.ts's job.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './lib/kerntop.js';
import { freePort, httpGet, startExporter, until, type Child } from './lib/exporter.js';
import { makeLoadRecording } from './lib/load-recording.js';

const RATE = 20_000;
const SCRAPERS = 50;
const SCRAPES = 1000;

const rssKb = (pid: number) => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

describe('kerntop exporter under load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kerntop-exp-load-'));
  let exp: Child | null = null;
  afterAll(async () => {
    await exp?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`${SCRAPERS} concurrent scrapers, ${SCRAPES} scrapes, replaying ${RATE} events/s: all answered, no event lost, RSS flat`, async () => {
    const rec = makeLoadRecording(join(ROOT, 'fixtures/sessions/busy-host.jsonl'), join(dir, 'load.jsonl'), 120);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/metrics`;
    exp = startExporter(['--replay', rec.path, '--speed', String(rec.speed(RATE)), '--listen', `127.0.0.1:${port}`]);
    await until('exporter serving', async () => (await httpGet(url)).status === 200, 30_000, 100);
    const pid = exp.child.pid!;
    // Warm-up (not measured): V8 sizes its heap to the scrape load in the first few hundred scrapes.
    let warm = 0;
    await Promise.all(
      Array.from({ length: SCRAPERS }, async () => {
        while (warm++ < 200) await httpGet(url);
      }),
    );
    const applied = (body: string) => Number(/^kerntop_events_applied_total (\d+)$/m.exec(body)?.[1]);
    const t0 = performance.now();
    const a0 = applied((await httpGet(url)).body);
    const lat: number[] = [];
    const rss: number[] = [];
    let bad = 0;
    let next = 0;
    let duringReplay = 0;
    await Promise.all(
      Array.from({ length: SCRAPERS }, async () => {
        while (next < SCRAPES) {
          const i = next++;
          const s = performance.now();
          const r = await httpGet(url);
          lat.push(performance.now() - s);
          if (r.status !== 200 || !r.body.includes('# TYPE kerntop_runq_latency_seconds histogram')) bad++;
          if (!exp!.stderr().includes('replay of')) duringReplay++;
          if (i % 50 === 0) rss.push(rssKb(pid));
        }
      }),
    );
    const wall = (performance.now() - t0) / 1000;
    const a1 = applied((await httpGet(url)).body);
    const rate = (a1 - a0) / wall;
    process.stdout.write(
      `exporter load: ${SCRAPES} scrapes by ${SCRAPERS} scrapers in ${wall.toFixed(1)} s (${duringReplay} during the replay); scrape latency p50 ${pct(lat, 0.5).toFixed(1)} ms, p99 ${pct(lat, 0.99).toFixed(1)} ms; events applied meanwhile ${rate.toFixed(0)}/s; RSS ${rss.map((k) => Math.round(k / 1024)).join(' ')} MB\n`,
    );
    expect(bad).toBe(0);
    expect(lat).toHaveLength(SCRAPES);
    expect(duringReplay).toBeGreaterThan(SCRAPES / 2);
    // RSS flat: after the warm-up the last samples are within 25 MB of the first ones (the store
    // is bounded; nothing a scrape makes is kept).
    const head = Math.max(...rss.slice(0, 5));
    const tail = Math.max(...rss.slice(-5));
    expect(tail - head).toBeLessThan(25 * 1024);
    // No event lost: once the replay ends, every event was applied and every family counted in full.
    await until('replay done', async () => exp!.stderr().includes('replay of'), 120_000, 250);
    const body = (await httpGet(url)).body;
    expect(applied(body)).toBe(rec.events + 1);
    const copies = 120;
    for (const [fam, n] of Object.entries(rec.per_copy)) {
      const m = new RegExp(`^kerntop_probe_events_total\\{family="${fam}"\\} (\\d+)$`, 'm').exec(body);
      if (m) expect(Number(m[1]), fam).toBe(n * copies);
    }
    expect(body).toMatch(new RegExp(`^kerntop_oom_kills_total ${rec.per_copy.oom * copies}$`, 'm'));
  }, 240_000);
});
