// Lines a kernel prints under TCG only because emulated time runs unevenly (most when the host is
// busy): calibration against the PIT fails and the delay loop cannot be measured. They say nothing
// about the kernel under test, so under TCG they are set aside from the counts (and listed in the
// result as emulation_noise) instead of turning a clean boot into "booted with errors".
// Each row is pinned by a test on fixtures/boot-test/cloud-boot-tcg-loaded.log.
import type { LogLineHit } from '../../knowledge/log-classifier/index.js';

export const TCG_NOISE: ReadonlyArray<{ id: string; re: RegExp; example: string }> = [
  { id: 'tsc-fast-calibration', re: /tsc: Fast TSC calibration failed/, example: 'tsc: Fast TSC calibration failed' },
  { id: 'tsc-pit-calibration', re: /tsc: Unable to calibrate against PIT/, example: 'tsc: Unable to calibrate against PIT' },
  {
    id: 'delay-loop-calibration',
    re: /calibrate_delay_direct\(\) failed to get a good estimate for loops_per_jiffy/,
    example: 'calibrate_delay_direct() failed to get a good estimate for loops_per_jiffy.',
  },
];

export function isTcgNoise(text: string): string | null {
  return TCG_NOISE.find((r) => r.re.test(text))?.id ?? null;
}

/** Splits classifier hits into those that count and those emulation explains (only under TCG). */
export function setAsideEmulationNoise(hits: LogLineHit[], accel: 'kvm' | 'tcg'): { kept: LogLineHit[]; noise: LogLineHit[] } {
  if (accel !== 'tcg') return { kept: hits, noise: [] };
  const kept: LogLineHit[] = [];
  const noise: LogLineHit[] = [];
  for (const h of hits) (isTcgNoise(h.text) ? noise : kept).push(h);
  return { kept, noise };
}
