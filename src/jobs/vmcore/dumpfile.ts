// What a dump file is before drgn touches it: its format, its VMCOREINFO (release, build id, crash
// time), whether it is complete, and who made it. Every problem found becomes a sentence that names
// the cause and the fix, because a dump that cannot be opened is the commonest support question.
import { open, stat } from 'node:fs/promises';
import { ET_CORE, ElfFormatError, PT_LOAD, isElf, readAt, readElfHeader, readNoteSegments, readProgramHeaders } from './elf.js';

export type DumpFormat = 'elf' | 'kdump-compressed' | 'makedumpfile-flattened' | 'diskdump' | 'unknown';

export type DumpProblemKind =
  | 'not_found'
  | 'permission'
  | 'not_a_file'
  | 'empty'
  | 'not_vmcore'
  | 'truncated'
  | 'no_vmcoreinfo'
  | 'flattened'
  | 'unreadable'
  | 'corrupt';

export interface DumpProblem {
  kind: DumpProblemKind;
  /** True when drgn cannot open the dump at all. */
  fatal: boolean;
  message: string;
}

export interface DumpInfo {
  path: string;
  size_bytes: number | null;
  mtime_ms: number | null;
  format: DumpFormat;
  /** Who wrote it, when it can be told: "qemu" (dump-guest-memory), "kdump" (/proc/vmcore or makedumpfile). */
  producer: 'qemu' | 'kdump' | 'unknown';
  vmcoreinfo_text: string | null;
  vmcoreinfo: Record<string, string>;
  release: string | null;
  build_id: string | null;
  /** Seconds since the epoch, from VMCOREINFO CRASHTIME or the kdump header's timestamp. */
  crash_time_s: number | null;
  /** Bytes the headers describe (end of the last segment); null when unknown. */
  expected_bytes: number | null;
  cpus: number | null;
  problems: DumpProblem[];
}

export function parseVmcoreinfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

const KDUMP_SIGNATURE = 'KDUMP   ';
const DISKDUMP_SIGNATURE = 'DISKDUMP';
const FLAT_SIGNATURE = 'makedumpfile';

function describeBytes(b: Buffer): string {
  const text = b
    .subarray(0, 16)
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, '.');
  return `${b.subarray(0, 8).toString('hex')} ("${text}")`;
}

export function humanBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

/** Reads the dump's headers (never its memory) and says what it is and what is wrong with it. */
export async function inspectDump(path: string): Promise<DumpInfo> {
  const info: DumpInfo = {
    path,
    size_bytes: null,
    mtime_ms: null,
    format: 'unknown',
    producer: 'unknown',
    vmcoreinfo_text: null,
    vmcoreinfo: {},
    release: null,
    build_id: null,
    crash_time_s: null,
    expected_bytes: null,
    cpus: null,
    problems: [],
  };
  const problem = (kind: DumpProblemKind, fatal: boolean, message: string) => info.problems.push({ kind, fatal, message });
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES') problem('permission', true, permissionMessage(path));
    else
      problem(
        'not_found',
        true,
        `${path} does not exist. Point --vmcore at the dump file (kdump keeps them under /var/crash/<time>/; 'kerntop crashes' lists them).`,
      );
    return info;
  }
  info.size_bytes = st.size;
  info.mtime_ms = st.mtimeMs;
  if (!st.isFile()) {
    problem(
      'not_a_file',
      true,
      `${path} is not a regular file${st.isDirectory() ? ' but a directory: name the dump inside it (vmcore or dump.<time>)' : ''}.`,
    );
    return info;
  }
  if (st.size === 0) {
    problem(
      'empty',
      true,
      `${path} is empty (0 bytes): the dump was never written, usually because the kdump kernel ran out of disk or memory. Check the kdump service log of the boot after the crash.`,
    );
    return info;
  }
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    problem(
      code === 'EACCES' || code === 'EPERM' ? 'permission' : 'unreadable',
      true,
      code === 'EACCES' || code === 'EPERM' ? permissionMessage(path) : `cannot open ${path}: ${(e as Error).message}`,
    );
    return info;
  }
  try {
    const magic = await readAt(fh, 0, 4096);
    if (isElf(magic)) {
      info.format = 'elf';
      await inspectElf(fh, info, problem);
    } else if (magic.toString('latin1', 0, 8) === KDUMP_SIGNATURE || magic.toString('latin1', 0, 8) === DISKDUMP_SIGNATURE) {
      info.format = magic.toString('latin1', 0, 8) === KDUMP_SIGNATURE ? 'kdump-compressed' : 'diskdump';
      info.producer = 'kdump';
      await inspectKdump(fh, magic, info, problem);
    } else if (magic.toString('latin1', 0, FLAT_SIGNATURE.length) === FLAT_SIGNATURE) {
      info.format = 'makedumpfile-flattened';
      problem(
        'flattened',
        true,
        `${path} is in makedumpfile's flattened format (what 'makedumpfile -F' and QEMU 7.2's kdump-* formats write), which drgn cannot read. Rebuild it first: 'makedumpfile -R ${path}.unflat < ${path}'. From QEMU, prefer dump-guest-memory with format "elf" and paging on.`,
      );
    } else {
      problem(
        'not_vmcore',
        true,
        `${path} is not a vmcore: it starts with ${describeBytes(magic)}, not an ELF core, kdump-compressed ("KDUMP   ") or makedumpfile header. Point --vmcore at the dump itself (vmcore or dump.<time>), not at a log or a vmlinux.`,
      );
    }
  } catch (e) {
    const why = (e as Error).message;
    if (!(e instanceof ElfFormatError)) problem('unreadable', true, `cannot read ${path}: ${why}.`);
    else if (/cut short/.test(why)) {
      problem(
        'corrupt',
        true,
        `${path} ends inside its own headers (${why}; the file has ${st.size} bytes): the dump was cut short while being written or copied. Copy it again from where kdump wrote it, or take a new dump.`,
      );
    } else {
      problem(
        'corrupt',
        true,
        `${path} has damaged headers (${why}): it is not a usable vmcore. Copy it again from where kdump wrote it (and compare checksums), or take a new dump.`,
      );
    }
  } finally {
    await fh.close();
  }
  if (info.vmcoreinfo_text) {
    info.vmcoreinfo = parseVmcoreinfo(info.vmcoreinfo_text);
    info.release = info.vmcoreinfo.OSRELEASE ?? null;
    info.build_id = info.vmcoreinfo['BUILD-ID']?.toLowerCase() ?? null;
    const ct = Number(info.vmcoreinfo.CRASHTIME);
    if (Number.isFinite(ct) && ct > 0) info.crash_time_s = ct;
  }
  return info;
}

function permissionMessage(path: string): string {
  return `cannot read ${path}: permission denied. Crash dumps are written mode 0400 and owned by root because they hold all of the machine's memory; run kerntop as root (sudo kerntop ...).`;
}

type AddProblem = (kind: DumpProblemKind, fatal: boolean, message: string) => void;

async function inspectElf(fh: Awaited<ReturnType<typeof open>>, info: DumpInfo, problem: AddProblem) {
  const h = await readElfHeader(fh);
  if (h.type !== ET_CORE) {
    problem(
      'not_vmcore',
      true,
      `${info.path} is an ELF file but not a core dump (e_type ${h.type}${h.type === 2 ? ', an executable: is this the vmlinux? pass it with --vmlinux' : ''}).`,
    );
    return;
  }
  const phdrs = await readProgramHeaders(fh, h);
  let end = 0;
  for (const p of phdrs) end = Math.max(end, p.offset + p.filesz);
  info.expected_bytes = end;
  const notes = await readNoteSegments(fh, phdrs);
  const vmci = notes.find((n) => n.name === 'VMCOREINFO');
  if (vmci) info.vmcoreinfo_text = vmci.desc.toString('utf8').replace(/\0+$/, '');
  info.cpus = notes.filter((n) => n.name === 'CORE' && n.type === 1).length || null;
  const qemu = notes.some((n) => n.name === 'QEMU');
  info.producer = qemu ? 'qemu' : 'kdump';
  if (info.size_bytes !== null && end > info.size_bytes) {
    const pct = ((100 * info.size_bytes) / end).toFixed(1);
    problem(
      'truncated',
      false,
      `${info.path} is truncated: its headers describe ${end} bytes but the file has ${info.size_bytes} (${pct}%). It was cut short while being written or copied (full disk, interrupted kdump or copy). Memory past that point is missing: sections that need it fail, the rest is still reported.`,
    );
  }
  if (!vmci) {
    problem(
      'no_vmcoreinfo',
      true,
      qemu
        ? `${info.path} is a QEMU dump without a VMCOREINFO note, so nothing tells which kernel it holds or where its page tables are. Start QEMU with '-device vmcoreinfo' and, in the guest, load the qemu_fw_cfg module (CONFIG_FW_CFG_SYSFS; 'modprobe qemu_fw_cfg') before the crash, so the guest publishes its VMCOREINFO through fw_cfg; then dump again (dump-guest-memory, format elf, paging on).`
        : `${info.path} is an ELF core without a VMCOREINFO note: it was not written from /proc/vmcore by a kdump kernel (or the note was stripped), so drgn cannot find the kernel's page tables. Capture dumps with kdump (kdump-tools / kexec-tools), which keeps the note.`,
    );
  }
  if (!phdrs.some((p) => p.type === PT_LOAD)) {
    problem('truncated', true, `${info.path} has no memory segments (no PT_LOAD program header): nothing to read.`);
  }
}

async function inspectKdump(fh: Awaited<ReturnType<typeof open>>, head: Buffer, info: DumpInfo, problem: AddProblem) {
  // struct disk_dump_header: signature[8], header_version, new_utsname (6 x 65), timeval, status,
  // block_size ... then kdump_sub_header one block later (makedumpfile's diskdump_mod.h).
  const version = head.readInt32LE(8);
  const release = head.toString('latin1', 12 + 2 * 65, 12 + 3 * 65).replace(/\0.*$/s, '');
  if (release) info.release = release;
  const tvSec = Number(head.readBigInt64LE(408));
  if (tvSec > 0) info.crash_time_s = tvSec;
  const blockSize = head.readInt32LE(428);
  info.cpus = head.readInt32LE(460) || null;
  if (version >= 3 && blockSize > 0) {
    const sub = await readAt(fh, blockSize, 48);
    if (sub.length === 48) {
      const off = Number(sub.readBigUInt64LE(32));
      const size = Number(sub.readBigUInt64LE(40));
      if (off > 0 && size > 0 && size < 1 << 20) {
        const text = await readAt(fh, off, size);
        if (text.length === size) info.vmcoreinfo_text = text.toString('utf8').replace(/\0+$/, '');
      }
    }
  }
  if (!info.vmcoreinfo_text) {
    problem(
      'no_vmcoreinfo',
      true,
      `${info.path} is a kdump-compressed dump without VMCOREINFO (header version ${version}); drgn needs it. Re-create the dump with a current makedumpfile.`,
    );
  }
}
