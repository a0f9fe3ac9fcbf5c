import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanConsole, kernelVersionFromLog } from '../../src/jobs/boot-test/console-clean.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/boot-test/${name}`, import.meta.url), 'latin1');

describe('cleanConsole', () => {
  const raw = fixture('boot-clean.log');
  const c = cleanConsole(raw);

  it('strips CR line endings and firmware escape sequences', () => {
    expect(raw).toContain('\r\n');
    expect(raw).toContain('\x1b[2J');
    expect(c.text).not.toMatch(/[\r\x1b]/);
    expect(c.escapes_removed).toBe(7);
  });

  it('puts the kernel banner on its own line after the firmware screen reset', () => {
    const banner = c.text.split('\n').find((l) => l.includes('Linux version'));
    expect(banner).toMatch(/^\[\s+0\.000000\] Linux version 6\.1\.0-56-amd64 /);
    expect(c.text).toContain('\nProbing EDD (edd=off to disable)... o\n');
  });

  it('drops the lines an in-guest dmesg repeats, keeps what only dmesg printed', () => {
    const count = (re: RegExp) => c.text.split('\n').filter((l) => re.test(l)).length;
    expect(count(/Linux version/)).toBe(1);
    expect(count(/Run \/init as init process/)).toBe(1);
    expect(count(/Command line: console=ttyS0/)).toBe(1);
    expect(c.dmesg_repeats_dropped).toBeGreaterThan(300);
    // KERN_DEBUG lines never reach the console; dmesg is the only place they appear.
    expect(c.text).toContain('[    1.801153]   with arguments:');
    // The guest's own output and the end of the run stay.
    expect(c.text).toContain('LAB-MARKER: dmesg end');
    expect(c.text.trimEnd().endsWith('reboot: Power down')).toBe(true);
  });

  it('keeps stack frames that repeat with the same timestamp inside one report', () => {
    const p = cleanConsole(fixture('panic.log'));
    expect(p.dmesg_repeats_dropped).toBe(0);
    const frames = p.text.split('\n').filter((l) => l.includes('? exit_to_user_mode_prepare+0x44/0x240'));
    expect(frames.length).toBe(3);
  });

  it('reads a plain -serial stdio console unchanged apart from CRs', () => {
    const raw2 = fixture('cloud-boot-tcg.console');
    const c2 = cleanConsole(raw2);
    expect(c2.escapes_removed).toBe(0);
    expect(c2.dmesg_repeats_dropped).toBe(0);
    expect(c2.lines).toBe(raw2.replace(/\r/g, '').trimEnd().split('\n').length);
  });

  it('splits bare carriage returns into lines and drops blank overwrites', () => {
    expect(cleanConsole('Press Ctrl-B...\r      \r\nnext\n').text).toBe('Press Ctrl-B...\nnext\n');
    expect(cleanConsole('').text).toBe('');
  });
});

describe('kernelVersionFromLog', () => {
  it('takes the release from the Linux version banner', () => {
    expect(kernelVersionFromLog(fixture('cloud-boot-tcg.console'))).toBe('6.1.0-56-cloud-amd64');
    expect(kernelVersionFromLog('no banner')).toBeNull();
  });
});
