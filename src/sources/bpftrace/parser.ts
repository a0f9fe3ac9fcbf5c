import type { Log2Bucket } from '../../events.js';

// One line of `bpftrace -f json` output, classified. bpftrace 0.17 writes one JSON object per line,
// plus empty lines at exit; later versions add keys and may send integers as strings. Anything that
// does not parse is 'malformed': counted and skipped by the caller, never fatal.
export type BpftraceLine =
  | { kind: 'ready' }
  | { kind: 'tick' }
  | { kind: 'event'; family: string; fields: string[] }
  | { kind: 'map'; name: string; value: number | Record<string, number> }
  | { kind: 'hist'; name: string; buckets: Log2Bucket[] }
  /** A hist per key (`@h[cpu] = hist(x)`): key -> buckets. */
  | { kind: 'khist'; name: string; byKey: Record<string, Log2Bucket[]> }
  | { kind: 'lost'; events: number }
  | { kind: 'ignored' }
  | { kind: 'malformed'; line: string };

const num = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return null;
};

function parseBuckets(v: unknown): Log2Bucket[] | null {
  if (!Array.isArray(v)) return null;
  const out: Log2Bucket[] = [];
  for (const b of v) {
    if (!b || typeof b !== 'object') return null;
    const o = b as Record<string, unknown>;
    const count = num(o.count);
    const max = num(o.max);
    if (count === null) return null;
    // The underflow bucket of a hist has no min; values below 0 do not occur for latencies.
    const min = num(o.min) ?? (max !== null && max < 0 ? max : 0);
    out.push({ min, max: max ?? Number.MAX_SAFE_INTEGER, count });
  }
  return out;
}

function parseMapValue(v: unknown): number | Record<string, number> | null {
  const n = num(v);
  if (n !== null) return n;
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const xn = num(x);
    if (xn === null) return null;
    out[k] = xn;
  }
  return out;
}

/** Parses one printf payload ("READY", "TICK", "EV fam f1 f2 ... comm"). */
function parsePrintf(data: string): BpftraceLine {
  const text = data.replace(/\n$/, '');
  if (text === 'READY') return { kind: 'ready' };
  if (text === 'TICK') return { kind: 'tick' };
  if (text.startsWith('EV ')) {
    const parts = text.slice(3).split(' ');
    const family = parts.shift();
    if (family) return { kind: 'event', family, fields: parts };
  }
  return { kind: 'malformed', line: data };
}

export function parseLine(line: string): BpftraceLine {
  const trimmed = line.trim();
  if (trimmed === '') return { kind: 'ignored' };
  let obj: unknown;
  try {
    obj = JSON.parse(trimmed);
  } catch {
    return { kind: 'malformed', line };
  }
  if (!obj || typeof obj !== 'object') return { kind: 'malformed', line };
  const { type, data } = obj as { type?: unknown; data?: unknown };
  switch (type) {
    case 'printf':
      return typeof data === 'string' ? parsePrintf(data) : { kind: 'malformed', line };
    case 'map':
    case 'hist':
    case 'stats': {
      if (!data || typeof data !== 'object') return { kind: 'malformed', line };
      const entries = Object.entries(data as Record<string, unknown>);
      if (entries.length !== 1) return { kind: 'malformed', line };
      const [rawName, v] = entries[0];
      const name = rawName.replace(/^@/, '');
      if (type === 'hist' && v && typeof v === 'object' && !Array.isArray(v)) {
        const byKey: Record<string, Log2Bucket[]> = {};
        for (const [k, b] of Object.entries(v as Record<string, unknown>)) {
          const buckets = parseBuckets(b);
          if (!buckets) return { kind: 'malformed', line };
          byKey[k] = buckets;
        }
        return { kind: 'khist', name, byKey };
      }
      if (type === 'hist') {
        const buckets = parseBuckets(v);
        return buckets ? { kind: 'hist', name, buckets } : { kind: 'malformed', line };
      }
      const value = parseMapValue(v);
      return value !== null ? { kind: 'map', name, value } : { kind: 'malformed', line };
    }
    case 'lost_events': {
      const n = num((data as Record<string, unknown> | undefined)?.events);
      return { kind: 'lost', events: n ?? 0 };
    }
    case 'attached_probes':
    case 'time':
    case 'value':
    case 'join':
    case 'cat':
    case 'syscall':
    case 'helper_error':
      return { kind: 'ignored' };
    default:
      // Unknown record types from newer bpftrace versions are skipped rather than fatal.
      return typeof type === 'string' ? { kind: 'ignored' } : { kind: 'malformed', line };
  }
}

/** Splits a chunked stream into lines; keeps the unfinished tail for the next chunk. */
export class LineSplitter {
  private rest = '';
  /** Lines longer than this are cut off and reported as malformed rather than growing memory. */
  constructor(private readonly maxLine = 1 << 20) {}

  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    if (this.rest.length > this.maxLine) {
      lines.push(this.rest.slice(0, 200));
      this.rest = '';
    }
    return lines;
  }

  end(): string[] {
    const r = this.rest;
    this.rest = '';
    return r ? [r] : [];
  }
}
