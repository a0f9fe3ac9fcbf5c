// Where the exporter starts in the kernel log, from the (boot_id, seq) cursor in --state-dir: after
// it on the same boot; from the first record of a new boot (a cursor from another boot).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from './lib/kerntop.js';
import { freePort, healthy, httpGet, startExporter, until, type Child } from './lib/exporter.js';

const isRoot = process.geteuid?.() === 0;
const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
const dir = mkdtempSync(join(tmpdir(), 'kerntop-exp-cursor-'));
const kids: Child[] = [];
afterAll(async () => {
  await Promise.all(kids.map((k) => k.stop()));
  rmSync(dir, { recursive: true, force: true });
});

/** The records in the kernel's buffer now: their count and the last sequence number. */
function buffer(): { count: number; last: number } {
  const r = spawnSync(process.execPath, [BIN, 'kmsg', '--json', '--source', 'kmsg'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const seqs = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { seq: number }).seq);
  return { count: seqs.length, last: seqs[seqs.length - 1] };
}

async function counts(cursor: { boot_id: string; seq: number }, name: string): Promise<{ records: number; lost: number }> {
  const state = join(dir, name);
  mkdirSync(state);
  writeFileSync(join(state, 'kmsg-cursor.json'), JSON.stringify(cursor));
  const port = await freePort();
  kids.push(startExporter(['--probes', 'oom', '--listen', `127.0.0.1:${port}`, '--state-dir', state]));
  await healthy(port);
  // The backlog is read before the first records count; give the reader a moment past health.
  return until('kmsg counters', async () => {
    const b = (await httpGet(`http://127.0.0.1:${port}/metrics`)).body;
    const records = Number(/^kerntop_kmsg_records_total (\d+)$/m.exec(b)?.[1]);
    const lost = Number(/^kerntop_kmsg_lost_records_total (\d+)$/m.exec(b)?.[1]);
    return Number.isFinite(records) ? { records, lost } : null;
  });
}

describe.skipIf(!isRoot)('kerntop exporter: the kernel-log cursor', () => {
  it('a cursor from another boot: the log of this boot counts from its first record', async () => {
    const before = buffer();
    const c = await counts({ boot_id: 'another-boot-0000', seq: before.last + 1_000_000 }, 'other-boot');
    // Every record in the buffer at start is counted (or, if the ring overwrote some meanwhile, lost).
    expect(c.records + c.lost).toBeGreaterThanOrEqual(before.count);
  });

  it('a cursor of this boot at the end of the buffer: only records after it count', async () => {
    const before = buffer();
    const c = await counts({ boot_id: bootId, seq: before.last }, 'same-boot');
    const after = buffer();
    expect(c.records).toBeLessThanOrEqual(after.last - before.last);
    expect(c.records).toBeLessThan(before.count);
  });
});
