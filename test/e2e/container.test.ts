// The lab image, built from the Dockerfile and run against this kernel: scripts/test-container.sh
// (podman builds with chroot isolation; the image's filesystem is entered with chroot, host /proc,
// /sys and /dev bound in). Cold, it debootstraps and builds everything (minutes); warm, it reuses
// /var/cache/kerntop/container.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const repo = new URL('../../', import.meta.url).pathname;
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

const missing = ['podman', 'debootstrap'].filter((c) => !has(c));
const isRoot = process.geteuid?.() === 0;
const reason = !isRoot
  ? 'needs root (debootstrap, chroot)'
  : missing.length
    ? `${missing.join(' and ')} not installed (apt-get install podman debootstrap)`
    : '';

describe('lab container image', () => {
  it.skipIf(reason !== '')(
    `builds, starts on this kernel and passes its checks${reason ? ` (skipped: ${reason})` : ''}`,
    () => {
      let out = '';
      let code = 0;
      try {
        out = execFileSync('bash', [`${repo}scripts/test-container.sh`], {
          cwd: repo,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
          timeout: 590_000,
        });
      } catch (err) {
        const e = err as { stdout?: string; stderr?: string; status?: number };
        out = `${e.stdout ?? ''}${e.stderr ?? ''}`;
        code = e.status ?? 1;
      }
      process.stdout.write(out);
      expect(code, out).toBe(0);
      expect(out).toMatch(/^container test: passed in \d+s \(image \d+ MB\)$/m);
      expect(out).not.toMatch(/^FAIL /m);
    },
    600_000,
  );
});
