// The recorder opens its file at once (so a bad --record path fails before the run), and a recording
// that stopped is an alert on the live screen's header.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/events.js';
import { Recorder, RECORDER_SOURCE } from '../../src/sources/replay/recorder.js';
import { createStore } from '../../src/store/index.js';
import { alertsOf } from '../../src/ui/panes/Header.js';
import { takeSnapshot } from '../../src/ui/snapshot.js';

const dir = mkdtempSync(join(tmpdir(), 'kerntop-recorder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const header = { kerntop_recording: 1, host: 'h', kernel_release: 'r', start_ms: 1, start: '', thresholds: DEFAULT_THRESHOLDS };

describe('recorder', () => {
  it('a path that cannot be written fails when opened, naming the cause', () => {
    expect(() => new Recorder(join(dir, 'missing', 'r.jsonl'), header)).toThrow(
      `cannot write the recording ${join(dir, 'missing', 'r.jsonl')}: the directory ${join(dir, 'missing')} does not exist`,
    );
    expect(() => new Recorder(dir, header)).toThrow(/is a directory: give a file name/);
    expect(() => new Recorder('/dev/full', header)).toThrow(/no space left on the device/);
  });

  it('writes the header at once and every event as a line', async () => {
    const path = join(dir, 'ok.jsonl');
    const r = new Recorder(path, header);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(header);
    r.write({ type: 'clock', ts_ms: 2 });
    r.write({ type: 'kmsg.lost', ts_ms: 3, lost: 1 });
    await r.close();
    expect(r.error).toBe(null);
    expect(readFileSync(path, 'utf8').split('\n')).toEqual([
      JSON.stringify(header),
      '{"type":"clock","ts_ms":2}',
      '{"type":"kmsg.lost","ts_ms":3,"lost":1}',
      '',
    ]);
  });

  it('a recording that stopped is an alert in the header', () => {
    const store = createStore();
    store.dispatch({
      type: 'source.diag',
      ts_ms: 1,
      source: RECORDER_SOURCE,
      level: 'error',
      message: 'cannot write the recording /x: no space left on the device',
    });
    expect(alertsOf(takeSnapshot(store.state))).toContain('cannot write the recording /x: no space left on the device');
  });
});
