import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectDump, parseVmcoreinfo } from '../../src/jobs/vmcore/dumpfile.js';

const fx = (f: string) => join(__dirname, '..', '..', 'fixtures', 'vmcore', f);

describe('inspectDump on real QEMU dump headers', () => {
  it('reads VMCOREINFO, release and build id, and sees that only the headers are there', async () => {
    const d = await inspectDump(fx('qemu-elf-paging-headers.bin'));
    expect(d.format).toBe('elf');
    expect(d.producer).toBe('qemu');
    expect(d.release).toBe('6.1.0-56-cloud-amd64');
    expect(d.build_id).toBe('3b43fad5034874490492495d552c0af6a5fab235');
    expect(d.cpus).toBe(1);
    expect(d.vmcoreinfo['SYMBOL(prb)']).toBe('ffffffff9c4622c0');
    expect(d.vmcoreinfo_text).toBe(readFileSync(fx('vmcoreinfo-6.1.0-56-cloud-amd64.txt'), 'utf8').replace(/\n$/, ''));
    // The fixture is the dump cut before its first memory segment: a truncated dump.
    expect(d.expected_bytes).toBe(536627976);
    const t = d.problems.find((p) => p.kind === 'truncated');
    expect(t?.fatal).toBe(false);
    expect(t?.message).toMatch(/is truncated: its headers describe 536627976 bytes but the file has 11016 \(0\.0%\)/);
  });

  it('explains a QEMU dump without VMCOREINFO: -device vmcoreinfo and qemu_fw_cfg', async () => {
    const d = await inspectDump(fx('qemu-elf-no-vmcoreinfo-headers.bin'));
    expect(d.vmcoreinfo_text).toBeNull();
    const p = d.problems.find((x) => x.kind === 'no_vmcoreinfo');
    expect(p?.fatal).toBe(true);
    expect(p?.message).toMatch(/QEMU dump without a VMCOREINFO note/);
    expect(p?.message).toMatch(/-device vmcoreinfo/);
    expect(p?.message).toMatch(/qemu_fw_cfg/);
  });
});

describe('inspectDump on files that are not dumps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kerntop-vmcore-unit-'));
  it('a text file: not a vmcore, with its first bytes', async () => {
    const p = join(dir, 'dmesg.txt');
    writeFileSync(p, readFileSync(fx('dmesg-sysrq-crash.txt')));
    const d = await inspectDump(p);
    expect(d.problems).toHaveLength(1);
    expect(d.problems[0]).toMatchObject({ kind: 'not_vmcore', fatal: true });
    expect(d.problems[0].message).toMatch(/is not a vmcore: it starts with 5b20202020302e30/);
  });
  it('an empty file, a directory, a missing path', async () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    expect((await inspectDump(empty)).problems[0].kind).toBe('empty');
    expect((await inspectDump(dir)).problems[0].message).toMatch(/is not a regular file but a directory/);
    expect((await inspectDump(join(dir, 'nope'))).problems[0].kind).toBe('not_found');
  });
  it('an ELF that is not a core (a vmlinux passed as --vmcore)', async () => {
    const d = await inspectDump(process.execPath);
    expect(d.problems[0].kind).toBe('not_vmcore');
    expect(d.problems[0].message).toMatch(/an executable: is this the vmlinux\? pass it with --vmlinux/);
  });
});

it('parseVmcoreinfo keeps every KEY=VALUE line', () => {
  const v = parseVmcoreinfo(readFileSync(fx('vmcoreinfo-6.1.0-56-cloud-amd64.txt'), 'utf8'));
  expect(v.OSRELEASE).toBe('6.1.0-56-cloud-amd64');
  expect(v.PAGESIZE).toBe('4096');
  expect(v['OFFSET(printk_info.text_len)']).toBe('16');
});

describe('kdump formats, from a real QEMU kdump-zlib dump', () => {
  it('kdump-compressed (after makedumpfile -R): release, build id and VMCOREINFO from its headers', async () => {
    const d = await inspectDump(fx('qemu-kdump-zlib-unflattened-headers.bin'));
    expect(d.format).toBe('kdump-compressed');
    expect(d.release).toBe('6.1.0-56-cloud-amd64');
    expect(d.build_id).toBe('3b43fad5034874490492495d552c0af6a5fab235');
    expect(d.cpus).toBe(1);
    expect(d.vmcoreinfo['SYMBOL(prb)']).toBeDefined();
    expect(d.problems).toEqual([]);
  });
  it('the flattened stream QEMU 7.2 writes: says how to rebuild it', async () => {
    const d = await inspectDump(fx('qemu-kdump-zlib-flattened-head.bin'));
    expect(d.format).toBe('makedumpfile-flattened');
    expect(d.problems[0]).toMatchObject({ kind: 'flattened', fatal: true });
    expect(d.problems[0].message).toMatch(/makedumpfile -R .* < /);
  });
});

describe('inspectDump on a dump damaged inside its headers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kerntop-vmcore-corrupt-'));
  const real = readFileSync(fx('qemu-elf-paging-headers.bin'));
  it('cut short inside the program headers: corrupt, fatal, says to copy it again', async () => {
    const p = join(dir, 'cut');
    writeFileSync(p, real.subarray(0, 100));
    const d = await inspectDump(p);
    expect(d.problems).toHaveLength(1);
    expect(d.problems[0]).toMatchObject({ kind: 'corrupt', fatal: true });
    expect(d.problems[0].message).toMatch(
      /ends inside its own headers \(program headers cut short; the file has 100 bytes\).*Copy it again/,
    );
  });
  it('ELF magic followed by random bytes: damaged headers, not "truncated"', async () => {
    const p = join(dir, 'random');
    const junk = Buffer.alloc(4096);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 2654435761) >>> 24; // deterministic noise
    junk.write('\x7fELF', 0, 'latin1');
    junk[4] = 1; // ELFCLASS32: what a random fifth byte gives most of the time
    writeFileSync(p, junk);
    const d = await inspectDump(p);
    expect(d.problems[0]).toMatchObject({ kind: 'corrupt', fatal: true });
    expect(d.problems[0].message).toMatch(/has damaged headers \(not a 64-bit ELF.*not a usable vmcore/);
  });
});
