// The exporter's pure parts: --listen parsing, Accept negotiation, histogram buckets, web config.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { cumulativeBuckets, EXPORTED_SLOTS, leOf } from '../../src/exporter/buckets.js';
import { FAMILIES } from '../../src/exporter/families.js';
import { parseListen } from '../../src/exporter/listen.js';
import { negotiate } from '../../src/exporter/registry.js';
import { BasicAuth, loadWebConfig } from '../../src/exporter/web-config.js';
import { readRecording } from '../../src/sources/replay/player.js';
import { createStore } from '../../src/store/index.js';
import { emptyHist, quantile } from '../../src/store/histogram.js';

describe('parseListen', () => {
  it.each([
    [':9864', { host: undefined, port: 9864 }],
    ['127.0.0.1:9100', { host: '127.0.0.1', port: 9100 }],
    ['[::1]:9864', { host: '::1', port: 9864 }],
    ['node-1.example:80', { host: 'node-1.example', port: 80 }],
  ])('%s', (s, want) => expect(parseListen(s)).toEqual(want));
  it.each(['9864', '1.2.3:80', 'a b:80', ':65536', '[1.2.3.4]:80', 'host:port'])('refuses %s', (s) =>
    expect(() => parseListen(s)).toThrow(/--listen/),
  );
});

describe('negotiate (Accept)', () => {
  it.each([
    [undefined, 'text'],
    ['', 'text'],
    ['text/plain;version=0.0.4', 'text'],
    [
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
      'openmetrics',
    ],
    ['application/openmetrics-text', 'openmetrics'],
    ['application/openmetrics-text; version=0.0.1', 'text'],
    ['application/openmetrics-text;q=0', 'text'],
    [';;;,,garbage/\u0000', 'text'],
  ] as const)('%s -> %s', (a, want) => expect(negotiate(a)).toBe(want));
});

describe('cumulative buckets', () => {
  it('are cumulative with the slot upper edges as le, +Inf and _count equal to the total', () => {
    const h = emptyHist();
    h[3] = 5; // 4..7 us
    h[10] = 2; // 512..1023 us
    h[40] = 1; // beyond the exported slots: only in +Inf
    const s = cumulativeBuckets(h);
    expect(s).toHaveLength(EXPORTED_SLOTS + 2);
    expect(s.find((x) => x.labels?.le === leOf(2))!.value).toBe(0);
    expect(s.find((x) => x.labels?.le === '0.000007')!.value).toBe(5);
    expect(s.find((x) => x.labels?.le === '0.001023')!.value).toBe(7);
    expect(s.find((x) => x.labels?.le === '+Inf')!.value).toBe(8);
    expect(s.at(-1)).toEqual({ suffix: '_count', value: 8 });
    const values = s.filter((x) => x.suffix === '_bucket').map((x) => x.value);
    expect([...values].sort((a, b) => a - b)).toEqual(values);
  });

  it('a recorded session: the exported counts are the store histogram, and never go down as it is replayed', async () => {
    const { events } = await readRecording(join(import.meta.dirname, '../../fixtures/sessions/busy-host.jsonl'));
    const store = createStore();
    const fam = FAMILIES.find((f) => f.name === 'kerntop_runq_latency_seconds')!;
    const counters = FAMILIES.filter((f) => f.type === 'counter');
    const info = { version: 't', kernel_release: 'k', bpftrace_version: 'b', events_applied: () => 0 };
    let prev = new Map<string, number>();
    for (const ev of events) {
      store.dispatch(ev);
      if (ev.type !== 'probe.tick') continue;
      const now = new Map<string, number>();
      for (const f of [fam, ...counters])
        for (const s of f.collect(store.state, info))
          now.set(`${f.name}${s.suffix ?? ''}${JSON.stringify(s.labels ?? {})}`, s.value);
      for (const [k, v] of prev) expect(now.get(k) ?? 0, k).toBeGreaterThanOrEqual(v);
      prev = now;
    }
    const h = store.state.subsystems.get('sched')!.hist_us;
    expect(prev.get(`kerntop_runq_latency_seconds_count{}`)).toBe(h.reduce((a, b) => a + b, 0));
    expect(quantile(h, 0.99)).toBe(8191);
  });
});

describe('web configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kerntop-webcfg-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  it('reads basic_auth_users; an empty file means neither TLS nor auth', () => {
    const hash = bcrypt.hashSync('pw', 4);
    expect(loadWebConfig(file('a.yml', `basic_auth_users:\n  alice: "${hash}"\n`))).toEqual({
      tls: null,
      users: { alice: hash },
    });
    expect(loadWebConfig(file('empty.yml', ''))).toEqual({ tls: null, users: {} });
  });
  it.each([
    ['not: [valid', /not valid YAML/],
    ['basic_auth_users: {bob: plain}', /basic_auth_users\.bob: must be a bcrypt hash/],
    ['http_server_config: {http2: true}', /unsupported key\(s\) http_server_config/],
    ['tls_server_config: {cert_file: missing.crt, key_file: missing.key}', /cannot read the TLS certificate .*missing\.crt/],
  ])('refuses %s', (text, re) => expect(() => loadWebConfig(file('bad.yml', text))).toThrow(re));
  it('missing file: names it', () =>
    expect(() => loadWebConfig(join(dir, 'nope.yml'))).toThrow(/cannot read the web configuration file .*nope\.yml/));

  it('BasicAuth: right credentials pass, wrong user or password or a malformed header do not', async () => {
    const a = new BasicAuth({ alice: bcrypt.hashSync('pw', 4) });
    const h = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    expect(await a.check(h('alice:pw'))).toBe(true);
    expect(await a.check(h('alice:pw'))).toBe(true); // cached
    expect(await a.check(h('alice:PW'))).toBe(false);
    expect(await a.check(h('mallory:pw'))).toBe(false);
    expect(await a.check(h('alice'))).toBe(false);
    expect(await a.check('Bearer x')).toBe(false);
    expect(await a.check(undefined)).toBe(false);
    expect(await new BasicAuth({}).check(undefined)).toBe(true);
  });
});

describe('KerntopRegistry.render', () => {
  it('shares one rendering between scrapes of one event-loop turn at one store version, and renders afresh otherwise', async () => {
    const { KerntopRegistry } = await import('../../src/exporter/registry.js');
    const store = createStore();
    let applied = 0;
    const reg = new KerntopRegistry(() => store.state, {
      version: 't',
      kernel_release: 'k',
      bpftrace_version: 'b',
      events_applied: () => applied,
    });
    const a = reg.render('text', store.state.version);
    expect(reg.render('text', store.state.version)).toBe(a);
    expect(reg.render('openmetrics', store.state.version)).not.toBe(a);
    store.dispatch({ type: 'clock', ts_ms: 1 });
    applied = 1;
    const b = reg.render('text', store.state.version);
    expect(b).not.toBe(a);
    expect(await b).toMatch(/^kerntop_events_applied_total 1$/m);
    await new Promise((r) => setImmediate(r));
    expect(reg.render('text', store.state.version)).not.toBe(b);
  });
});

describe('kernel-log findings', () => {
  it('the newest finding of a recording is one series with its class and title, its time as the value', async () => {
    const { KerntopRegistry } = await import('../../src/exporter/registry.js');
    const store = createStore();
    const { events } = await readRecording('fixtures/sessions/gpu-straggler.jsonl');
    for (const ev of events) store.dispatch(ev);
    const io = events.filter((e) => e.type === 'kernel.event' && e.subsystem === 'io_error').at(-1) as {
      title: string;
      ts_ms: number;
    };
    const reg = new KerntopRegistry(() => store.state, {
      version: 't',
      kernel_release: 'k',
      bpftrace_version: 'b',
      events_applied: () => 0,
    });
    const text = await reg.render('text', store.state.version);
    const series = text.split('\n').filter((l) => l.startsWith('kerntop_kernel_log_last_finding_timestamp_seconds{'));
    expect(series).toEqual([
      `kerntop_kernel_log_last_finding_timestamp_seconds{class="io_error",title="${io.title}"} ${Math.floor(io.ts_ms / 1000)}`,
    ]);
  });
});
