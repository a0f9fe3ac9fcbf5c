// The header's alert when the previous boot ended in a crash (the monitor's "last-boot" diagnostic,
// see sources/last-boot/diag.ts).
import type { Snapshot } from '../snapshot.js';

export function lastBootAlerts(s: Snapshot): string[] {
  const d = s.diags.find((x) => x.source === 'last-boot' && x.level !== 'info');
  return d ? [d.message.replace(/ \(.*\)$/, '')] : [];
}
