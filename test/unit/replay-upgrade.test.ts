// A recording made before Xid events carried their typed payload still replays its Xids
// (fixtures/sessions/gpu-straggler.jsonl was recorded so: flat `fields`).
import { describe, expect, it } from 'vitest';
import { readRecording } from '../../src/sources/replay/player.js';
import { createStore } from '../../src/store/index.js';
import { selectXid } from '../../src/store/xid.js';

describe('old recordings', () => {
  it('Xid events with flat fields replay as typed Xids, one row per GPU and Xid', async () => {
    const { events } = await readRecording('fixtures/sessions/gpu-straggler.jsonl');
    const xids = events.filter((e) => e.type === 'kernel.event' && e.source === 'xid');
    expect(xids.length).toBeGreaterThan(0);
    expect(xids.every((e) => e.type === 'kernel.event' && e.xid !== undefined)).toBe(true);
    const store = createStore();
    for (const ev of events) store.dispatch(ev);
    const gpus = selectXid(store.state).gpus;
    expect(new Set(gpus.flatMap((g) => g.rows.map((r) => r.xid)))).toEqual(new Set([13, 43, 79]));
    const e1 = gpus.find((g) => g.pci === '0000:e1:00')!;
    expect(e1.rows.map((r) => r.xid)).toEqual([79]);
  });
});
