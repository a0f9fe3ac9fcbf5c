import type { KernelEvent, Log2Bucket, ProbeFamily, ProbeTickEvent, Severity } from '../../events.js';
import { isTroubleDropReason, TCP_STATES } from '../../knowledge/drop-reasons.js';
import { EVENT_LINES } from './catalog.js';
import { readEventLine, type EventLine, type EventRecord } from './event-line.js';
import { NOISE_DECODER } from './noise-decoder.js';

export type { DecodeContext, EventDecoder, FamilyDecoder, MapValue } from './decoder-types.js';
import type { DecodeContext, EventDecoder, FamilyDecoder, MapValue } from './decoder-types.js';

function onEvent<L extends EventLine>(
  line: L,
  decode: (f: EventRecord<L>, ctx: DecodeContext, ts_ms: number) => KernelEvent,
): EventDecoder {
  return {
    line,
    decode(words, ctx, ts_ms) {
      const f = readEventLine(line, words);
      return f ? decode(f, ctx, ts_ms) : null;
    },
  };
}

const scalar = (v: MapValue | undefined): number => (typeof v === 'number' ? v : 0);
const keyed = (v: MapValue | undefined): Record<string, number> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, number>) : {};
const hist = (v: MapValue | undefined): Log2Bucket[] | undefined => (Array.isArray(v) ? v : undefined);
const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);
const int = (s: string | undefined): number => (s !== undefined && /^-?\d+$/.test(s) ? Number(s) : NaN);
const nonEmpty = (r: Record<string, number>) => (Object.keys(r).length ? r : undefined);

/** Latency above the threshold is a warning; ten times above it is critical. */
function latencySeverity(us: number, warn: number): Severity {
  return us >= 10 * warn ? 'critical' : 'warning';
}

function baseTick(family: ProbeFamily, ts_ms: number, interval_ms: number, count: number): ProbeTickEvent {
  return { type: 'probe.tick', ts_ms, family, interval_ms, count };
}

/** "tracepoint:syscalls:sys_exit_pread64" or "kretfunc:vfs_read" -> "pread64" / "read". */
export function vfsOp(probe: string): string {
  const m = /(?:sys_exit_|sys_enter_|vfs_)(\w+)$/.exec(probe);
  return m ? m[1] : probe;
}

function devKey(dev: number, ctx: DecodeContext): string {
  const major = Math.floor(dev / 2 ** 20);
  const minor = dev % 2 ** 20;
  const name = ctx.deviceName(major, minor);
  return name ? `${major}:${minor} ${name}` : `${major}:${minor}`;
}

function dropReasonName(code: string, ctx: DecodeContext): string {
  const n = int(code);
  return Number.isNaN(n) ? code : (ctx.dropReasons.get(n) ?? `reason_${n}`);
}

/** by_key of sched ticks: wakeups of kerntop's own threads (node, bpftrace) that were not counted. */
export const SCHED_OWN_KEY = 'kerntop_own_not_counted';

export const DECODERS: readonly FamilyDecoder[] = [
  {
    family: 'sched',
    event: onEvent(EVENT_LINES.sched, ({ runq_latency_us: value_us, pid, cpu, comm }, ctx, ts_ms) => ({
      type: 'kernel.event',
      ts_ms,
      source: 'sched',
      subsystem: 'sched',
      severity: latencySeverity(value_us, ctx.thresholds.sched_warn_us),
      title: `run-queue latency ${value_us} us: ${comm}[${pid}] on CPU ${cpu}`,
      pid,
      comm,
      value_us,
      cpu,
      in_tick: true,
    })),
    tick(maps, _ctx, ts_ms, interval_ms) {
      const h = hist(maps.get('sched_lat_us'));
      const count = (h ?? []).reduce((a, b) => a + b.count, 0);
      const tick = baseTick('sched', ts_ms, interval_ms, count);
      tick.hist_us = h;
      if (maps.has('sched_max_us')) tick.max_us = scalar(maps.get('sched_max_us'));
      tick.by_comm = nonEmpty(keyed(maps.get('sched_comm')));
      // kerntop's own wakeups, left out of the count and the histogram: shown so the user knows.
      const own = maps.has('sched_own_n') ? scalar(maps.get('sched_own_n')) : 0;
      if (own > 0) tick.by_key = { [SCHED_OWN_KEY]: own };
      return { tick, events: [] };
    },
  },
  {
    family: 'bio',
    event: onEvent(EVENT_LINES.bio, ({ latency_us: value_us, major, minor, sector, rwbs, cpu }, ctx, ts_ms) => {
      const device = ctx.deviceName(major, minor);
      const dev = `${major}:${minor}`;
      return {
        type: 'kernel.event',
        ts_ms,
        source: 'bio',
        subsystem: 'bio',
        severity: latencySeverity(value_us, ctx.thresholds.bio_warn_us),
        title: `block I/O ${value_us} us on ${device ?? dev} (${dev}) ${rwbs} sector ${sector}`.trim(),
        value_us,
        cpu,
        in_tick: true,
        fields: { major, minor, dev, device: device ?? null, sector, rwbs },
      };
    }),
    tick(maps, ctx, ts_ms, interval_ms) {
      const byDev = keyed(maps.get('bio_dev'));
      const tick = baseTick('bio', ts_ms, interval_ms, sum(byDev));
      tick.hist_us = hist(maps.get('bio_lat_us'));
      if (maps.has('bio_max_us')) tick.max_us = scalar(maps.get('bio_max_us'));
      const by_key: Record<string, number> = {};
      for (const [dev, n] of Object.entries(byDev)) by_key[devKey(int(dev), ctx)] = n;
      tick.by_key = nonEmpty(by_key);
      return { tick, events: [] };
    },
  },
  {
    family: 'vfs',
    event: onEvent(EVENT_LINES.vfs, ({ latency_us: value_us, probe, pid, comm }, ctx, ts_ms) => {
      const op = vfsOp(probe);
      return {
        type: 'kernel.event',
        ts_ms,
        source: 'vfs',
        subsystem: 'vfs',
        severity: latencySeverity(value_us, ctx.thresholds.vfs_warn_us),
        title: `${op} ${value_us} us: ${comm}[${pid}]`,
        pid,
        comm,
        value_us,
        in_tick: true,
        fields: { op },
      };
    }),
    tick(maps, _ctx, ts_ms, interval_ms) {
      const by_key: Record<string, number> = {};
      for (const [probe, n] of Object.entries(keyed(maps.get('vfs_op')))) by_key[vfsOp(probe)] = (by_key[vfsOp(probe)] ?? 0) + n;
      const tick = baseTick('vfs', ts_ms, interval_ms, sum(by_key));
      tick.hist_us = hist(maps.get('vfs_lat_us'));
      if (maps.has('vfs_max_us')) tick.max_us = scalar(maps.get('vfs_max_us'));
      tick.by_key = nonEmpty(by_key);
      tick.by_comm = nonEmpty(keyed(maps.get('vfs_comm')));
      return { tick, events: [] };
    },
  },
  {
    family: 'oom',
    event: onEvent(EVENT_LINES.oom, ({ pid, comm, anon_rss_kb, file_rss_kb, shmem_rss_kb, oom_score_adj }, _ctx, ts_ms) => ({
      type: 'kernel.event',
      ts_ms,
      source: 'oom',
      subsystem: 'oom',
      severity: 'critical',
      title: `OOM kill: ${comm}[${pid}] anon-rss ${anon_rss_kb} kB, file-rss ${file_rss_kb} kB, oom_score_adj ${oom_score_adj}`,
      pid,
      comm,
      fields: { anon_rss_kb, file_rss_kb, shmem_rss_kb, oom_score_adj },
    })),
    tick: (_maps, _ctx, ts_ms, interval_ms) => ({ tick: baseTick('oom', ts_ms, interval_ms, 0), events: [] }),
  },
  {
    family: 'tcp_retrans',
    event: onEvent(EVENT_LINES.tcp_retrans, ({ state, sport, dport, saddr, daddr }, _ctx, ts_ms) => {
      const st = TCP_STATES[state] ?? `state_${state}`;
      return {
        type: 'kernel.event',
        ts_ms,
        source: 'tcp_retrans',
        subsystem: 'tcp_retrans',
        severity: 'info',
        title: `TCP retransmit ${saddr}:${sport} -> ${daddr}:${dport} ${st}`,
        in_tick: true,
        fields: { saddr, sport, daddr, dport, state: st },
      };
    }),
    tick: (maps, _ctx, ts_ms, interval_ms) => ({
      tick: baseTick('tcp_retrans', ts_ms, interval_ms, scalar(maps.get('tcp_retrans_n'))),
      events: [],
    }),
  },
  {
    family: 'drops',
    tick(maps, ctx, ts_ms, interval_ms) {
      const by_key: Record<string, number> = {};
      for (const [code, n] of Object.entries(keyed(maps.get('drops_reason'))))
        by_key[dropReasonName(code, ctx)] = (by_key[dropReasonName(code, ctx)] ?? 0) + n;
      const where: Record<string, string> = {};
      for (const [k] of Object.entries(keyed(maps.get('drops_where'))).sort((a, b) => b[1] - a[1])) {
        const comma = k.indexOf(',');
        const reason = dropReasonName(k.slice(0, comma), ctx);
        where[reason] ??= k.slice(comma + 1);
      }
      const tick = baseTick('drops', ts_ms, interval_ms, scalar(maps.get('drops_n')) || sum(by_key));
      tick.by_key = nonEmpty(by_key);
      const events: KernelEvent[] = Object.entries(by_key)
        .filter(([reason]) => isTroubleDropReason(reason))
        .map(([reason, n]) => ({
          type: 'kernel.event',
          ts_ms,
          source: 'drops',
          subsystem: 'drops',
          severity: 'warning',
          title: `${n} packet drop(s): ${reason}${where[reason] ? ` at ${where[reason]}` : ''}`,
          in_tick: true,
          fields: { reason, count: n, location: where[reason] ?? null },
        }));
      return { tick, events };
    },
  },
  {
    family: 'faults',
    tick(maps, ctx, ts_ms, interval_ms) {
      const total = scalar(maps.get('faults_n'));
      const major = scalar(maps.get('faults_major'));
      const tick = baseTick('faults', ts_ms, interval_ms, total);
      tick.by_key = nonEmpty({
        ...(total - major > 0 ? { minor: total - major } : {}),
        ...(major ? { major } : {}),
        ...(maps.has('faults_kernel') && scalar(maps.get('faults_kernel')) ? { kernel: scalar(maps.get('faults_kernel')) } : {}),
      });
      tick.by_comm = nonEmpty(keyed(maps.get('faults_comm')));
      const perS = (major * 1000) / Math.max(1, interval_ms);
      // Major faults per CPU ("0:12 1:3"); the event carries the CPU when they all came from one.
      const byCpu = Object.entries(keyed(maps.get('faults_major_cpu'))).sort((a, b) => Number(a[0]) - Number(b[0]));
      const cpuFields: Record<string, string> = byCpu.length
        ? { major_by_cpu: byCpu.map(([c, n]) => `${c}:${n}`).join(' ') }
        : {};
      const events: KernelEvent[] =
        perS >= ctx.thresholds.major_faults_warn_per_s
          ? [
              {
                type: 'kernel.event',
                ts_ms,
                source: 'faults',
                subsystem: 'faults',
                severity: 'warning',
                title: `major page faults ${Math.round(perS)}/s (threshold ${ctx.thresholds.major_faults_warn_per_s}/s)`,
                in_tick: true,
                ...(byCpu.length === 1 ? { cpu: Number(byCpu[0][0]) } : {}),
                fields: { major_per_s: Math.round(perS), ...cpuFields },
              },
            ]
          : [];
      return { tick, events };
    },
  },
  NOISE_DECODER,
];

const BY_FAMILY = new Map(DECODERS.map((d) => [d.family, d]));
export const decoderFor = (f: ProbeFamily): FamilyDecoder | undefined => BY_FAMILY.get(f);

/** Family of a map name: the longest family that prefixes it ("tcp_retrans_n" -> tcp_retrans). */
export function familyOfMap(name: string): ProbeFamily | null {
  let best: ProbeFamily | null = null;
  for (const d of DECODERS) if (name.startsWith(`${d.family}_`) && (!best || d.family.length > best.length)) best = d.family;
  return best;
}
