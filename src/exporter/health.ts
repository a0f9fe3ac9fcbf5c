import type { StoreState } from '../store/index.js';

export interface Health {
  ok: boolean;
  /** Why not healthy (503 body). */
  reasons: string[];
  /** Worth knowing while healthy (200 body): a family that failed while others run. */
  notes: string[];
}

export interface SourceStarts {
  /** Sources still starting. */
  starting: string[];
  /** Sources that could not start, with the reason. */
  failed: string[];
  /** A bpftrace source runs here: its families must reach ATTACHED. */
  probes: boolean;
}

/** /healthz: every source started, and the probes attached (at least one family; none still starting). */
export function health(state: StoreState, s: SourceStarts): Health {
  const reasons: string[] = [];
  const notes: string[] = [];
  for (const n of s.starting) reasons.push(`starting: ${n}`);
  for (const f of s.failed) reasons.push(`not started: ${f}`);
  if (s.probes) {
    const probes = [...state.probes.values()];
    const starting = probes.filter((p) => p.state === 'STARTING').map((p) => p.family);
    const attached = probes.filter((p) => p.state === 'ATTACHED');
    if (starting.length) reasons.push(`probes still attaching: ${starting.join(', ')}`);
    else if (attached.length === 0) reasons.push('no probe family is attached (see kerntop_probe_state, or `kerntop probes`)');
    for (const p of probes) if (p.state === 'FAILED') notes.push(`probe ${p.family} failed: ${p.reason ?? 'unknown reason'}`);
  }
  return { ok: reasons.length === 0, reasons, notes };
}
