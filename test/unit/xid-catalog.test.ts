import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { XID_CATALOG, xidInfo, type XidActionCode } from '../../src/knowledge/xid/catalog.js';
import { XidTracker } from '../../src/knowledge/xid/tracker.js';

const FIX = join(import.meta.dirname, '../../fixtures/kmsg');
const LINES = readFileSync(join(FIX, 'xid-lines.txt'), 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('NVRM: Xid'));

describe('Xid catalog', () => {
  it('has a row for every code 1-172', () => {
    for (let x = 1; x <= 172; x++) expect(XID_CATALOG.get(x), `Xid ${x}`).toBeDefined();
  });

  it('application-class Xids never recommend draining, resetting or rebooting', () => {
    const disruptive: XidActionCode[] = ['drain_p2p', 'drain_reset', 'reboot_node', 'reset_gpu'];
    for (const r of XID_CATALOG.values())
      if (r.class === 'application') expect(disruptive, `Xid ${r.xid}`).not.toContain(r.action);
  });

  it("the Xids NVIDIA's device plugin treats as application errors are application class", () => {
    for (const x of [13, 31, 43, 45, 68]) expect(['application', 'informational']).toContain(xidInfo(x).class);
  });

  it('every row has a name and advice; critical rows name a real action', () => {
    for (const r of XID_CATALOG.values()) {
      expect(r.name.length).toBeGreaterThan(0);
      expect(r.advice.length).toBeGreaterThan(0);
      if (r.severity === 'critical') expect(['none', 'watch']).not.toContain(r.action);
    }
  });

  it('codes newer than the table get a cautious default', () => {
    expect(xidInfo(999)).toMatchObject({ xid: 999, severity: 'warning', class: 'hardware' });
  });

  // Each published line, classified: [xid, class, severity, action].
  const expected: Record<number, [string, string, XidActionCode]> = {
    3: ['application', 'warning', 'restart_app'],
    13: ['application', 'warning', 'restart_app'],
    14: ['informational', 'info', 'none'],
    31: ['application', 'warning', 'restart_app'],
    32: ['application', 'warning', 'restart_app'],
    43: ['application', 'info', 'none'],
    63: ['memory_ecc', 'warning', 'watch'],
    79: ['hardware', 'critical', 'reboot_node'],
    94: ['memory_ecc', 'warning', 'restart_app'],
    109: ['hardware', 'critical', 'reset_gpu'],
    119: ['gsp', 'critical', 'reset_gpu'],
  };
  it('pins the classification of every published Xid line', () => {
    const t = new XidTracker();
    const seen = new Set<number>();
    for (const [i, l] of LINES.entries()) {
      const [ev] = t.process({ seq: i, ts_us: i * 100_000_000, text: l });
      const want = expected[ev.xid];
      if (!want) continue;
      seen.add(ev.xid);
      expect([ev.class, ev.severity, ev.action_code], l).toEqual(want);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual(Object.keys(expected).map(Number));
  });
});
