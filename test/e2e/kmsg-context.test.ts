// The live screen shows the end of the kernel log as context, but only records written after the
// start are judged (Xid, log classifier): what happened before this run is not current.
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { KerntopEvent } from '../../src/events.js';
import { KmsgSource } from '../../src/sources/kmsg/source.js';
import { isRoot, sleep, uid } from './lib/workloads.js';

const xidLine = (tag: string) => `<4>NVRM: Xid (PCI:0000:7e:1d): 43, pid=4242, name=kt-${tag}, Ch 00000010\n`;

describe.skipIf(!isRoot())('kernel log context (root)', () => {
  it('shows the newest backlog records without judging them, then judges live ones', async () => {
    const before = uid();
    const after = uid();
    writeFileSync('/dev/kmsg', xidLine(before));
    const events: KerntopEvent[] = [];
    const src = new KmsgSource({ source: 'kmsg', follow: true, start: 'end', context: 20, cursor: null });
    await src.start((e) => events.push(e));
    try {
      await src.backlogDone;
      const texts = () => events.flatMap((e) => (e.type === 'kmsg.record' ? [e.record.text] : []));
      expect(texts().some((t) => t.includes(`kt-${before}`))).toBe(true);
      expect(texts().length).toBeLessThanOrEqual(20);
      const xids = () => events.filter((e) => e.type === 'kernel.event' && e.subsystem === 'xid');
      expect(xids()).toHaveLength(0);
      writeFileSync('/dev/kmsg', xidLine(after));
      for (let i = 0; i < 50 && xids().length === 0; i++) await sleep(50);
      expect(xids()).toHaveLength(1);
      expect(JSON.stringify(xids()[0])).toContain(`kt-${after}`);
    } finally {
      await src.stop();
    }
  });
});
