// Turns what the user named (a source tree, an image file, or the running host's kernel) into one
// bootable image, its architecture and, where the image says it, its version.
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { release } from 'node:os';
import { join, resolve } from 'node:path';
import { ARCHES, archInfo, bootsCompressedImage, hostArch, type ArchInfo } from './arch.js';
import { BootTestSetupError } from './errors.js';

export interface LocatedKernel {
  image: string;
  arch: ArchInfo;
  origin: 'tree' | 'file' | 'host';
  /** From the image header (x86 bzImage) or the tree's include/config/kernel.release; null if unknown. */
  version: string | null;
  /** Why the architecture was chosen, for the report. */
  archFrom: 'option' | 'config' | 'image' | 'host';
}

/** The kernel image formats QEMU's -kernel (and vng) boot, as their first bytes tell them. */
export type ImageFormat = 'bzImage' | 'elf' | 'arm64 Image' | 'riscv Image' | 'arm zImage' | 's390 image' | 'gzip' | 'EFI zboot';

export interface ImageFacts {
  arch: string | null;
  version: string | null;
  /** null: none of the formats above; not a kernel image. */
  format: ImageFormat | null;
  /** Set when the bytes are a known format that is not a kernel (an ELF module, core dump, program). */
  notKernel?: string;
}

/** Bytes read from the start of an image: the s390 signature sits at 0x10008. */
export const IMAGE_HEAD_BYTES = 0x10010;

function readHead(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

const ET_REL = 1;
const ET_CORE = 4;
const PT_INTERP = 3;

function inspectElf(head: Buffer): ImageFacts {
  const little = head[5] === 1;
  const u16 = (o: number) => (little ? head.readUInt16LE(o) : head.readUInt16BE(o));
  const type = u16(0x10);
  const machine = u16(0x12);
  const a = ARCHES.find((x) => x.elfMachine === machine);
  const facts: ImageFacts = { arch: a?.name ?? null, version: null, format: 'elf' };
  if (type === ET_REL) facts.notKernel = 'an ELF relocatable object (a kernel module or a .o), not a vmlinux';
  else if (type === ET_CORE) facts.notKernel = 'an ELF core dump (a vmcore?), not a vmlinux';
  else if (head[4] === 2 && head.length >= 0x40) {
    // A program with a dynamic loader (PT_INTERP) is no kernel; a vmlinux (ET_EXEC, or ET_DYN on arm64) has none.
    const phoff = Number(little ? head.readBigUInt64LE(0x20) : head.readBigUInt64BE(0x20));
    const phentsize = u16(0x36);
    const phnum = u16(0x38);
    for (let i = 0; i < phnum && phoff + (i + 1) * phentsize <= head.length && phentsize >= 4; i++) {
      const o = phoff + i * phentsize;
      if ((little ? head.readUInt32LE(o) : head.readUInt32BE(o)) === PT_INTERP) {
        facts.notKernel = 'a dynamically linked program, not a vmlinux';
        break;
      }
    }
  }
  return facts;
}

/**
 * What the first bytes of an image say: the x86 boot protocol header ("HdrS" at 0x202, with a pointer
 * to the version string at 0x20e), the arm64/riscv Image magic, the arm zImage magic, the s390
 * "S390EP" signature, an ELF vmlinux, a gzip-compressed Image, an EFI zboot image ("zimg").
 */
export function inspectImage(head: Buffer): ImageFacts {
  const at = (off: number, s: string) => head.length >= off + s.length && head.toString('latin1', off, off + s.length) === s;
  if (at(0x202, 'HdrS')) {
    let version: string | null = null;
    if (head.length >= 0x210) {
      const ptr = head.readUInt16LE(0x20e);
      const off = ptr + 0x200;
      if (ptr && off < head.length) {
        const end = head.indexOf(0, off);
        const s = head.toString('latin1', off, end < 0 ? Math.min(head.length, off + 256) : end);
        version = s.split(' ')[0] || null;
      }
    }
    return { arch: 'x86_64', version, format: 'bzImage' };
  }
  if (at(0x38, 'ARM\x64')) return { arch: 'arm64', version: null, format: 'arm64 Image' };
  if (at(0x38, 'RSC\x05') || at(0x30, 'RISCV')) return { arch: 'riscv64', version: null, format: 'riscv Image' };
  if (head.length >= 0x28 && head.readUInt32LE(0x24) === 0x016f2818) return { arch: 'arm', version: null, format: 'arm zImage' };
  if (at(0x10008, 'S390EP')) return { arch: 's390x', version: null, format: 's390 image' };
  if (at(0, '\x7fELF') && head.length >= 0x14) return inspectElf(head);
  if (at(0, 'MZ') && at(4, 'zimg') && head.length >= 0x40) {
    // PE machine at the PE header (pointer at 0x3c) + 4.
    const pe = head.readUInt32LE(0x3c);
    const machine = pe + 6 <= head.length ? head.readUInt16LE(pe + 4) : 0;
    return { arch: machine === 0xaa64 ? 'arm64' : machine === 0x5064 ? 'riscv64' : null, version: null, format: 'EFI zboot' };
  }
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return { arch: null, version: null, format: 'gzip' };
  return { arch: null, version: null, format: null };
}

function describeHead(head: Buffer): string {
  if (head.length === 0) return 'is empty';
  const text = head
    .subarray(0, 16)
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, '.');
  return `starts with ${head.subarray(0, 8).toString('hex')} ("${text}")`;
}

/** Refuses, before QEMU starts, what no QEMU would boot; the message says what a kernel image looks like. */
function checkImage(image: string, head: Buffer, facts: ImageFacts, arch: ArchInfo | null): void {
  const give = `give the image the kernel build leaves (${arch ? arch.images.join(', ') : 'arch/ARCH/boot/...'}), /boot/vmlinuz-<release>, or a built source tree`;
  if (facts.format === null) {
    throw new BootTestSetupError(
      `${image} is not a kernel image: it ${describeHead(head)}, not a bzImage ("HdrS" setup header), an ELF vmlinux, an arm64/riscv Image, an arm zImage or a compressed Image; ${give}`,
    );
  }
  if (facts.notKernel) throw new BootTestSetupError(`${image} is not a kernel image: it is ${facts.notKernel}; ${give}`);
  if (arch && (facts.format === 'gzip' || facts.format === 'EFI zboot') && !bootsCompressedImage(arch)) {
    throw new BootTestSetupError(
      `${image} is a ${facts.format === 'gzip' ? 'gzip-compressed' : facts.format} file, which QEMU does not boot for ${arch.name}; ${give}`,
    );
  }
}

/** The architecture a configured tree was built for, from its .config, or null. */
export function archFromConfig(config: string): string | null {
  const set = new Set(
    config
      .split('\n')
      .filter((l) => l.endsWith('=y'))
      .map((l) => l.slice(0, -2)),
  );
  // Most specific first: CONFIG_ARM is also set by nothing else, CONFIG_RISCV needs 64BIT, ...
  for (const a of ARCHES) if (a.configSymbols.every((s) => set.has(s))) return a.name;
  return null;
}

function chooseArch(
  wanted: string | undefined,
  detected: string | null,
  where: string,
): { arch: ArchInfo; from: LocatedKernel['archFrom'] } {
  if (wanted) {
    const arch = archInfo(wanted);
    if (!arch) throw new BootTestSetupError(`unknown architecture "${wanted}"; known: ${ARCHES.map((a) => a.name).join(', ')}`);
    if (detected && detected !== arch.name) {
      throw new BootTestSetupError(`${where} is a ${detected} kernel but --arch ${arch.name} was given; use --arch ${detected}`);
    }
    return { arch, from: 'option' };
  }
  if (detected) return { arch: archInfo(detected)!, from: where.endsWith('.config') ? 'config' : 'image' };
  const host = archInfo(hostArch());
  if (!host) throw new BootTestSetupError(`cannot tell the architecture of ${where}; name it with --arch`);
  return { arch: host, from: 'host' };
}

export function locateKernel(opts: { kernel?: string; hostKernel?: boolean; arch?: string }): LocatedKernel {
  if (opts.hostKernel) {
    const image = `/boot/vmlinuz-${release()}`;
    if (!existsSync(image)) {
      throw new BootTestSetupError(
        `the running kernel's image ${image} does not exist (this host boots a kernel that is not installed under /boot); ` +
          'name one with --kernel PATH (a built source tree or an image file)',
      );
    }
    return fromFile(image, opts.arch, 'host');
  }
  if (!opts.kernel)
    throw new BootTestSetupError('no kernel named: give --kernel PATH (a built source tree or an image file) or --host-kernel');
  const path = resolve(opts.kernel);
  if (!existsSync(path))
    throw new BootTestSetupError(
      `kernel path ${path} does not exist; give a built kernel source tree or an image file (bzImage, Image, vmlinuz)`,
    );
  if (statSync(path).isDirectory()) return fromTree(path, opts.arch);
  return fromFile(path, opts.arch, 'file');
}

function readImageHead(image: string): Buffer {
  try {
    return readHead(image, IMAGE_HEAD_BYTES);
  } catch (e) {
    throw new BootTestSetupError(
      `cannot read kernel image ${image}: ${(e as Error).message}${process.getuid?.() !== 0 ? ' (images under /boot are often readable by root only)' : ''}`,
    );
  }
}

function fromFile(image: string, wanted: string | undefined, origin: 'file' | 'host'): LocatedKernel {
  const head = readImageHead(image);
  const facts = inspectImage(head);
  // Not a kernel: say so before an architecture is even guessed (a text file has none).
  if (facts.format === null || facts.notKernel) checkImage(image, head, facts, archInfo(wanted ?? hostArch()) ?? null);
  const { arch, from } = chooseArch(wanted, facts.arch, image);
  checkImage(image, head, facts, arch);
  return { image, arch, origin, version: facts.version, archFrom: from };
}

function fromTree(dir: string, wanted: string | undefined): LocatedKernel {
  const configPath = join(dir, '.config');
  const looksLikeTree = existsSync(join(dir, 'Makefile')) && existsSync(join(dir, 'arch'));
  const config = existsSync(configPath) ? readFileSync(configPath, 'utf8') : null;
  const detected = config ? archFromConfig(config) : null;
  const { arch, from } = chooseArch(wanted, detected, config ? configPath : dir);
  const image = arch.images.map((p) => join(dir, p)).find((p) => existsSync(p));
  if (!image) {
    const what = looksLikeTree ? `the source tree ${dir}` : `${dir} (not a kernel source tree: no Makefile and arch/)`;
    const make = arch.name === hostArch() ? 'make -j$(nproc)' : `make ARCH=${arch.srcArch} CROSS_COMPILE=<prefix> -j$(nproc)`;
    throw new BootTestSetupError(
      `no built ${arch.name} image in ${what}: looked for ${arch.images.join(', ')}; build it with '${make}'`,
    );
  }
  const head = readImageHead(image);
  const facts = inspectImage(head);
  checkImage(image, head, facts, arch);
  const relFile = join(dir, 'include', 'config', 'kernel.release');
  const version = (existsSync(relFile) ? readFileSync(relFile, 'utf8').trim() || null : null) ?? facts.version;
  return { image, arch, origin: 'tree', version, archFrom: from };
}
