// Turns what the user named (a source tree, an image file, or the running host's kernel) into one
// bootable image, its architecture and, where the image says it, its version.
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { release } from 'node:os';
import { join, resolve } from 'node:path';
import { ARCHES, archInfo, hostArch, type ArchInfo } from './arch.js';
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

export interface ImageFacts {
  arch: string | null;
  version: string | null;
}

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

/**
 * What the first bytes of an image say: the x86 boot protocol header ("HdrS" at 0x202, with a pointer
 * to the version string at 0x20e), the arm64/riscv Image magic, the arm zImage magic, an ELF vmlinux.
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
    return { arch: 'x86_64', version };
  }
  if (at(0x38, 'ARM\x64')) return { arch: 'arm64', version: null };
  if (at(0x38, 'RSC\x05') || at(0x30, 'RISCV')) return { arch: 'riscv64', version: null };
  if (head.length >= 0x28 && head.readUInt32LE(0x24) === 0x016f2818) return { arch: 'arm', version: null };
  if (at(0, '\x7fELF') && head.length >= 0x14) {
    const little = head[5] === 1;
    const machine = little ? head.readUInt16LE(0x12) : head.readUInt16BE(0x12);
    const a = ARCHES.find((x) => x.elfMachine === machine);
    return { arch: a?.name ?? null, version: null };
  }
  return { arch: null, version: null };
}

/** The architecture a configured tree was built for, from its .config, or null. */
export function archFromConfig(config: string): string | null {
  const set = new Set(config.split('\n').filter((l) => l.endsWith('=y')).map((l) => l.slice(0, -2)));
  // Most specific first: CONFIG_ARM is also set by nothing else, CONFIG_RISCV needs 64BIT, ...
  for (const a of ARCHES) if (a.configSymbols.every((s) => set.has(s))) return a.name;
  return null;
}

function chooseArch(wanted: string | undefined, detected: string | null, where: string): { arch: ArchInfo; from: LocatedKernel['archFrom'] } {
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
  if (!opts.kernel) throw new BootTestSetupError('no kernel named: give --kernel PATH (a built source tree or an image file) or --host-kernel');
  const path = resolve(opts.kernel);
  if (!existsSync(path)) throw new BootTestSetupError(`kernel path ${path} does not exist; give a built kernel source tree or an image file (bzImage, Image, vmlinuz)`);
  if (statSync(path).isDirectory()) return fromTree(path, opts.arch);
  return fromFile(path, opts.arch, 'file');
}

function fromFile(image: string, wanted: string | undefined, origin: 'file' | 'host'): LocatedKernel {
  let facts: ImageFacts;
  try {
    facts = inspectImage(readHead(image, 0x10000));
  } catch (e) {
    throw new BootTestSetupError(`cannot read kernel image ${image}: ${(e as Error).message}${process.getuid?.() !== 0 ? ' (images under /boot are often readable by root only)' : ''}`);
  }
  const { arch, from } = chooseArch(wanted, facts.arch, image);
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
    throw new BootTestSetupError(`no built ${arch.name} image in ${what}: looked for ${arch.images.join(', ')}; build it with '${make}'`);
  }
  const relFile = join(dir, 'include', 'config', 'kernel.release');
  let version = existsSync(relFile) ? readFileSync(relFile, 'utf8').trim() || null : null;
  if (!version) {
    try {
      version = inspectImage(readHead(image, 0x10000)).version;
    } catch {
      version = null;
    }
  }
  return { image, arch, origin: 'tree', version, archFrom: from };
}
