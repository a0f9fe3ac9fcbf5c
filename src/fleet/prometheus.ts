// A client of the Prometheus HTTP API (/api/v1/query, /api/v1/query_range, /api/v1/series) and
// nothing else, so Thanos, VictoriaMetrics and Mimir answer it too. Every answer is checked against
// the documented envelope; what cannot be used becomes a PrometheusError naming the cause and the fix.
import { z } from 'zod';

export type Auth = { bearer: string } | { username: string; password: string } | null;

export interface PrometheusOptions {
  /** Base URL: http://prometheus:9090, or a path prefix (http://host/prometheus, Mimir's /prometheus). */
  url: string;
  auth?: Auth;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export type ErrorKind = 'unreachable' | 'not_prometheus' | 'auth' | 'bad_query' | 'server';

export class PrometheusError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'PrometheusError';
  }
}

const labels = z.record(z.string(), z.string());
const sampleValue = z.tuple([z.number(), z.string()]);
export const VectorSample = z.object({ metric: labels, value: sampleValue });
export const MatrixSeries = z.object({ metric: labels, values: z.array(sampleValue) });
export type VectorSample = z.infer<typeof VectorSample>;
export type MatrixSeries = z.infer<typeof MatrixSeries>;

const success = <T extends z.ZodType>(data: T) =>
  z.object({ status: z.literal('success'), data, warnings: z.array(z.string()).optional() });
const failure = z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string().optional() });
const vectorData = z.object({ resultType: z.literal('vector'), result: z.array(VectorSample) });
const scalarData = z.object({ resultType: z.literal('scalar'), result: sampleValue });
const matrixData = z.object({ resultType: z.literal('matrix'), result: z.array(MatrixSeries) });

/** A sample's value as a number; Prometheus writes NaN and +Inf as strings. */
export function sampleNumber(v: readonly [number, string]): number {
  return Number(v[1]);
}

export class Prometheus {
  readonly base: string;
  private readonly auth: Auth;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;
  /** Requests made so far (the fleet view promises a few per refresh, whatever the fleet's size). */
  requests = 0;

  constructor(o: PrometheusOptions) {
    let u: URL;
    try {
      u = new URL(o.url);
    } catch {
      throw new PrometheusError(
        'unreachable',
        `--prometheus ${JSON.stringify(o.url)} is not a URL; give one like http://prometheus:9090`,
      );
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      throw new PrometheusError('unreachable', `--prometheus must be an http:// or https:// URL (got ${u.protocol})`);
    this.base = u.href.replace(/\/+$/, '');
    this.auth = o.auth ?? null;
    this.timeoutMs = o.timeoutMs ?? 10_000;
    this.fetchFn = o.fetch ?? fetch;
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = { Accept: 'application/json' };
    if (this.auth && 'bearer' in this.auth) h.Authorization = `Bearer ${this.auth.bearer}`;
    else if (this.auth)
      h.Authorization = `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password}`).toString('base64')}`;
    return h;
  }

  /** POST with a form body, as the API documents for long queries (selectors of many nodes). */
  private async call<T extends z.ZodType>(path: string, params: URLSearchParams, data: T): Promise<z.infer<T>> {
    const url = `${this.base}${path}`;
    this.requests++;
    let res: Response;
    try {
      res = await this.fetchFn(url, {
        method: 'POST',
        headers: { ...this.headers(), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: params,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      const why =
        err.name === 'TimeoutError'
          ? `no answer within ${this.timeoutMs / 1000} s`
          : (err.cause?.code ?? err.cause?.message ?? err.message);
      throw new PrometheusError(
        'unreachable',
        `cannot reach Prometheus at ${this.base}: ${why}; check the URL and that Prometheus is running and reachable from here`,
      );
    }
    const text = await res.text().catch(() => '');
    if (res.status === 401 || res.status === 403)
      throw new PrometheusError(
        'auth',
        `Prometheus at ${this.base} refused the request (HTTP ${res.status}); give --bearer-token-file or --basic-auth USER:PASSWORD-FILE`,
      );
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new PrometheusError(
        'not_prometheus',
        `${url} answered HTTP ${res.status} ${res.headers.get('content-type') ?? ''} that is not the Prometheus API's JSON: is ${this.base} a Prometheus (or Thanos, VictoriaMetrics, Mimir) base URL?`,
      );
    }
    const bad = failure.safeParse(body);
    if (bad.success) {
      const kind: ErrorKind = bad.data.errorType === 'bad_data' ? 'bad_query' : 'server';
      throw new PrometheusError(
        kind,
        `Prometheus answered ${bad.data.errorType ?? 'error'}: ${bad.data.error ?? 'no reason given'}`,
      );
    }
    const ok = success(data).safeParse(body);
    if (!ok.success)
      throw new PrometheusError(
        'not_prometheus',
        `${url} answered JSON that is not the Prometheus API's (${ok.error.issues[0]?.message ?? 'unexpected shape'}): is ${this.base} a Prometheus base URL?`,
      );
    return (ok.data as { data: z.infer<T> }).data;
  }

  /** An instant query; a scalar answer comes back as one sample without labels. */
  async query(q: string, timeS: number): Promise<VectorSample[]> {
    const d = await this.call(
      '/api/v1/query',
      new URLSearchParams({ query: q, time: String(timeS) }),
      z.union([vectorData, scalarData]),
    );
    return d.resultType === 'vector' ? d.result : [{ metric: {}, value: d.result }];
  }

  async queryRange(q: string, startS: number, endS: number, stepS: number): Promise<MatrixSeries[]> {
    const d = await this.call(
      '/api/v1/query_range',
      new URLSearchParams({ query: q, start: String(startS), end: String(endS), step: String(stepS) }),
      matrixData,
    );
    return d.result;
  }

  /** The label sets of the series matching `match` between start and end. */
  async series(match: string, startS: number, endS: number): Promise<Record<string, string>[]> {
    const p = new URLSearchParams({ start: String(startS), end: String(endS) });
    p.append('match[]', match);
    return this.call('/api/v1/series', p, z.array(labels));
  }
}
