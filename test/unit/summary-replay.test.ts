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
    writeFileSync(
      path,
      [
        JSON.stringify({
          kerntop_recording: 1,
          host: 'h',
          kernel_release: 'r',
          start_ms: t0,
          start: '',
          thresholds: { sched_warn_us: 1, bio_warn_us: 1, vfs_warn_us: 1, major_faults_warn_per_s: 1 },
        }),
        ...evs.map((e) => JSON.stringify(e)),
      ].join('\n'),
    );
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
    const r = new Recorder(path, {
      kerntop_recording: 1,
      host: 'h',
      kernel_release: 'r',
      start_ms: 1,
      start: '',
      thresholds: { sched_warn_us: 1, bio_warn_us: 1, vfs_warn_us: 1, major_faults_warn_per_s: 1 },
    });
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

  it('a malformed event is counted and skipped; the rest of the recording is replayed', async () => {
    const lines = readFileSync(SESSION, 'utf8').split('\n');
    const path = join(dir, 'malformed.jsonl');
    // A kmsg.record without its record, and a probe.tick whose count is text.
    writeFileSync(
      path,
      [
        ...lines.slice(0, 5),
        '{"type":"kmsg.record","ts_ms":1795548827999}',
        '{"type":"probe.tick","ts_ms":1795548828000,"family":"sched","interval_ms":1000,"count":"x"}',
        ...lines.slice(5),
      ].join('\n'),
    );
    const full = (await replayAll(SESSION)).store.state;
    const { store } = await replayAll(path);
    const j = summaryJson(store.state, { histograms: false });
    expect(j.parse_errors).toEqual({ replay: 2 });
    expect(j.diagnostics.find((d) => d.source === 'replay')?.message).toMatch(/recording line 6 skipped: kmsg\.record: /);
    expect(j.subsystems.find((s) => s.name === 'sched')?.events).toBe(
      summaryJson(full, { histograms: false }).subsystems.find((s) => s.name === 'sched')?.events,
    );
    expect(j.status).toBe('CRITICAL');
    expect(summaryText(store.state, { histograms: false })).toMatch(/unparsed lines skipped: replay 2/);
  });

  it('a truncated recording keeps its own clock: same duration, rates and verdicts as the whole one', async () => {
    const whole = readFileSync(SESSION);
    const path = join(dir, 'truncated.jsonl');
    writeFileSync(path, whole.subarray(0, whole.length - 50));
    const a = summaryJson((await replayAll(SESSION)).store.state, { histograms: false });
    const b = summaryJson((await replayAll(path)).store.state, { histograms: false });
    expect(b.parse_errors).toEqual({ replay: 1 });
    expect(b.duration_s).toBeCloseTo(a.duration_s, 0);
    expect(b.status).toBe(a.status);
    for (const s of a.subsystems) {
      const t = b.subsystems.find((x) => x.name === s.name)!;
      expect(t.status, s.name).toBe(s.status);
      expect(t.rate_per_s, s.name).toBeGreaterThan(s.rate_per_s * 0.9);
    }
  });

  it('a file that is not a recording says so, naming the fix', async () => {
    const garbage = join(dir, 'garbage.bin');
    writeFileSync(garbage, Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 37) % 256)));
    await expect(new ReplaySource(garbage, { speed: 0 }).start(() => undefined)).rejects.toThrow(
      /is not a kerntop recording .*kerntop --record FILE/,
    );
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    await expect(new ReplaySource(empty, { speed: 0 }).start(() => undefined)).rejects.toThrow(
      /is empty: not a kerntop recording/,
    );
    await expect(new ReplaySource(dir, { speed: 0 }).start(() => undefined)).rejects.toThrow(/is a directory/);
  });
});
