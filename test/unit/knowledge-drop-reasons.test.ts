import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  isTroubleDropReason,
  parseDropReasons,
  TROUBLE_DROP_CAUSES,
  troubleDropAdvice,
} from '../../src/knowledge/drop-reasons.js';

const format = readFileSync(new URL('../../fixtures/bpftrace/kfree_skb.format', import.meta.url), 'utf8');
const SRC = new URL('../../src/', import.meta.url).pathname;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe('drop reasons that mean trouble (one table in src/knowledge/)', () => {
  it('names only reasons the kernel defines, each in one row, each row with advice', () => {
    const names = new Set(parseDropReasons(format).values());
    const all = TROUBLE_DROP_CAUSES.flatMap((c) => c.reasons);
    for (const r of all) expect(names.has(r), r).toBe(true);
    expect(new Set(all).size).toBe(all.length);
    for (const c of TROUBLE_DROP_CAUSES) expect(c.advice.length).toBeGreaterThan(20);
  });

  it('gives the advice of the reasons seen, each once', () => {
    expect(isTroubleDropReason('SOCKET_RCVBUFF')).toBe(true);
    expect(isTroubleDropReason('NO_SOCKET')).toBe(false);
    expect(troubleDropAdvice(['SOCKET_RCVBUFF', 'PROTO_MEM'])).toMatch(/^socket buffers overflow[^;]*$/);
    expect(troubleDropAdvice(['TCP_CSUM', 'QDISC_DROP']).split('; ')).toHaveLength(2);
  });

  it('sources do not import the store', () => {
    const offenders = tsFiles(join(SRC, 'sources')).filter((f) => /from '(\.\.\/)+store\//.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
