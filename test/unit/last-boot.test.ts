// kerntop last-boot: pstore dumps, the newest /var/crash dmesg and a saved previous-boot journal,
// each read from real files (fixtures copied into a temporary directory, as the kernel lays them out).
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPstore } from '../../src/sources/last-boot/pstore.js';
import { lastBoot } from '../../src/sources/last-boot/index.js';
import { lastBootDiags } from '../../src/sources/last-boot/diag.js';
import { lastBootAlerts } from '../../src/ui/panes/last-boot-alert.js';
import { createStore } from '../../src/store/index.js';
import { summaryText } from '../../src/report/summary.js';
import { lastBootText } from '../../src/cli/commands/last-boot.js';
import { readPreviousBootJournal } from '../../src/sources/last-boot/journal.js';

const fixture = (p: string) => new URL(`../../fixtures/${p}`, import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'kerntop-last-boot-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// The EFI records of a panic on resume (fixtures/pstore/README.md), with the record time pstore gives them.
const CRASH_TIME_MS = Date.UTC(2023, 0, 22, 22, 12, 40);
function efiPstore(): string {
  const dir = join(root, `pstore-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  const src = fixture('pstore/efi-ath11k-resume-panic');
  for (const f of readdirSync(src).filter((f) => f.startsWith('dmesg-'))) {
    copyFileSync(join(src, f), join(dir, f));
    utimesSync(join(dir, f), CRASH_TIME_MS / 1000, CRASH_TIME_MS / 1000);
  }
  return dir;
}
const nowhere = join(root, 'does-not-exist');

describe('pstore records', () => {
  it('joins the parts of one dump, highest part first, into the log in time order', () => {
    const r = readPstore(efiPstore());
    expect(r.error).toBeNull();
    expect(r.dumps).toHaveLength(1);
    const d = r.dumps[0];
    expect(d).toMatchObject({ backend: 'efi', reason: 'Panic', count: 1 });
    expect(d.files).toHaveLength(8);
    expect(d.files[0]).toBe('dmesg-efi-167442556008001');
    expect(d.mtime_ms).toBe(CRASH_TIME_MS);
    const t = d.text;
    expect(t).not.toMatch(/Panic#1 Part/);
    expect(t.indexOf('Waking up from system sleep state S4')).toBeLessThan(t.indexOf('DPM device timeout'));
    expect(t.indexOf('DPM device timeout')).toBeLessThan(t.indexOf('Kernel panic - not syncing'));
    expect(t.indexOf('Kernel panic - not syncing')).toBeLessThan(t.indexOf('Kernel Offset'));
  });
  it('says why when there is no pstore', () => {
    expect(readPstore(nowhere).error).toMatch(/does not exist/);
  });
});

describe('the previous boot, source by source', () => {
  it('a panic kept in pstore', async () => {
    const r = await lastBoot({ pstoreDir: efiPstore(), crashDir: nowhere, journal: 'none', bootStartMs: CRASH_TIME_MS + 60_000 });
    expect(r).toMatchObject({
      crashed: true,
      from: 'pstore',
      class: 'panic',
      title: 'kernel panic: ath11k_pci 0000:01:00.0: unrecoverable failure',
    });
    expect(r.sources.find((s) => s.kind === 'pstore')).toMatchObject({
      found: true,
      time_ms: CRASH_TIME_MS,
      note: 'Panic#1, 8 parts (efi)',
    });
    expect(lastBootText(r)).toMatch(/^last boot: ended in a crash: kernel panic: ath11k_pci/);
  });

  it('a ramoops dump a QEMU guest wrote and read back (fixtures/pstore/README.md)', async () => {
    const dir = join(root, 'ramoops');
    mkdirSync(dir);
    copyFileSync(fixture('pstore/qemu-ramoops-sysrq/dmesg-ramoops-0'), join(dir, 'dmesg-ramoops-0'));
    const r = await lastBoot({ pstoreDir: dir, crashDir: nowhere, journal: 'none' });
    expect(r).toMatchObject({
      crashed: true,
      from: 'pstore',
      title: 'kernel panic: sysrq triggered crash',
      function: 'sysrq_handle_crash',
    });
    expect(r.sources[0].note).toBe('Panic#1, 1 part (ramoops)');
  });

  it("a record written days before this boot began is an older boot's, not the last boot's", async () => {
    const r = await lastBoot({
      pstoreDir: efiPstore(),
      crashDir: nowhere,
      journal: 'none',
      bootStartMs: CRASH_TIME_MS + 3 * 86_400_000,
    });
    expect(r.crashed).toBe(false);
    expect(r.verdict).toBe(
      "unknown: only an older boot's crash record (pstore: kernel panic: ath11k_pci 0000:01:00.0: unrecoverable failure)",
    );
    expect(r.sources[0]).toMatchObject({ stale: true, crashed: true });
    expect(r.sources[0].note).toMatch(/written 3 days before this boot began/);
  });

  it('the newest dump in /var/crash (kdump-tools layout)', async () => {
    const crash = join(root, 'var-crash');
    for (const [stamp, log] of [
      ['202301010000', 'boot-clean.log'],
      ['202301222212', 'panic.log'],
    ] as const) {
      mkdirSync(join(crash, stamp), { recursive: true });
      writeFileSync(join(crash, stamp, `dmesg.${stamp}`), readFileSync(fixture(`kernel-logs/${log}`)));
      const t = Date.UTC(Number(stamp.slice(0, 4)), Number(stamp.slice(4, 6)) - 1, Number(stamp.slice(6, 8))) / 1000;
      utimesSync(join(crash, stamp, `dmesg.${stamp}`), t, t);
    }
    const r = await lastBoot({ pstoreDir: nowhere, crashDir: crash, journal: 'none', bootStartMs: Date.UTC(2023, 0, 22, 12) });
    expect(r).toMatchObject({
      crashed: true,
      from: 'crash-dir',
      title: 'kernel panic: sysrq triggered crash',
      function: 'sysrq_handle_crash',
    });
    expect(r.sources.find((s) => s.kind === 'crash-dir')?.origin).toMatch(/202301222212\/dmesg\.202301222212$/);
  });

  it('a saved previous-boot journal that holds the crash', async () => {
    // Kernel lines in journalctl's short (syslog) form, from a real report (crash-corpus SOURCES.md).
    const r = await lastBoot({
      pstoreDir: nowhere,
      crashDir: nowhere,
      journal: { file: fixture('crash-corpus/crash/linux-media-oops-request-firmware-syslog-wrapped.log') },
    });
    expect(r.crashed).toBe(true);
    expect(r.from).toBe('journal');
    expect(r.title).toBe('Oops in _request_firmware');
  });

  it('a journal that ends with the kernel powering off: a clean end', async () => {
    const r = await lastBoot({ pstoreDir: nowhere, crashDir: nowhere, journal: { file: fixture('kernel-logs/boot-clean.log') } });
    expect(r).toMatchObject({ crashed: false, from: 'journal' });
    expect(r.verdict).toMatch(/^ended cleanly/);
  });

  it('no source at all: unknown, and each source says why', async () => {
    const r = await lastBoot({ pstoreDir: nowhere, crashDir: nowhere, journal: { file: join(nowhere, 'journal.txt') } });
    expect(r).toMatchObject({ crashed: false, from: null });
    expect(r.verdict).toMatch(/^unknown/);
    for (const s of r.sources) expect(s.note).toMatch(/does not exist|cannot read/);
  });
});

describe('journalctl on this host', () => {
  it("gives the previous boot's kernel lines, or says in its own words why it cannot", async () => {
    const j = await readPreviousBootJournal({ timeout_ms: 10_000 });
    expect(j.origin).toBe('journalctl -k -b -1');
    if (j.text === null) expect(j.error).toMatch(/journal|boot|not found/i);
    else expect(j.error).toBeNull();
  });
});

describe("the monitor's line about it", () => {
  it('a warning diagnostic that the header shows and the quiet summary lists', async () => {
    const diags = await lastBootDiags(
      { pstoreDir: efiPstore(), crashDir: nowhere, journal: 'none', bootStartMs: CRASH_TIME_MS + 60_000 },
      1000,
    );
    expect(diags).toHaveLength(1);
    expect(diags[0]).toMatchObject({ type: 'source.diag', source: 'last-boot', level: 'warning' });
    const store = createStore(undefined, 1000);
    store.dispatch(diags[0]);
    const text = summaryText(store.state, { histograms: false });
    expect(text).toContain('warning: last boot ended in a crash: kernel panic: ath11k_pci 0000:01:00.0: unrecoverable failure');
    expect(lastBootAlerts({ diags: store.state.diags.toArray() } as never)).toEqual([
      'last boot ended in a crash: kernel panic: ath11k_pci 0000:01:00.0: unrecoverable failure',
    ]);
  });
  it('nothing when the last boot did not crash', async () => {
    expect(
      await lastBootDiags({ pstoreDir: nowhere, crashDir: nowhere, journal: { file: fixture('kernel-logs/boot-clean.log') } }),
    ).toEqual([]);
  });
});
