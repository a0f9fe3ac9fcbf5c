import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isTcgNoise, setAsideEmulationNoise, TCG_NOISE } from '../../src/jobs/boot-test/emulation-noise.js';
import { analyzeLog } from '../../src/knowledge/log-classifier/index.js';

const loaded = readFileSync(new URL('../../fixtures/boot-test/cloud-boot-tcg-loaded.log', import.meta.url), 'latin1');

describe('TCG emulation noise', () => {
  it('every row matches its example and a line of a real loaded TCG boot', () => {
    for (const row of TCG_NOISE) {
      expect(isTcgNoise(row.example)).toBe(row.id);
      expect(loaded.split('\n').some((l) => row.re.test(l))).toBe(true);
    }
  });

  it('sets aside exactly the calibration lines of a clean boot under TCG, nothing under KVM', () => {
    const a = analyzeLog(loaded);
    const hits = [...a.errors, ...a.warnings];
    const tcg = setAsideEmulationNoise(hits, 'tcg');
    expect(tcg.kept).toEqual([]);
    expect(tcg.noise.map((h) => isTcgNoise(h.text)).sort()).toEqual(TCG_NOISE.map((r) => r.id).sort());
    expect(setAsideEmulationNoise(hits, 'kvm').noise).toEqual([]);
  });

  it('never hides a real problem', () => {
    expect(isTcgNoise('Kernel panic - not syncing: sysrq triggered crash')).toBeNull();
    expect(isTcgNoise('EXT4-fs error (device vda): failed to read')).toBeNull();
  });
});
