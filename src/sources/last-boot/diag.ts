// The last boot as a diagnostic for the monitor: one warning when it ended in a crash, so the live
// header and the quiet summary say so (the crash happened before anything could read its log).
import type { SourceDiagEvent } from '../../events.js';
import { lastBoot, type LastBootOptions } from './index.js';

export const LAST_BOOT_DIAG_SOURCE = 'last-boot';

export async function lastBootDiags(opts: LastBootOptions = {}, now_ms = Date.now()): Promise<SourceDiagEvent[]> {
  try {
    const r = await lastBoot({ journalTimeoutMs: 2000, ...opts });
    if (!r.crashed) return [];
    const from = r.sources.find((s) => s.kind === r.from)?.origin ?? r.from;
    return [
      {
        type: 'source.diag',
        ts_ms: now_ms,
        source: LAST_BOOT_DIAG_SOURCE,
        level: 'warning',
        message: `last boot ended in a crash: ${r.title} (${from}; kerntop last-boot for details)`,
      },
    ];
  } catch {
    // Reading the last boot is a courtesy; the monitor runs without it.
    return [];
  }
}
