// The import graph keeps the house's layering (.dependency-cruiser.cjs): no cycles, no room importing
// a room above it, no source or job reaching into a sibling.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/lib/kerntop.js';

describe('import graph', () => {
  it('has no circle and no upward import', () => {
    const r = spawnSync(
      join(ROOT, 'node_modules', '.bin', 'depcruise'),
      ['--config', '.dependency-cruiser.cjs', '--output-type', 'err', 'src'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(r.error).toBeUndefined();
    // The violations, one per line, are the failure message.
    expect(r.stdout + r.stderr).not.toMatch(/error /);
    expect(r.status).toBe(0);
  }, 120_000);
});
