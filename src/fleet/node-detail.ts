// One node's detail: its last hour from Prometheus (query_range) and, when its exporter answers from
// here, the exporter's own /summary.json (findings with advice, in the quiet summary's words).
import { z } from 'zod';
import { nodeHistoryQueries, type QueryOptions } from './queries.js';
import { sampleNumber, type Prometheus } from './prometheus.js';
import type { NodeRow } from './rows.js';

export const HISTORY_S = 3600;
export const HISTORY_STEP_S = 60;

export interface History {
  /** Series name -> one value per step (null where Prometheus has none), oldest first. */
  series: Record<string, (number | null)[]>;
  start_s: number;
  step_s: number;
}

export async function fetchHistory(p: Prometheus, o: QueryOptions, row: NodeRow, nowS = Date.now() / 1000): Promise<History> {
  // Steps on whole minutes, the last one at or just after now, so the newest samples are in.
  const end = Math.ceil(nowS / HISTORY_STEP_S) * HISTORY_STEP_S;
  const start = end - HISTORY_S;
  const n = HISTORY_S / HISTORY_STEP_S + 1;
  const qs = nodeHistoryQueries(o, row.job, row.instance);
  const names = Object.keys(qs);
  const answers = await Promise.all(names.map((k) => p.queryRange(qs[k], start, end, HISTORY_STEP_S)));
  const series: History['series'] = {};
  names.forEach((k, i) => {
    const v = new Array<number | null>(n).fill(null);
    for (const [t, s] of answers[i][0]?.values ?? []) {
      const x = sampleNumber([t, s]);
      const idx = Math.round((t - start) / HISTORY_STEP_S);
      if (idx >= 0 && idx < n && Number.isFinite(x)) v[idx] = x;
    }
    series[k] = v;
  });
  return { series, start_s: start, step_s: HISTORY_STEP_S };
}

// The parts of the quiet summary's JSON (src/report/summary.ts) the detail shows; the rest is left alone.
const SummaryJson = z.object({
  kerntop_summary: z.literal(1),
  status: z.string(),
  duration_s: z.number(),
  findings: z.array(z.object({ subsystem: z.string(), status: z.string(), message: z.string(), advice: z.string().optional() })),
});
export type NodeSummary = z.infer<typeof SummaryJson>;

/** The exporter's /summary.json, when the instance label is an address this machine can reach. */
export async function fetchNodeSummary(
  row: NodeRow,
  timeoutMs = 2000,
  fetchFn: typeof fetch = fetch,
): Promise<{ summary: NodeSummary } | { error: string }> {
  if (!/^[\w.-]+:\d+$|^\[[0-9a-fA-F:]+\]:\d+$/.test(row.instance)) return { error: `instance ${row.instance} is not host:port` };
  const url = `http://${row.instance}/summary.json`;
  try {
    const r = await fetchFn(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (r.status !== 200) return { error: `${url}: HTTP ${r.status}` };
    const j = SummaryJson.safeParse(await r.json());
    return j.success ? { summary: j.data } : { error: `${url}: not a kerntop summary` };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    return { error: `${url}: ${err.name === 'TimeoutError' ? 'no answer' : (err.cause?.code ?? err.message)}` };
  }
}
