// kerntop last-boot on a real binary journal: systemd's own journal writer (systemd-journal-remote)
// stores two boots' kernel lines, taken from real guest console logs (fixtures/kernel-logs: a clean
// boot and a sysrq panic), each boot with its own boot ID, as journald stores kernel messages
// (_TRANSPORT=kernel). The built CLI reads it with --journal DIR or FILE, through journalctl.
import { execa, execaSync } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from './lib/boot-test-cli.js';

const JOURNAL_REMOTE = '/lib/systemd/systemd-journal-remote';
const journalctl = (() => {
  try {
    return execaSync('journalctl', ['--version']).exitCode === 0;
  } catch {
    return false;
  }
})();
const skipReason = !journalctl
  ? 'journalctl missing'
  : !existsSync(JOURNAL_REMOTE)
    ? 'systemd-journal-remote missing (scripts/setup.sh --test installs it)'
    : null;

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/kernel-logs/${name}`, import.meta.url), 'latin1');
const THIS_BOOT = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().replace(/-/g, '');

/**
 * The kernel lines of a console log ("[    4.18] text") as journal export entries of one boot; an
 * entry ends with a blank line (the last one too, or journal-remote drops it).
 */
function exportEntries(log: string, bootId: string, realtime0_us: number): string[] {
  const out: string[] = [];
  for (const raw of log.split('\n')) {
    const m = /^\[\s*(\d+)\.(\d+)\] (.*)$/.exec(raw.replace(/\r$/, ''));
    if (!m) continue;
    const mono = Number(m[1]) * 1_000_000 + Number(m[2].padEnd(6, '0').slice(0, 6));
    out.push(
      [
        `__REALTIME_TIMESTAMP=${realtime0_us + mono}`,
        `__MONOTONIC_TIMESTAMP=${mono}`,
        `_BOOT_ID=${bootId}`,
        '_HOSTNAME=lab-guest',
        '_TRANSPORT=kernel',
        'SYSLOG_FACILITY=0',
        'SYSLOG_IDENTIFIER=kernel',
        'PRIORITY=6',
        `MESSAGE=${m[3]}`,
      ].join('\n') + '\n',
    );
  }
  return out;
}

const work = mkdtempSync(join(tmpdir(), 'kerntop-journal-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Writes a journal directory holding the given boots, in order; returns its path. */
function writeJournal(name: string, boots: Array<{ log: string; bootId: string }>): string {
  const dir = join(work, name);
  mkdirSync(dir);
  const entries = boots.flatMap((b, i) => exportEntries(fixture(b.log), b.bootId, 1_700_000_000_000_000 + i * 600_000_000));
  const r = execaSync(JOURNAL_REMOTE, ['-o', join(dir, 'system.journal'), '-'], {
    input: entries.join('\n') + '\n',
    reject: false,
  });
  if (r.exitCode !== 0) throw new Error(`systemd-journal-remote: ${r.stderr}`);
  return dir;
}

async function lastBoot(journal: string) {
  const r = await execa(
    BIN,
    ['last-boot', '--pstore', join(work, 'no-pstore'), '--crash-dir', join(work, 'no-crash'), '--journal', journal, '--json'],
    { reject: false },
  );
  return { rc: r.exitCode, out: `${r.stdout}\n${r.stderr}`, json: r.stdout.startsWith('{') ? JSON.parse(r.stdout) : null };
}

describe.skipIf(skipReason !== null)(
  `last-boot on a saved binary journal${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    it("a rescued disk's journal: its last boot ended in the panic", async () => {
      const dir = writeJournal('rescued', [
        { log: 'boot-clean.log', bootId: 'a1'.repeat(16) },
        { log: 'panic.log', bootId: 'b2'.repeat(16) },
      ]);
      const r = await lastBoot(dir);
      expect(r.rc, r.out).toBe(2);
      expect(r.json).toMatchObject({
        crashed: true,
        from: 'journal',
        class: 'panic',
        title: 'kernel panic: sysrq triggered crash',
        function: 'sysrq_handle_crash',
      });
      const j = r.json.sources.find((s: { kind: string }) => s.kind === 'journal');
      expect(j.origin).toBe(`journalctl -D ${dir} -k -b ${'b2'.repeat(16)}`);
      expect(j.note).toMatch(/^\d+ kernel lines \(boot b2b2b2b2b2b2, the journal's last boot of 2\)$/);
      // One file of it reads the same.
      const f = await lastBoot(join(dir, 'system.journal'));
      expect(f.json).toMatchObject({ crashed: true, title: 'kernel panic: sysrq triggered crash' });
    });

    it("this host's own journal: the boot before the running one", async () => {
      const dir = writeJournal('own', [
        { log: 'panic.log', bootId: 'c3'.repeat(16) },
        { log: 'boot-clean.log', bootId: THIS_BOOT },
      ]);
      const r = await lastBoot(dir);
      expect(r.rc, r.out).toBe(2);
      expect(r.json).toMatchObject({ crashed: true, from: 'journal', function: 'sysrq_handle_crash' });
      expect(r.json.sources.find((s: { kind: string }) => s.kind === 'journal').note).toMatch(/the boot before this one of 2\)$/);
    });

    it('a journal whose last boot powered off: a clean end', async () => {
      const dir = writeJournal('clean', [
        { log: 'panic.log', bootId: 'd4'.repeat(16) },
        { log: 'boot-clean.log', bootId: 'e5'.repeat(16) },
      ]);
      const r = await lastBoot(dir);
      expect(r.rc, r.out).toBe(0);
      expect(r.json).toMatchObject({ crashed: false, from: 'journal' });
      expect(r.json.verdict).toMatch(/^ended cleanly/);
    });

    it('a directory without journal files and a damaged journal file: the reason, and the other sources still read', async () => {
      const empty = join(work, 'empty');
      mkdirSync(empty);
      const e = await lastBoot(empty);
      expect(e.rc, e.out).toBe(0);
      const js = e.json.sources.find((s: { kind: string }) => s.kind === 'journal');
      expect(js).toMatchObject({ found: false });
      expect(js.note).toMatch(/no journal files with boots|No journal files/i);
      expect(e.json.sources.map((s: { kind: string }) => s.kind)).toEqual(['pstore', 'crash-dir', 'journal']);

      // The signature kept, the rest garbage: journalctl refuses it, kerntop says why.
      const bad = join(work, 'bad.journal');
      writeFileSync(bad, Buffer.concat([Buffer.from('LPKSHHRH'), Buffer.alloc(4096, 0x5a)]));
      const b = await lastBoot(bad);
      expect(b.rc, b.out).toBe(0);
      const bs = b.json.sources.find((s: { kind: string }) => s.kind === 'journal');
      expect(bs.found).toBe(false);
      expect(bs.note).toMatch(/journalctl --file .*bad\.journal/);
    });
  },
);
