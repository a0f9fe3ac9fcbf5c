import { collectDefaultMetrics, Registry } from 'prom-client';
import type { StoreState } from '../store/index.js';
import { FAMILIES, type ExporterInfo, type Family } from './families.js';

export type Exposition = 'text' | 'openmetrics';

const NO_LABELS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * A prom-client metric whose values are read from the store when scraped (nothing is kept between
 * scrapes). prom-client renames counters for OpenMetrics in place, so each registry gets its own.
 */
class StoreMetric {
  name: string;
  readonly help: string;
  readonly type: Family['type'];
  readonly aggregator = 'sum';

  constructor(
    private readonly family: Family,
    private readonly state: () => StoreState,
    private readonly info: ExporterInfo,
  ) {
    this.name = family.name;
    this.help = family.help;
    this.type = family.type;
  }

  get() {
    const values = this.family.collect(this.state(), this.info).map((s) => ({
      labels: s.labels ?? NO_LABELS,
      // prom-client caches the flattened shared labels per object: one shared object, not a new {} per line.
      sharedLabels: NO_LABELS,
      value: s.value,
      ...(s.suffix ? { metricName: `${this.name}${s.suffix}` } : {}),
    }));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    // Values live in the store; nothing to reset here.
  }
}

/** Both expositions over the same store: text format 0.0.4 and OpenMetrics 1.0.0. */
export class KerntopRegistry {
  private readonly regs: Record<Exposition, Registry>;

  constructor(state: () => StoreState, info: ExporterInfo) {
    const make = (openMetrics: boolean) => {
      const r = new Registry();
      if (openMetrics) r.setContentType(Registry.OPENMETRICS_CONTENT_TYPE as never);
      for (const f of FAMILIES) r.registerMetric(new StoreMetric(f, state, info) as never);
      // The exporter's own process (CPU, RSS, open fds): prom-client's process_* families. Its
      // nodejs_* families are left out: several gauges among them end in _total, which promtool flags.
      (collectDefaultMetrics as (c: { register: Registry }) => void)({ register: r });
      for (const m of r.getMetricsAsArray()) if (m.name.startsWith('nodejs_')) r.removeSingleMetric(m.name);
      return r;
    };
    this.regs = { text: make(false), openmetrics: make(true) };
  }

  contentType(x: Exposition): string {
    return this.regs[x].contentType;
  }

  private last: Record<Exposition, { version: number; body: Promise<string> } | null> = { text: null, openmetrics: null };

  /**
   * The exposition at this moment. Scrapes handled in the same turn of the event loop while the
   * store has not changed (same version) share one rendering: it would be the same text. The next
   * turn renders afresh, so the process_* values are never older than the scrape.
   */
  render(x: Exposition, version: number): Promise<string> {
    const l = this.last[x];
    if (l && l.version === version) return l.body;
    const body = this.regs[x].metrics();
    const entry = { version, body };
    this.last[x] = entry;
    const forget = () => {
      if (this.last[x] === entry) this.last[x] = null;
    };
    setImmediate(forget);
    body.catch(forget);
    return body;
  }
}

/**
 * The exposition a scraper asked for in Accept: OpenMetrics when it names
 * application/openmetrics-text (version 1.0.0 or none) with q > 0; otherwise, garbage included,
 * the text format 0.0.4, which every Prometheus reads.
 */
export function negotiate(accept: string | undefined): Exposition {
  if (!accept) return 'text';
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';').map((p) => p.trim().toLowerCase());
    if (type !== 'application/openmetrics-text') continue;
    const kv = Object.fromEntries(params.map((p) => p.split('=').map((x) => x.trim())));
    const q = kv.q === undefined ? 1 : Number(kv.q);
    if (!(q > 0)) continue;
    if (kv.version === undefined || kv.version === '1.0.0') return 'openmetrics';
  }
  return 'text';
}
