// A real Prometheus (Debian's package) scrapes three kerntop exporters on loopback: one live on this
// kernel, two replaying a recording as stand-ins for other nodes. Everything is read back through
// Prometheus's HTTP API, with the alerts of deploy/kubernetes/prometheusrule.yaml loaded.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizePci } from '../../src/knowledge/xid/pci.js';
import { slotMax, slotOf } from '../../src/store/histogram.js';
import { BIN, ROOT } from './lib/kerntop.js';
import {
  freePort,
  healthy,
  httpGet,
  PROMETHEUS,
  sleep,
  startExporter,
  startPrometheus,
  until,
  type Child,
  type Prometheus,
} from './lib/exporter.js';

const isRoot = process.geteuid?.() === 0;
const RECORDING = join(ROOT, 'fixtures/sessions/busy-host.jsonl');
const SCRAPE_S = 1;
// A PCI address no GPU of this VM has, unique to this run, so other readers of the log and other
// runs never count it. Xid 48 (double-bit ECC) has the action drain_reset: the alert's kind.
const bus = (0x80 + (process.pid % 0x70)).toString(16);
const dev = (Date.now() % 0x20).toString(16).padStart(2, '0');
const PCI_RAW = `0000:${bus}:${dev}`;
const PCI = normalizePci(PCI_RAW)!;
const UUID = `GPU-e2e0${bus}${dev}-0000-4000-8000-${Date.now().toString(16).padStart(12, '0').slice(-12)}`;

function writeKmsg(lines: string[]): void {
  const fd = openSync('/dev/kmsg', 'w');
  try {
    for (const l of lines) writeSync(fd, `${l}\n`);
  } finally {
    closeSync(fd);
  }
}

const xidLine = (n: number) =>
  `<3>NVRM: Xid (PCI:${PCI_RAW}): 48, pid=${400000 + n}, name=kxprom${process.pid}, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 0, subpartition 0.`;

/** The log2 slot an exported quantile (seconds) falls in: the smallest slot whose upper edge holds it. */
function slotOfSeconds(v: number): number {
  const us = v * 1e6;
  let i = 0;
  while (us > slotMax(i) + 1e-3) i++;
  return i;
}

describe.skipIf(!isRoot || !PROMETHEUS)('kerntop exporter scraped by a real Prometheus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kerntop-prom-'));
  const stateDir = join(dir, 'state');
  let live: Child;
  let replays: Child[] = [];
  let prom: Prometheus;
  const ports = { live: 0, r1: 0, r2: 0 };
  const inst = (p: number) => `127.0.0.1:${p}`;

  beforeAll(async () => {
    ports.live = await freePort();
    ports.r1 = await freePort();
    ports.r2 = await freePort();
    live = startExporter(['--listen', inst(ports.live), '--state-dir', stateDir]);
    replays = [ports.r1, ports.r2].map((p) => startExporter(['--replay', RECORDING, '--speed', '0', '--listen', inst(p)]));
    const rules = join(dir, 'kerntop-rules.yaml');
    writeFileSync(
      rules,
      YAML.stringify(
        (YAML.parse(readFileSync(join(ROOT, 'deploy/kubernetes/prometheusrule.yaml'), 'utf8')) as { spec: unknown }).spec,
      ),
    );
    await Promise.all([healthy(ports.live), healthy(ports.r1), healthy(ports.r2)]);
    // The stand-in nodes have replayed all of the recording before Prometheus first looks.
    await Promise.all(replays.map((r) => until('replay done', async () => r.stderr().includes('replay of'))));
    prom = await startPrometheus(dir, [inst(ports.live), inst(ports.r1), inst(ports.r2)], { scrapeS: SCRAPE_S, ruleFile: rules });
    await until('all three targets up', async () => (await prom.query('up == 1')).length === 3, 30_000, 250);
  }, 120_000);

  afterAll(async () => {
    await prom?.stop();
    await Promise.all([live, ...replays].map((c) => c?.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('histogram_quantile(0.99) of run-queue latency lands in the same log2 bucket as the quiet summary of the same recording', async () => {
    const q = spawnSync(process.execPath, [BIN, '-q', '--json', '--replay', RECORDING, '--speed', '0'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const summary = JSON.parse(q.stdout) as { subsystems: { name: string; p99_us: number; p50_us: number }[] };
    const sched = summary.subsystems.find((s) => s.name === 'sched')!;
    for (const port of [ports.r1, ports.r2]) {
      for (const [p, want] of [
        [0.99, sched.p99_us],
        [0.5, sched.p50_us],
      ] as const) {
        const r = await until(`quantile ${p} for ${port}`, async () => {
          const v = await prom.query(`histogram_quantile(${p}, kerntop_runq_latency_seconds_bucket{instance="${inst(port)}"})`);
          return v.length ? v : null;
        });
        expect(slotOfSeconds(Number(r[0].value[1])), `p${p * 100} on ${port}`).toBe(slotOf(want));
      }
    }
    // The live node measures this kernel: its run-queue histogram fills as the scrapes go on.
    const n = await until('live run-queue samples', async () => {
      const v = await prom.query(`kerntop_runq_latency_seconds_count{instance="${inst(ports.live)}"}`);
      return v.length && Number(v[0].value[1]) > 0 ? Number(v[0].value[1]) : null;
    });
    expect(n).toBeGreaterThan(0);
  });

  it('an Xid written into /dev/kmsg raises the Xid counter with its labels within two scrapes, and the drain/reset alert fires', async () => {
    const t0 = Date.now() / 1000;
    writeKmsg([`<4>NVRM: GPU at PCI:${PCI_RAW}.0: ${UUID}`, xidLine(1)]);
    const sel = `kerntop_xid_errors_total{pci="${PCI}"}`;
    const got = await until(
      'Xid series in Prometheus',
      async () => {
        const v = await prom.query(sel);
        return v.length ? v : null;
      },
      15_000,
      100,
    );
    expect(got).toHaveLength(1);
    expect(got[0].metric).toMatchObject({ instance: inst(ports.live), job: 'kerntop', pci: PCI, uuid: UUID, xid: '48' });
    expect(Number(got[0].value[1])).toBe(1);
    // The first sample carrying it: no later than the second scrape after the write.
    const first = await prom.query<{ values: [number, string][] }[]>(`${sel}[1m]`);
    expect(first[0].values[0][0] - t0).toBeLessThanOrEqual(2 * SCRAPE_S + 0.5);
    const last = await prom.query(`kerntop_xid_last_timestamp_seconds{pci="${PCI}"}`);
    expect(Math.abs(Number(last[0].value[1]) - t0)).toBeLessThan(5);

    const alert = await until(
      'KerntopGpuXidDrainOrReset firing',
      async () => {
        const { alerts } = await prom.api<{ alerts: { labels: Record<string, string>; state: string }[] }>('/api/v1/alerts');
        return alerts.find(
          (a) => a.labels.alertname === 'KerntopGpuXidDrainOrReset' && a.labels.pci === PCI && a.state === 'firing',
        );
      },
      20_000,
      250,
    );
    expect(alert.labels).toMatchObject({
      severity: 'critical',
      xid: '48',
      class: 'memory_ecc',
      action: 'drain_reset',
      uuid: UUID,
      instance: inst(ports.live),
    });
  });

  it('a restarted exporter (same boot, same state directory) does not count the old records again', async () => {
    const before = await httpGet(`http://${inst(ports.live)}/metrics`);
    expect(before.body).toContain(`pci="${PCI}"`);
    const startLine = (t: string) => /^process_start_time_seconds (\d+)/m.exec(t)?.[1];
    await live.stop();
    expect(readFileSync(join(stateDir, 'kmsg-cursor.json'), 'utf8')).toMatch(/"seq":\d+/);
    live = startExporter(['--listen', inst(ports.live), '--state-dir', stateDir]);
    await healthy(ports.live);
    await sleep(1100); // a new process_start_time_seconds
    const after = await httpGet(`http://${inst(ports.live)}/metrics`);
    expect(startLine(after.body)).not.toBe(startLine(before.body));
    expect(after.body).not.toContain(`pci="${PCI}"`);
    // A new Xid after the restart counts once: 1, not 2.
    writeKmsg([xidLine(2)]);
    const v = await until(
      'new Xid after the restart',
      async () => {
        const r = await prom.query(
          `kerntop_xid_errors_total{pci="${PCI}"} and on(instance) (time() - process_start_time_seconds < 60)`,
        );
        return r.length ? r : null;
      },
      15_000,
      200,
    );
    expect(Number(v[0].value[1])).toBe(1);
  });
});
