// Single-line findings outside crash reports: errors and warnings (by log level where the input
// has levels, by pattern otherwise), I/O and filesystem errors and corrected hardware errors for the
// live feed, and the known-benign lines that must not raise a false alarm.

/** Lines that match an error/warning pattern, or sit at err/warn level, but are normal. Each row is pinned by a test. */
export const BENIGN_LINES: ReadonlyArray<{ id: string; re: RegExp; example: string }> = [
  {
    id: 'not-a-bug',
    re: /This is not a bug|not a bug\.?$/,
    example: 'AMD-Vi: AMD IOMMUv2 functionality not available on this system - This is not a bug.',
  },
  {
    id: 'pci-nocrs',
    re: /if necessary, use "pci=nocrs" and report a bug/,
    example: 'PCI: Using host bridge windows from ACPI; if necessary, use "pci=nocrs" and report a bug',
  },
  {
    id: 'ssh-moduli',
    re: /WARNING: \/etc\/ssh\/moduli does not exist/,
    example: 'WARNING: /etc/ssh/moduli does not exist, using fixed modulus',
  },
  {
    id: 'mmconfig',
    re: /fail to add MMCONFIG information, can't access extended (?:PCI )?configuration space/,
    example:
      "acpi PNP0A03:00: fail to add MMCONFIG information, can't access extended PCI configuration space under this bridge.",
  },
  {
    id: 'srso-advice',
    re: /Speculative Return Stack Overflow: (?:WARNING: See|IBPB-extending microcode not applied)/,
    example:
      'Speculative Return Stack Overflow: WARNING: See https://kernel.org/doc/html/latest/admin-guide/hw-vuln/srso.html for mitigation options.',
  },
  {
    id: 'firmware-bug-tsc',
    re: /^\[Firmware Bug\]: TSC doesn't count with P0 frequency/,
    example: "[Firmware Bug]: TSC doesn't count with P0 frequency!",
  },
  {
    id: 'pmu-virt',
    re: /PMU not available due to virtualization/,
    example: 'Performance Events: PMU not available due to virtualization, using software events only.',
  },
  {
    id: 'mtrr-bios',
    re: /mtrr: probably your BIOS does not setup all CPUs/,
    example: 'mtrr: probably your BIOS does not setup all CPUs.',
  },
  {
    id: 'regulatory-db',
    re: /(?:Direct firmware load for regulatory\.db failed|cfg80211: failed to load regulatory\.db)/,
    example: 'cfg80211: failed to load regulatory.db',
  },
  {
    id: 'firmware-optional',
    re: /Direct firmware load for \S+ failed with error -2/,
    example: 'platform regulatory.0: Direct firmware load for regulatory.db failed with error -2',
  },
  { id: 'ignoring', re: /\bignoring\b|\bignored\b/i, example: 'ACPI: _OSC evaluation for CPUs failed, trying _PDC (ignored)' },
  {
    id: 'acpi-osc-pdc',
    re: /_OSC evaluation for CPUs failed, trying _PDC/,
    example: 'ACPI: _OSC evaluation for CPUs failed, trying _PDC',
  },
  {
    id: 'nmi-took-too-long',
    re: /(?:handler|interrupt) .*took too long to run|perf: interrupt took too long/,
    example: 'INFO: NMI handler (perf_event_nmi_handler) took too long to run: 1.076 msecs',
  },
  {
    id: 'lockdep-off',
    re: /INFO: lockdep is turned off|Disabling lock debugging due to kernel taint/,
    example: 'Disabling lock debugging due to kernel taint',
  },
  {
    id: 'ext4-mounted',
    re: /EXT4-fs \([\w-]+\): mounted filesystem\b/,
    example: 'EXT4-fs (vda1): mounted filesystem with ordered data mode. Quota mode: none.',
  },
  {
    id: 'command-line',
    re: /^(?:Kernel )?[Cc]ommand line: /,
    example: 'Command line: console=ttyS0 panic=-1 labaction=lkdtm labtypes=WARNING,BUG,EXCEPTION',
  },
  {
    id: 'unknown-param',
    re: /Unknown kernel command line parameters .* will be passed to user space|Unknown command line parameters/,
    example: 'Unknown kernel command line parameters "labaction=lkdtm", will be passed to user space.',
  },
  {
    id: 'ima-no-tpm',
    re: /ima: No TPM chip found, activating TPM-bypass/,
    example: 'ima: No TPM chip found, activating TPM-bypass!',
  },
  {
    id: 'i8042-no-controller',
    re: /i8042: (?:No controller found|PNP: No PS\/2 controller found)/,
    example: 'i8042: PNP: No PS/2 controller found.',
  },
  {
    id: 'amd-pstate-bios',
    re: /amd_pstate: (?:the _CPC object is not present|The CPPC feature is supported but currently disabled)/,
    example: 'amd_pstate: the _CPC object is not present in SBIOS or ACPI disabled',
  },
  { id: 'iommu-invalidation', re: /TLB invalidation policy/, example: 'iommu: DMA domain TLB invalidation policy: lazy mode' },
  {
    id: 'taint-module',
    re: /module verification failed: signature and\/or required key missing - tainting kernel|loading out-of-tree module taints kernel/,
    example: 'kvm: module verification failed: signature and/or required key missing - tainting kernel',
  },
  { id: 'random-crng', re: /random: \S+ urandom read .* uninitialized|crng init done/, example: 'random: crng init done' },
  {
    id: 'systemd-journald-rate',
    re: /systemd-journald\[\d+\]: .*(?:Suppressed|missed) \d+ (?:messages|kernel messages)/i,
    example: 'systemd-journald[123]: Missed 5 kernel messages',
  },
  {
    id: 'spectre-advice',
    re: /Spectre V2 : WARNING: Unprivileged eBPF is enabled|Spectre V2 : Spectre BHI mitigation|MDS CPU bug present and SMT on|MMIO Stale Data CPU bug present/,
    example: 'Spectre V2 : WARNING: Unprivileged eBPF is enabled with eIBRS on, data leaks possible via Spectre v2 BHB attacks!',
  },
  { id: 'printk-dropped', re: /printk messages dropped|callbacks suppressed/, example: 'net_ratelimit: 12 callbacks suppressed' },
];

// Where the input has no levels: words that make a line an error or a warning. Lines that are part
// of a crash report are not counted again here.
const ERROR_ONLY_RE =
  /\b(?:error|errors|failed|failure|fault|fatal|corrupt(?:ed|ion)?|timed out|timeout|unable to|cannot|can't|critical)\b/i;
// One scan decides both: group 1 is an error word, group 2 a warning word.
const WORD_RE =
  /\b(?:(error|errors|failed|failure|fault|fatal|corrupt(?:ed|ion)?|timed out|timeout|unable to|cannot|can't|critical|Remounting filesystem read-only|Aborting journal|not responding)|(warning|warn|deprecated|not supported|unsupported|taint(?:s|ed|ing)?|throttl\w+|stall\w*))\b/i;

/** I/O errors on block devices (live-feed rows "io_error"). */
export const IO_ERROR_RULES: ReadonlyArray<{ id: string; re: RegExp; example: string }> = [
  {
    id: 'end-request',
    re: /end_request: (?:critical )?(?:I\/O|medium) error, dev (?<dev>[\w-]+), sector (?<sector>\d+)/,
    example: 'end_request: I/O error, dev sda, sector 12345',
  },
  {
    id: 'blk-io-error',
    re: /\bI\/O error, dev (?<dev>[\w-]+), sector (?<sector>\d+)/,
    example: 'I/O error, dev sda, sector 2048 op 0x1:(WRITE) flags 0x800 phys_seg 1 prio class 0',
  },
  {
    id: 'buffer-io-error',
    re: /Buffer I\/O error on dev(?:ice)? (?<dev>[\w-]+), logical block (?<block>\d+)/,
    example: 'Buffer I/O error on dev sda1, logical block 0, async page read',
  },
  {
    id: 'medium-error',
    re: /critical (?:medium|target|nexus|space allocation|protection|transport) error, dev (?<dev>[\w-]+), sector (?<sector>\d+)/,
    example: 'critical medium error, dev sdb, sector 1953525160 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0',
  },
  {
    id: 'scsi-failed',
    re: /^\s*sd \d+:\d+:\d+:\d+: \[(?<dev>\w+)\] tag#\d+ FAILED Result: /,
    example: 'sd 2:0:0:0: [sdb] tag#0 FAILED Result: hostbyte=DID_OK driverbyte=DRIVER_OK cmd_age=0s',
  },
  {
    id: 'ata-failed-command',
    re: /^\s*ata(?<dev>\d+(?:\.\d+)?): failed command: /,
    example: 'ata1.00: failed command: READ FPDMA QUEUED',
  },
  {
    id: 'nvme-timeout',
    re: /^\s*nvme (?<dev>nvme\d+): I\/O (?:tag )?\d+ (?:\(\w+\) )?QID \d+ timeout/,
    example: 'nvme nvme0: I/O 123 QID 4 timeout, aborting',
  },
];

/** Filesystem errors (live-feed rows "fs_error"). */
export const FS_ERROR_RULES: ReadonlyArray<{ id: string; re: RegExp; example: string }> = [
  {
    id: 'ext4-error',
    re: /^\s*EXT[234]-fs (?:error|critical)(?: \(device (?<dev>[\w-]+)\))?/,
    example: 'EXT4-fs error (device sda1): ext4_lookup:1785: inode #2: comm ls: deleted inode referenced: 12',
  },
  {
    id: 'ext4-remount-ro',
    re: /^\s*EXT[234]-fs \((?<dev>[\w-]+)\): Remounting filesystem read-only/,
    example: 'EXT4-fs (sda1): Remounting filesystem read-only',
  },
  { id: 'jbd2-abort', re: /Aborting journal on device (?<dev>[\w-]+)/, example: 'Aborting journal on device sda1-8.' },
  {
    id: 'xfs-error',
    re: /^\s*XFS \((?<dev>[\w-]+)\): (?:Corruption|Metadata corruption|metadata I\/O error|Internal error|log I\/O error|Filesystem has been shut down|xfs_do_force_shutdown|Please unmount the filesystem)/,
    example: 'XFS (dm-0): Metadata corruption detected at xfs_dinode_verify+0x1a0/0x560 [xfs], inode 0x2043 dinode',
  },
  {
    id: 'btrfs-error',
    re: /^\s*BTRFS (?:error|critical|fatal) \(device (?<dev>[\w-]+)/,
    example: 'BTRFS error (device sdb1): bdev /dev/sdb1 errs: wr 0, rd 1, flush 0, corrupt 0, gen 0',
  },
  {
    id: 'f2fs-error',
    re: /^\s*F2FS-fs \((?<dev>[\w-]+)\): .*(?:error|corrupt|inconsistent|Can't find valid|Mismatch)/i,
    example: "F2FS-fs (loop0): Can't find valid F2FS filesystem in 1th superblock",
  },
  {
    id: 'fat-error',
    re: /^\s*FAT-fs \((?<dev>[\w-]+)\): error/,
    example: 'FAT-fs (sdb1): error, fat_get_cluster: invalid cluster chain (i_pos 0)',
  },
  { id: 'squashfs-error', re: /^\s*SQUASHFS error: /, example: 'SQUASHFS error: Unable to read metadata cache entry [4e7]' },
  {
    id: 'nfs-not-responding',
    re: /^\s*nfs: server (?<dev>\S+) not responding/,
    example: 'nfs: server 10.0.0.1 not responding, still trying',
  },
];

/** Corrected hardware errors: a warning row "mce", not a crash. */
export const HW_WARNING_RULES: ReadonlyArray<{ id: string; re: RegExp; example: string }> = [
  { id: 'mce-logged', re: /Machine check events logged/, example: 'mce: [Hardware Error]: Machine check events logged' },
  {
    id: 'edac-ce',
    re: /^\s*EDAC \w+: \d+ CE /,
    example:
      'EDAC MC0: 1 CE memory read error on CPU_SrcID#0_Ha#0_Chan#1_DIMM#0 (channel:1 slot:0 page:0x1234 offset:0x0 grain:32 syndrome:0x0)',
  },
  {
    id: 'apei-corrected',
    re: /\[Hardware Error\]: event severity: corrected/,
    example: '{1}[Hardware Error]: event severity: corrected',
  },
];

export function isBenign(text: string): boolean {
  for (const b of BENIGN_LINES) if (b.re.test(text)) return true;
  return false;
}

export type LineSeverity = 'error' | 'warning' | null;

/**
 * Error/warning verdict for a line outside crash reports. level is the syslog level where the input
 * carries one (0-3 error, 4 warning); otherwise the words decide.
 */
export function lineSeverity(text: string, level: number | undefined): { sev: LineSeverity; rule?: string } {
  if (level !== undefined) {
    if (level <= 4) {
      if (isBenign(text)) return { sev: null };
      return { sev: level <= 3 ? 'error' : 'warning', rule: `level:${level}` };
    }
    // Below warn level a line can still be an I/O or filesystem error the kernel printed at info.
    for (const r of IO_ERROR_RULES) if (r.re.test(text)) return { sev: 'error', rule: r.id };
    for (const r of FS_ERROR_RULES) if (r.re.test(text)) return { sev: 'error', rule: r.id };
    return { sev: null };
  }
  const m = WORD_RE.exec(text);
  if (!m) return { sev: null };
  if (isBenign(text)) return { sev: null };
  for (const r of IO_ERROR_RULES) if (r.re.test(text)) return { sev: 'error', rule: r.id };
  for (const r of FS_ERROR_RULES) if (r.re.test(text)) return { sev: 'error', rule: r.id };
  // The first word found decides; an error word later in the line still makes it an error.
  if (m[1]) return { sev: 'error', rule: `word:${m[1].toLowerCase()}` };
  const e = ERROR_ONLY_RE.exec(text);
  if (e) return { sev: 'error', rule: `word:${e[0].toLowerCase()}` };
  return { sev: 'warning', rule: `word:${m[2].toLowerCase()}` };
}

/** Live-feed single-line events: I/O, filesystem and corrected hardware errors. */
export function lineEventKind(text: string): { subsystem: 'io_error' | 'fs_error' | 'mce'; rule: string; dev?: string } | null {
  // Quick reject: all rules need one of these words.
  if (
    !/error|Error|ERROR|FAILED|failed command|timeout|read-only|Aborting|corrupt|Corrupt|not responding|CE |Machine check|Mismatch|find valid/.test(
      text,
    )
  )
    return null;
  for (const r of IO_ERROR_RULES) {
    const m = r.re.exec(text);
    if (m) return { subsystem: 'io_error', rule: r.id, dev: m.groups?.dev };
  }
  for (const r of FS_ERROR_RULES) {
    const m = r.re.exec(text);
    if (m) return { subsystem: 'fs_error', rule: r.id, dev: m.groups?.dev };
  }
  for (const r of HW_WARNING_RULES) if (r.re.test(text)) return { subsystem: 'mce', rule: r.id };
  return null;
}
