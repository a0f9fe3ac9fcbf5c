// promtool (Debian's prometheus package) on what the exporter serves and on the alerting rules.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './lib/kerntop.js';
import { freePort, healthy, httpGet, PROMTOOL, startExporter, until, type Child } from './lib/exporter.js';

const isRoot = process.geteuid?.() === 0;
const RULE_MANIFEST = join(ROOT, 'deploy/kubernetes/prometheusrule.yaml');
const RULE_TESTS = join(ROOT, 'test/prometheus/kerntop-rules.test.yaml');

function promtool(args: string[], input?: string) {
  return spawnSync(PROMTOOL!, args, { input, encoding: 'utf8' });
}

describe.skipIf(!PROMTOOL)('promtool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kerntop-promtool-'));
  const rules = join(dir, 'kerntop-rules.yaml');
  beforeAll(() => {
    // The PrometheusRule's spec is a rules file as is: the one home of the alerts.
    writeFileSync(rules, YAML.stringify((YAML.parse(readFileSync(RULE_MANIFEST, 'utf8')) as { spec: unknown }).spec));
    copyFileSync(RULE_TESTS, join(dir, 'kerntop-rules.test.yaml'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('check metrics on the scraped text', () => {
    const kids: Child[] = [];
    afterAll(async () => Promise.all(kids.map((k) => k.stop())));

    it('a replaying exporter: no findings', async () => {
      const port = await freePort();
      const c = startExporter([
        '--replay',
        join(ROOT, 'fixtures/sessions/busy-host.jsonl'),
        '--speed',
        '0',
        '--listen',
        `127.0.0.1:${port}`,
      ]);
      kids.push(c);
      await healthy(port);
      await until('replay done', async () => c.stderr().includes('replay of'));
      const { body } = await httpGet(`http://127.0.0.1:${port}/metrics`);
      expect(body).toMatch(/^kerntop_skb_drops_total\{reason="NETFILTER_DROP"\} \d+$/m);
      const r = promtool(['check', 'metrics'], body);
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    });

    it.skipIf(!isRoot)('a live exporter on this kernel: no findings', async () => {
      const port = await freePort();
      const dirState = join(dir, 'state');
      kids.push(startExporter(['--listen', `127.0.0.1:${port}`, '--state-dir', dirState]));
      await healthy(port);
      const { body } = await httpGet(`http://127.0.0.1:${port}/metrics`);
      expect(body).toMatch(/^kerntop_probe_state\{family="sched",state="ATTACHED"\} 1$/m);
      const r = promtool(['check', 'metrics'], body);
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  });

  it('check rules: the PrometheusRule spec is valid', () => {
    const r = promtool(['check', 'rules', rules]);
    expect(r.stdout).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.status).toBe(0);
  });

  it('test rules: every alert has a unit test, and they pass', () => {
    const spec = YAML.parse(readFileSync(rules, 'utf8')) as { groups: { rules: { alert?: string }[] }[] };
    const alerts = spec.groups.flatMap((g) => g.rules.map((r) => r.alert).filter(Boolean));
    const tests = YAML.parse(readFileSync(RULE_TESTS, 'utf8')) as {
      tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const firing = new Set(
      tests.tests.flatMap((t) => (t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)),
    );
    expect(alerts.length).toBeGreaterThanOrEqual(7);
    for (const a of alerts) expect(firing, `a firing test for ${a}`).toContain(a);
    const r = promtool(['test', 'rules', join(dir, 'kerntop-rules.test.yaml')]);
    expect(r.stdout + r.stderr).toMatch(/SUCCESS/);
    expect(r.status).toBe(0);
  });
});
