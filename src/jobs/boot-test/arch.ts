// What booting each architecture takes: the QEMU binary and its Debian package, the serial console
// the kernel must write to, the machine model, and where `make` leaves the image in a source tree.
// Names follow the kernel's own (x86_64, arm64, ...); Debian's and QEMU's spellings are aliases.

export interface ArchInfo {
  name: string;
  /** Directory under arch/ in a kernel source tree. */
  srcArch: string;
  qemu: string;
  /** Debian package that ships `qemu`. */
  qemuPackage: string;
  console: string;
  /** Machine options under TCG; KVM adds `-cpu host` where the model needs it. */
  machine: string[];
  /** Images `make` leaves, relative to the tree root, best first. */
  images: string[];
  /** Debian architecture, for the busybox-static package of that architecture. */
  debArch: string;
  /** .config symbols that say a tree was configured for this architecture (all must be =y). */
  configSymbols: string[];
  /** ELF e_machine of a vmlinux for this architecture. */
  elfMachine: number;
}

export const ARCHES: readonly ArchInfo[] = [
  {
    name: 'x86_64',
    srcArch: 'x86',
    qemu: 'qemu-system-x86_64',
    qemuPackage: 'qemu-system-x86',
    console: 'ttyS0',
    machine: [],
    images: ['arch/x86/boot/bzImage', 'arch/x86_64/boot/bzImage'],
    debArch: 'amd64',
    configSymbols: ['CONFIG_X86_64'],
    elfMachine: 0x3e,
  },
  {
    name: 'arm64',
    srcArch: 'arm64',
    qemu: 'qemu-system-aarch64',
    qemuPackage: 'qemu-system-arm',
    console: 'ttyAMA0',
    machine: ['-M', 'virt', '-cpu', 'max'],
    images: ['arch/arm64/boot/Image', 'arch/arm64/boot/Image.gz'],
    debArch: 'arm64',
    configSymbols: ['CONFIG_ARM64'],
    elfMachine: 0xb7,
  },
  {
    name: 'arm',
    srcArch: 'arm',
    qemu: 'qemu-system-arm',
    qemuPackage: 'qemu-system-arm',
    console: 'ttyAMA0',
    machine: ['-M', 'virt'],
    images: ['arch/arm/boot/zImage'],
    debArch: 'armhf',
    configSymbols: ['CONFIG_ARM'],
    elfMachine: 0x28,
  },
  {
    name: 'riscv64',
    srcArch: 'riscv',
    qemu: 'qemu-system-riscv64',
    qemuPackage: 'qemu-system-misc',
    console: 'ttyS0',
    machine: ['-M', 'virt'],
    images: ['arch/riscv/boot/Image', 'arch/riscv/boot/Image.gz'],
    debArch: 'riscv64',
    configSymbols: ['CONFIG_RISCV', 'CONFIG_64BIT'],
    elfMachine: 0xf3,
  },
  {
    name: 'ppc64le',
    srcArch: 'powerpc',
    qemu: 'qemu-system-ppc64',
    qemuPackage: 'qemu-system-ppc',
    console: 'hvc0',
    machine: ['-M', 'pseries'],
    images: ['vmlinux'],
    debArch: 'ppc64el',
    configSymbols: ['CONFIG_PPC64', 'CONFIG_CPU_LITTLE_ENDIAN'],
    elfMachine: 0x15,
  },
  {
    name: 's390x',
    srcArch: 's390',
    qemu: 'qemu-system-s390x',
    qemuPackage: 'qemu-system-s390x',
    console: 'ttysclp0',
    machine: [],
    images: ['arch/s390/boot/bzImage'],
    debArch: 's390x',
    configSymbols: ['CONFIG_S390'],
    elfMachine: 0x16,
  },
];

const ALIASES: Record<string, string> = {
  amd64: 'x86_64',
  x64: 'x86_64',
  x86: 'x86_64',
  aarch64: 'arm64',
  armhf: 'arm',
  armv7: 'arm',
  riscv: 'riscv64',
  ppc64el: 'ppc64le',
  powerpc: 'ppc64le',
  s390: 's390x',
};

export const ARCH_NAMES: readonly string[] = ARCHES.map((a) => a.name);

/** The table row for a name or alias, or undefined. */
export function archInfo(name: string): ArchInfo | undefined {
  const n = ALIASES[name] ?? name;
  return ARCHES.find((a) => a.name === n);
}

/** The architecture kerntop itself runs on (where KVM could help). */
export function hostArch(): string {
  return ALIASES[process.arch] ?? process.arch;
}

/** Whether QEMU boots a compressed image (Image.gz, EFI zboot) for this architecture: those whose build leaves one. */
export function bootsCompressedImage(arch: ArchInfo): boolean {
  return arch.images.some((p) => p.endsWith('.gz'));
}
