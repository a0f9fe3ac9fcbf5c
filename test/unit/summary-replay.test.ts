import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { KerntopEvent } from '../../src/events.js';
import { STATUS_EXIT_CODE, summaryJson, summaryText } from '../../src/report/summary.js';
import { readRecording, ReplaySource } from '../../src/sources/replay/player.js';
import { Recorder } from '../../src/sources/replay/recorder.js';
import { createStore } from '../../src/store/index.js';

const SESSION = new URL('../../fixtures/sessions/busy-host.jsonl', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'kerntop-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function replayAll(path: string) {
  const store = createStore();
  const src = new ReplaySource(path, { speed: 0 });
  await src.start((e) => store.dispatch(e));
  await src.done;
  return { store, src };
}

describe('replay and the quiet summary', () => {
  it('replays a real recording as fast as possible into the same store', async () => {
    const { store, src } = await replayAll(SESSION);
    expect(src.header?.kernel_release).toMatch(/^6\./);
    const j = summaryJson(store.state, { histograms: true });
    expect(j.status).toBe('CRITICAL');
    expect(STATUS_EXIT_CODE[j.status]).toBe(2);
    expect(j.duration_s).toBeGreaterThan(25);
    expect(j.duration_s).toBeLessThan(40);
    expect(j.subsystems.map((s) => s.name)).toEqual(['sched', 'bio', 'vfs', 'oom', 'tcp_retrans', 'drops', 'faults']);
    expect(j.probes.every((p) => p.state === 'ATTACHED')).toBe(true);
    expect(j.histograms.sched.length).toBeGreaterThan(3);
    expect(j.findings.find((f) => f.subsystem === 'oom')?.status).toBe('CRITICAL');
    expect(summaryJson(store.state, { histograms: false }).histograms).toEqual({});
    const text = summaryText(store.state, { histograms: true });
    expect(text).toMatch(/^status: CRITICAL$/m);
    expect(text).toMatch(/^sched\s+\d+/m);
    expect(text).toMatch(/run-queue latency \(sched\), us: p50 \d+, p99 \d+/);
    expect(text).toMatch(/CRITICAL oom: 1 OOM kill/);
  });

  it('paces events at the recorded speed times --speed', async () => {
    const t0 = 1_700_000_000_000;
    const path = join(dir, 'paced.jsonl');
    const evs: KerntopEvent[] = [0, 400, 800].map((d) => ({ type: 'clock', ts_ms: t0 + d }));
    writeFileSync(path, [JSON.stringify({ kerntop_recording: 1, host: 'h', kernel_release: 'r', start_ms: t0, start: '', thresholds: { sched_warn_us: 1, bio_warn_us: 1, vfs_warn_us: 1, major_faults_warn_per_s: 1 } }), ...evs.map((e) => JSON.stringify(e))].join('\n'));
    const started = Date.now();
    const src = new ReplaySource(path, { speed: 4 });
    await src.start(() => undefined);
    await src.done;
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(180);
    expect(took).toBeLessThan(2000);
  });

  it('records what it is given and reads it back; bad lines are counted, not fatal', async () => {
    const path = join(dir, 'rec.jsonl');
    const r = new Recorder(path, { kerntop_recording: 1, host: 'h', kernel_release: 'r', start_ms: 1, start: '', thresholds: { sched_warn_us: 1, bio_warn_us: 1, vfs_warn_us: 1, major_faults_warn_per_s: 1 } });
    r.write({ type: 'kmsg.lost', ts_ms: 2, lost: 3 });
    await r.close();
    writeFileSync(path, `${readFileSync(path, 'utf8')}{not json\n{"type":"nope","ts_ms":1}\n`);
    const back = await readRecording(path);
    expect(back.events).toEqual([{ type: 'kmsg.lost', ts_ms: 2, lost: 3 }]);
    expect(back.bad).toBe(2);
    writeFileSync(join(dir, 'not.jsonl'), '{"type":"clock","ts_ms":1}\n');
    await expect(readRecording(join(dir, 'not.jsonl'))).rejects.toThrow(/not a kerntop recording/);
    await expect(readRecording(join(dir, 'missing.jsonl'))).rejects.toThrow(/does not exist/);
  });
});
