import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  archiveName,
  lockDown,
  packArchive,
  sanitizeNamePart,
  sha256File,
  writeChecksum,
  writePrivate,
} from '../../src/jobs/vmcore/archive.js';
import { timeFromName } from '../../src/jobs/vmcore/crashes.js';

describe('archive names follow sos friendly names', () => {
  it('sosvmcore-HOST[-LABEL]-YYYY-MM-DD-RAND', () => {
    const d = new Date(2026, 10, 24, 19, 30);
    expect(archiveName('web01', undefined, d, 'abcdefg')).toBe('sosvmcore-web01-2026-11-24-abcdefg');
    expect(archiveName('web01', 'case 42/x', d, 'abcdefg')).toBe('sosvmcore-web01-case42x-2026-11-24-abcdefg');
    expect(archiveName('(none)', undefined, d)).toMatch(/^sosvmcore-none-2026-11-24-[a-z]{7}$/);
    expect(sanitizeNamePart('../..')).toBe('unknown');
  });
});

describe('packing', () => {
  for (const compression of ['xz', 'gzip', 'none'] as const) {
    it(`${compression}: version.txt, sos_reports, sos_logs first; files 0600, dirs 0700; checksum is digest + newline`, async () => {
      const parent = mkdtempSync(join(tmpdir(), 'kerntop-vmcore-unit-'));
      const root = join(parent, 'sosvmcore-x-2026-11-24-abcdefg');
      mkdirSync(root);
      await writePrivate(root, 'plugins/dmesg/dmesg.txt', 'log\n');
      await writePrivate(root, 'sys/kernel/debug/sched/debug', 'cpu#0\n');
      await writePrivate(root, 'version.txt', 'kerntop vmcore-report: 0.1.0\n');
      await writePrivate(root, 'sos_reports/manifest.json', '{}\n');
      await writePrivate(root, 'sos_logs/sos.log', 'x\n');
      writeFileSync(join(root, 'loose'), 'made with a default umask', { mode: 0o644 });
      await lockDown(root);
      expect(statSync(join(root, 'loose')).mode & 0o777).toBe(0o600);
      expect(statSync(join(root, 'sys', 'kernel')).mode & 0o777).toBe(0o700);
      const out = join(parent, `a.tar${compression === 'xz' ? '.xz' : compression === 'gzip' ? '.gz' : ''}`);
      await packArchive(parent, 'sosvmcore-x-2026-11-24-abcdefg', out, compression);
      expect(statSync(out).mode & 0o777).toBe(0o600);
      const flag = compression === 'xz' ? 'J' : compression === 'gzip' ? 'z' : '';
      const names = execFileSync('tar', [`-t${flag}f`, out])
        .toString()
        .trim()
        .split('\n')
        .map((n) => n.replace(/^[^/]+\//, ''));
      expect(names.slice(0, 3)).toEqual(['version.txt', 'sos_reports/', 'sos_reports/manifest.json']);
      expect(names.indexOf('sos_logs/sos.log')).toBeLessThan(names.indexOf('plugins/'));
      expect(names).toContain('sys/kernel/debug/sched/debug');
      const digest = await writeChecksum(out, mkdtempSync(join(tmpdir(), 'kerntop-vmcore-unit-')));
      expect(readFileSync(`${out}.sha256`, 'utf8')).toBe(`${digest}\n`);
      expect(digest).toBe(execFileSync('sha256sum', [out]).toString().split(' ')[0]);
      expect(await sha256File(out)).toBe(digest);
    });
  }
});

it('kdump directory names carry the crash time', () => {
  expect(timeFromName('202611241930')?.getHours()).toBe(19);
  expect(timeFromName('dump.202611241930')?.getMinutes()).toBe(30);
  expect(timeFromName('127.0.0.1-2026-11-24-19:30:05')?.getSeconds()).toBe(5);
  expect(timeFromName('vmcore')).toBeNull();
});
