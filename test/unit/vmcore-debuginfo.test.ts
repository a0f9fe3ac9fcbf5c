import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type VmlinuxIdentity, candidatePaths, compare, decompressTo, identifyVmlinux } from '../../src/jobs/vmcore/debuginfo.js';

const REL = '6.1.0-56-cloud-amd64';
const BID = '3b43fad5034874490492495d552c0af6a5fab235';
const dump = { release: REL, build_id: BID };
const id = (o: Partial<VmlinuxIdentity>): VmlinuxIdentity => ({
  path: '/x',
  elf: true,
  build_id: BID,
  release: REL,
  has_dwarf: true,
  ...o,
});

describe('where a vmlinux is looked for', () => {
  it('explicit, then --debuginfo-dir trees, then the system debug dirs, then beside the dump (compressed too)', () => {
    const c = candidatePaths({
      vmlinux: '/v/vmlinux',
      debuginfoDirs: ['/d'],
      dumpPath: '/var/crash/202611241930/dump.202611241930',
      release: REL,
      buildId: BID,
    });
    const paths = c.map((x) => x.path);
    expect(c[0]).toEqual({ path: '/v/vmlinux', origin: '--vmlinux' });
    expect(paths).toContain(`/d/vmlinux-${REL}.zst`);
    expect(paths).toContain(`/d/usr/lib/debug/boot/vmlinux-${REL}`);
    expect(paths).toContain(`/d/.build-id/3b/${BID.slice(2)}.debug`);
    const sys1 = paths.indexOf(`/usr/lib/debug/boot/vmlinux-${REL}`);
    const sys2 = paths.indexOf(`/usr/lib/debug/lib/modules/${REL}/vmlinux`);
    const beside = paths.indexOf(`/var/crash/202611241930/vmlinux-${REL}.gz`);
    expect(sys1).toBeGreaterThan(paths.indexOf(`/d/vmlinux-${REL}`));
    expect(sys2).toBeGreaterThan(sys1);
    expect(beside).toBeGreaterThan(sys2);
    for (const ext of ['', '.gz', '.xz', '.zst']) expect(paths).toContain(`/var/crash/202611241930/vmlinux-${REL}${ext}`);
    expect(new Set(paths).size).toBe(paths.length);
  });
});

describe('matching a vmlinux to the dump', () => {
  it('build id decides when both have one', () => {
    expect(compare(dump, id({})).verdict).toBe('match');
    const other = compare(dump, id({ build_id: 'be80279be0383f6dbea0d4cedb91714bdff3a72b', release: '6.1.0-55-cloud-amd64' }));
    expect(other.verdict).toBe('mismatch');
    expect(other.reason).toBe(
      `is another kernel (release 6.1.0-55-cloud-amd64, build id be80279be0383f6dbea0d4cedb91714bdff3a72b); the dump is release ${REL}, build id ${BID}`,
    );
  });
  it('the release decides for kernels without a build id in VMCOREINFO (before 5.9)', () => {
    expect(compare({ release: REL, build_id: null }, id({})).by).toBe('release');
    expect(compare({ release: '5.4.0', build_id: null }, id({})).verdict).toBe('mismatch');
  });
  it('a stripped image is not debuginfo', () => {
    expect(compare(dump, id({ has_dwarf: false })).reason).toMatch(/no DWARF debuginfo.*linux-image-<release>-dbg/);
  });
  it('identifies an ELF without DWARF (/usr/bin/true) as no_debuginfo', async () => {
    const i = await identifyVmlinux('/usr/bin/true');
    expect(i.elf).toBe(true);
    expect(i.has_dwarf).toBe(false);
    expect(compare(dump, i).verdict).toBe('no_debuginfo');
  });
});

it('decompresses vmlinux-REL.gz beside a dump into a private file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kerntop-vmcore-unit-'));
  const body = readFileSync(join(__dirname, '..', '..', 'fixtures', 'vmcore', 'dmesg-sysrq-crash.txt'));
  writeFileSync(join(dir, `vmlinux-${REL}.gz`), gzipSync(body));
  const out = await decompressTo(join(dir, `vmlinux-${REL}.gz`), mkdtempSync(join(tmpdir(), 'kerntop-vmcore-unit-')));
  expect(out.endsWith(`/vmlinux-${REL}`)).toBe(true);
  expect(readFileSync(out).equals(body)).toBe(true);
});
