import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { archInfo, hostArch } from '../../src/jobs/boot-test/arch.js';
import { BootTestSetupError } from '../../src/jobs/boot-test/errors.js';
import { archFromConfig, inspectImage, locateKernel } from '../../src/jobs/boot-test/kernel-locate.js';

const fx = (name: string) => new URL(`../../fixtures/boot-test/${name}`, import.meta.url).pathname;
const head = readFileSync(fx('vmlinuz-6.1.0-56-cloud-amd64.head'));
const tmp = mkdtempSync(join(tmpdir(), 'kerntop-locate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function setupError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BootTestSetupError);
    return (e as Error).message;
  }
  throw new Error('no error thrown');
}

describe('inspectImage', () => {
  it("reads arch and version from Debian's bzImage header", () => {
    expect(inspectImage(head)).toEqual({ arch: 'x86_64', version: '6.1.0-56-cloud-amd64', format: 'bzImage' });
  });
  it('knows the arm64 Image and riscv Image magics and ELF machines', () => {
    const arm64 = Buffer.alloc(64);
    arm64.write('ARM\x64', 0x38, 'latin1');
    expect(inspectImage(arm64).arch).toBe('arm64');
    const rv = Buffer.alloc(64);
    rv.write('RSC\x05', 0x38, 'latin1');
    expect(inspectImage(rv).arch).toBe('riscv64');
    const elf = Buffer.alloc(64);
    elf.write('\x7fELF', 0, 'latin1');
    elf[4] = 2;
    elf[5] = 1;
    elf.writeUInt16LE(0xb7, 0x12);
    expect(inspectImage(elf).arch).toBe('arm64');
    expect(inspectImage(Buffer.from('garbage')).arch).toBeNull();
  });
});

describe('archFromConfig', () => {
  it("takes x86_64 from the Debian kernel's config", () => {
    expect(archFromConfig(readFileSync(fx('config-6.1.0-56-cloud-amd64.excerpt'), 'utf8'))).toBe('x86_64');
  });
  it('tells a cross-compiled arm64 or riscv64 tree apart', () => {
    expect(archFromConfig('CONFIG_ARM64=y\nCONFIG_64BIT=y\n')).toBe('arm64');
    expect(archFromConfig('CONFIG_RISCV=y\nCONFIG_64BIT=y\n')).toBe('riscv64');
    expect(archFromConfig('# nothing\n')).toBeNull();
  });
});

describe('locateKernel', () => {
  it('takes an image file and its header version', () => {
    const img = join(tmp, 'vmlinuz');
    copyFileSync(fx('vmlinuz-6.1.0-56-cloud-amd64.head'), img);
    const k = locateKernel({ kernel: img });
    expect(k).toMatchObject({ image: img, origin: 'file', version: '6.1.0-56-cloud-amd64', archFrom: 'image' });
    expect(k.arch.name).toBe('x86_64');
  });

  it('refuses an --arch that contradicts the image', () => {
    const img = join(tmp, 'vmlinuz');
    copyFileSync(fx('vmlinuz-6.1.0-56-cloud-amd64.head'), img);
    expect(setupError(() => locateKernel({ kernel: img, arch: 'arm64' }))).toMatch(
      /x86_64 kernel but --arch arm64.*use --arch x86_64/,
    );
  });

  it("finds a built tree's image and kernel.release", () => {
    const tree = join(tmp, 'linux');
    mkdirSync(join(tree, 'arch', 'x86', 'boot'), { recursive: true });
    mkdirSync(join(tree, 'include', 'config'), { recursive: true });
    writeFileSync(join(tree, 'Makefile'), '');
    copyFileSync(fx('config-6.1.0-56-cloud-amd64.excerpt'), join(tree, '.config'));
    copyFileSync(fx('vmlinuz-6.1.0-56-cloud-amd64.head'), join(tree, 'arch', 'x86', 'boot', 'bzImage'));
    writeFileSync(join(tree, 'include', 'config', 'kernel.release'), '6.1.192-custom\n');
    const k = locateKernel({ kernel: tree });
    expect(k).toMatchObject({ origin: 'tree', version: '6.1.192-custom', archFrom: 'config' });
    expect(k.image).toBe(join(tree, 'arch', 'x86', 'boot', 'bzImage'));
  });

  it('says how to build a tree that has no image, cross-compiling for a foreign arch', () => {
    const tree = join(tmp, 'linux-arm64');
    mkdirSync(join(tree, 'arch'), { recursive: true });
    writeFileSync(join(tree, 'Makefile'), '');
    writeFileSync(join(tree, '.config'), 'CONFIG_ARM64=y\n');
    const msg = setupError(() => locateKernel({ kernel: tree }));
    expect(msg).toContain('arch/arm64/boot/Image');
    if (hostArch() !== 'arm64') expect(msg).toContain('make ARCH=arm64 CROSS_COMPILE=');
  });

  it('names the fix for a missing path, no kernel at all, and a missing host kernel', () => {
    expect(setupError(() => locateKernel({ kernel: join(tmp, 'nope') }))).toMatch(/does not exist/);
    expect(setupError(() => locateKernel({}))).toMatch(/--kernel PATH.*--host-kernel/);
    if (!existsSync(`/boot/vmlinuz-${release()}`)) {
      expect(setupError(() => locateKernel({ hostKernel: true }))).toMatch(
        new RegExp(`/boot/vmlinuz-${release().replace(/\./g, '\\.')} does not exist.*--kernel PATH`),
      );
    }
  });

  it('refuses what is not a kernel image before anything boots, saying what it is', () => {
    const text = join(tmp, 'notes.txt');
    writeFileSync(text, 'this is a text file\n');
    expect(setupError(() => locateKernel({ kernel: text }))).toMatch(
      /notes\.txt is not a kernel image: it starts with 7468697320697320 \("this is a text f"\), not a bzImage \("HdrS" setup header\), an ELF vmlinux/,
    );
    const empty = join(tmp, 'empty');
    writeFileSync(empty, '');
    expect(setupError(() => locateKernel({ kernel: empty }))).toMatch(/empty is not a kernel image: it is empty/);
    // A real program and a real kernel module are ELF files too, but no kernel.
    expect(setupError(() => locateKernel({ kernel: process.execPath }))).toMatch(
      /is not a kernel image: it is a dynamically linked program/,
    );
    const ko = Buffer.alloc(64);
    ko.write('\x7fELF', 0, 'latin1');
    ko[4] = 2;
    ko[5] = 1;
    ko.writeUInt16LE(1, 0x10); // ET_REL
    ko.writeUInt16LE(0x3e, 0x12);
    writeFileSync(join(tmp, 'mod.ko'), ko);
    expect(setupError(() => locateKernel({ kernel: join(tmp, 'mod.ko') }))).toMatch(/relocatable object \(a kernel module/);
    // A tree whose image is junk is refused the same way.
    const tree = join(tmp, 'linux-junk');
    mkdirSync(join(tree, 'arch', 'x86', 'boot'), { recursive: true });
    writeFileSync(join(tree, 'Makefile'), '');
    writeFileSync(join(tree, 'arch', 'x86', 'boot', 'bzImage'), 'not built\n');
    expect(setupError(() => locateKernel({ kernel: tree, arch: 'x86_64' }))).toMatch(/bzImage is not a kernel image/);
  });

  it('takes a gzip-compressed Image where QEMU boots one (arm64) and refuses it for x86_64', () => {
    const gz = join(tmp, 'Image.gz');
    writeFileSync(gz, Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]));
    expect(locateKernel({ kernel: gz, arch: 'arm64' })).toMatchObject({ image: gz, archFrom: 'option' });
    expect(setupError(() => locateKernel({ kernel: gz, arch: 'x86_64' }))).toMatch(
      /is a gzip-compressed file, which QEMU does not boot for x86_64/,
    );
    // An arm64 EFI zboot image ("MZ", "zimg", PE machine 0xaa64) names its own arch, whatever the host.
    const zboot = Buffer.alloc(0x100);
    zboot.write('MZ', 0, 'latin1');
    zboot.write('zimg', 4, 'latin1');
    zboot.writeUInt32LE(0x80, 0x3c);
    zboot.write('PE\0\0', 0x80, 'latin1');
    zboot.writeUInt16LE(0xaa64, 0x84);
    writeFileSync(join(tmp, 'vmlinuz.efi'), zboot);
    expect(locateKernel({ kernel: join(tmp, 'vmlinuz.efi') })).toMatchObject({ archFrom: 'image' });
    expect(locateKernel({ kernel: join(tmp, 'vmlinuz.efi') }).arch.name).toBe('arm64');
    const s390 = Buffer.alloc(0x10010);
    s390.write('S390EP', 0x10008, 'latin1');
    expect(inspectImage(s390)).toMatchObject({ arch: 's390x', format: 's390 image' });
  });

  it('knows aliases', () => {
    expect(archInfo('aarch64')?.qemu).toBe('qemu-system-aarch64');
    expect(archInfo('amd64')?.name).toBe('x86_64');
    expect(archInfo('mips')).toBeUndefined();
  });
});
