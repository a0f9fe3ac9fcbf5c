// `kerntop fleet` against a real Prometheus (Debian's package) on loopback scraping five kerntop
// exporters: one live on this kernel, four replaying recordings at their recorded pace as stand-in
// nodes (busy-host, gpu-straggler, calm-host, and busy-host again, stopped mid-test). What each row
// says is checked against what its node was fed: the recording's own quiet summary and events.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetJsonSchema, type FleetJson } from '../../src/fleet/json.js';
import { NODE_STATUS_RANK } from '../../src/fleet/rows.js';
import { DRAIN_OR_RESET_ACTIONS, xidInfo } from '../../src/knowledge/xid/catalog.js';
import { normalizePci } from '../../src/knowledge/xid/pci.js';
import { slotOf } from '../../src/store/histogram.js';
import { BIN, ROOT } from './lib/kerntop.js';
import { freePort, PROMETHEUS, sleep, until } from './lib/exporter.js';
import { startFleet, type Fleet } from './lib/fleet.js';

const isRoot = process.geteuid?.() === 0;
const rec = (n: string) => join(ROOT, 'fixtures/sessions', `${n}.jsonl`);
const inst = (p: number) => `127.0.0.1:${p}`;

/** The stand-in nodes: name (the `node` target label) and the recording each replays. */
const REPLAYS = [
  { node: 'node-b', file: 'busy-host' },
  { node: 'node-c', file: 'gpu-straggler' },
  { node: 'node-d', file: 'calm-host' },
  { node: 'node-e', file: 'busy-host' },
] as const;
const STOPPED = 'node-e';

interface Quiet {
  status: string;
  subsystems: { name: string; p99_us: number | null; events: number }[];
}
function quietSummary(file: string): Quiet {
  const r = spawnSync(process.execPath, [BIN, '-q', '--json', '--replay', rec(file), '--speed', '0'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(r.stdout) as Quiet;
}

/** The Xid events a recording holds: code, GPU and the catalog's reading. */
function recordedXids(file: string) {
  return readFileSync(rec(file), 'utf8')
    .split('\n')
    .filter((l) => l.includes('"subsystem":"xid"'))
    .map((l) => JSON.parse(l) as { fields: { xid: number; pci: string } })
    .map((e) => ({ xid: e.fields.xid, pci: normalizePci(e.fields.pci)!, info: xidInfo(e.fields.xid) }));
}

function fleet(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'fleet', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!isRoot || !PROMETHEUS)('kerntop fleet over a real Prometheus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kerntop-fleet-'));
  let f: Fleet;
  let url: string;
  const ports = new Map<string, number>();

  beforeAll(async () => {
    f = await startFleet(dir, [{ node: 'node-live', nodepool: 'cpu' }, ...REPLAYS.map((r) => ({ node: r.node, file: r.file }))]);
    url = f.url;
    for (const [n, x] of f.nodes) ports.set(n, x.port);
    // The recordings last 25-30 s at their pace; then two more scrapes.
    const replays = REPLAYS.map((r) => f.nodes.get(r.node)!.child);
    await Promise.all(replays.map((c) => until('replay done', async () => c.stderr().includes('replay of'), 60_000, 250)));
    await sleep(2500);
    await f.nodes.get(STOPPED)!.child.stop();
    await until(
      'the stopped node is down',
      async () => (await f.prom.query(`up{node="${STOPPED}"} == 0`)).length === 1,
      15_000,
      250,
    );
  }, 150_000);

  afterAll(async () => {
    await f?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--json: one row per node, as each was fed; the stopped node STALE; worst first; exit 2', () => {
    const r = fleet(['--prometheus', url, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(2);
    const j: FleetJson = FleetJsonSchema.parse(JSON.parse(r.stdout));
    expect(j.nodes).toBe(5);
    expect(j.stale).toBe(1);
    expect(j.status).toBe('CRITICAL');
    // A fixed number of requests per refresh, whatever the fleet's size.
    expect(j.requests).toBe(12);
    const row = (n: string) => j.rows.find((x) => x.node === n)!;
    expect(j.rows.map((x) => x.node).sort()).toEqual(['node-b', 'node-c', 'node-d', 'node-e', 'node-live']);

    for (const rp of REPLAYS.filter((x) => x.node !== STOPPED)) {
      const q = quietSummary(rp.file);
      const got = row(rp.node);
      expect(got.status, rp.node).toBe(q.status);
      expect(got.labels).toMatchObject({ nodepool: 'gpu', node: rp.node, job: 'kerntop' });
      expect(got.instance).toBe(inst(ports.get(rp.node)!));
      expect(got.age_s!).toBeLessThan(10);
      // The p99s land in the recording's own log2 bucket, or the next one: rate() counts from the
      // first successful scrape, which on a loaded machine can come after the replay's first second.
      for (const [fam, field] of [
        ['sched', 'runq_p99_us'],
        ['bio', 'bio_p99_us'],
      ] as const) {
        const want = q.subsystems.find((s) => s.name === fam)!.p99_us!;
        expect(
          Math.abs(slotOf(Math.ceil(got[field]!)) - slotOf(want)),
          `${rp.node} ${fam}: ${got[field]} us, recorded ${want} us`,
        ).toBeLessThanOrEqual(1);
      }
      expect(got.oom_kills_1h).toBe(q.subsystems.find((s) => s.name === 'oom')!.events);
      const xids = recordedXids(rp.file);
      expect(got.xid.codes).toEqual([...new Set(xids.map((x) => x.xid))].sort((a, b) => a - b));
      const drain = xids.filter((x) => DRAIN_OR_RESET_ACTIONS.includes(x.info.action) && x.info.class !== 'application');
      expect(got.xid.drain_reset).toBe(drain.length);
      expect(got.xid.application).toBe(xids.filter((x) => x.info.class === 'application').length);
      expect(new Set(got.xid.gpus)).toEqual(new Set(xids.map((x) => x.pci)));
      if (drain.length) expect(got.xid.gpus[0]).toBe(drain[0].pci);
    }
    // busy-host: the OOM kill and the lossy link's retransmits.
    expect(row('node-b').worst).toContain('oom');
    expect(row('node-b').retrans_per_s!).toBeGreaterThan(0);
    // gpu-straggler: Xid 79 (reboot the node) on 0000:e1:00 and an application Xid 13 on 0000:e2:00.
    expect(row('node-c').worst).toContain('xid');
    expect(row('node-c').xid.gpus[0]).toBe(normalizePci('0000:e1:00'));
    expect(row('node-c').xid.gpus).toContain(normalizePci('0000:e2:00'));
    expect(row('node-c').log_finding?.class).toBe('io_error');
    // ... named by the title of the recording's newest kernel-log finding (the I/O error).
    const ioTitle = readFileSync(join(ROOT, 'fixtures', 'sessions', 'gpu-straggler.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"subsystem":"io_error"'))
      .map((l) => (JSON.parse(l) as { title: string }).title)
      .at(-1);
    expect(row('node-c').log_finding?.title).toBe(ioTitle);

    const e = row(STOPPED);
    expect(e.status).toBe('STALE');
    expect(e.down).toBe(true);
    expect(e.runq_p99_us).toBeNull();
    expect(e.straggler).toEqual([]);
    expect(e.age_s!).toBeGreaterThan(0);

    const liveRow = row('node-live');
    expect(liveRow.status).not.toBe('STALE');
    expect(liveRow.kernel_release).toBe(readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());

    // Worst first: status ranks never rise down the list.
    const ranks = j.rows.map((x) => NODE_STATUS_RANK[x.status]);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    // Straggler marks follow the rule on the medians the output states.
    for (const x of j.rows) {
      const m = j.medians.runq_p99_us;
      expect(x.straggler.includes('runq'), x.node).toBe(
        x.status !== 'STALE' && m !== null && x.runq_p99_us !== null && x.runq_p99_us > j.straggler_factor * m,
      );
    }
  });

  it('--selector and --straggler-factor: only the gpu pool; the node whose run-queue p99 is over twice the median is marked', () => {
    const r = fleet(['--prometheus', url, '--json', '--selector', '{nodepool="gpu"}', '--straggler-factor', '2']);
    const j = FleetJsonSchema.parse(JSON.parse(r.stdout));
    expect(j.rows.map((x) => x.node).sort()).toEqual(['node-b', 'node-c', 'node-d', 'node-e']);
    const row = (n: string) => j.rows.find((x) => x.node === n)!;
    // The median is that of the three fresh nodes (the stopped one left out), and the marks follow
    // the rule on it. As fed (b 4-8 ms, c 8-16 ms, d 32-65 ms), d is over twice c's, the median.
    const fresh = ['node-b', 'node-c', 'node-d'].map((n) => row(n).runq_p99_us!).sort((x, y) => x - y);
    expect(j.medians.runq_p99_us).toBe(fresh[1]);
    for (const x of j.rows)
      expect(x.straggler.includes('runq'), x.node).toBe(x.status !== 'STALE' && x.runq_p99_us! > 2 * j.medians.runq_p99_us!);
    if (fresh[1] === row('node-c').runq_p99_us) expect(row('node-d').straggler).toContain('runq');
    expect(row(STOPPED).straggler).toEqual([]);
    // Block I/O by the same rule, on the median the output states.
    for (const x of j.rows) {
      const m = j.medians.bio_p99_us;
      expect(x.straggler.includes('bio'), x.node).toBe(
        x.status !== 'STALE' && m !== null && x.bio_p99_us !== null && x.bio_p99_us > 2 * m,
      );
    }
  });

  it('-q prints the table, worst first, with the exit code of the worst node', () => {
    const r = fleet(['--prometheus', url, '-q', '--selector', '{nodepool="gpu"}', '--straggler-factor', '2']);
    expect(r.code).toBe(2);
    const lines = r.stdout.split('\n');
    expect(lines[1]).toMatch(/status CRITICAL\s+4 nodes, 1 stale/);
    const header = lines.findIndex((l) => /^NODE\s+STATUS/.test(l));
    const body = lines.slice(header + 1).filter(Boolean);
    // The two CRITICAL nodes (by run-queue p99 between them), the STALE one, the WARNING one.
    const order = body.map((l) => l.split(/\s+/)[0]);
    expect(order.slice(0, 2).sort()).toEqual(['node-b', 'node-c']);
    expect(order.slice(2)).toEqual(['node-e', 'node-d']);
    expect(body[2]).toMatch(/STALE/);
    const j = FleetJsonSchema.parse(
      JSON.parse(fleet(['--prometheus', url, '--json', '--selector', '{nodepool="gpu"}', '--straggler-factor', '2']).stdout),
    );
    for (const [i, n] of order.entries())
      expect((body[i].match(/\d(?:us|ms|s) S\b/g) ?? []).length, n).toBe(j.rows.find((x) => x.node === n)!.straggler.length);
  });

  it('bad input: unreachable, not Prometheus, a selector that matches nothing, a malformed selector: exit 3 with the reason', async () => {
    const closed = await freePort();
    let r = fleet(['--prometheus', `http://127.0.0.1:${closed}`, '-q', '--timeout', '3']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot reach Prometheus at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
    r = fleet(['--prometheus', `http://${inst(ports.get('node-live')!)}`, '--json']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/not the Prometheus API's JSON/);
    expect(FleetJsonSchema.parse(JSON.parse(r.stdout)).error).toMatch(/not the Prometheus API/);
    r = fleet(['--prometheus', url, '-q', '--selector', '{nodepool="none"}']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no kerntop exporter matches \{nodepool="none"\}/);
    r = fleet(['--prometheus', url, '-q', '--selector', 'nodepool=gpu']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/--selector must be label matchers in braces/);
  });
});
