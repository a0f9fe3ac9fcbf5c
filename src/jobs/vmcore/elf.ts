// Just enough ELF64 to look inside a vmcore and a vmlinux without loading them: the header, the
// program headers (where each memory chunk lies in the file), notes (VMCOREINFO, build id) and
// section headers. Reads only the bytes it needs; a 600 MB file costs a few small reads.
import type { FileHandle } from 'node:fs/promises';

export const PT_LOAD = 1;
export const PT_NOTE = 4;
export const ET_CORE = 4;
const PN_XNUM = 0xffff;

export interface ElfHeader {
  type: number;
  machine: number;
  phoff: number;
  shoff: number;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

export interface ProgramHeader {
  type: number;
  offset: number;
  vaddr: bigint;
  filesz: number;
  memsz: number;
}

export interface SectionHeader {
  name: string;
  type: number;
  offset: number;
  size: number;
}

export interface ElfNote {
  name: string;
  type: number;
  desc: Buffer;
}

export class ElfFormatError extends Error {}

export async function readAt(fh: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === length ? buf : buf.subarray(0, got);
}

export function isElf(magic: Buffer): boolean {
  return magic.length >= 4 && magic[0] === 0x7f && magic.toString('latin1', 1, 4) === 'ELF';
}

/** Parses a 64-bit little-endian ELF header (the only kind kerntop meets on x86_64 and arm64). */
export async function readElfHeader(fh: FileHandle): Promise<ElfHeader> {
  const h = await readAt(fh, 0, 64);
  if (!isElf(h)) throw new ElfFormatError('no ELF magic');
  if (h.length < 64) throw new ElfFormatError('ELF header cut short');
  if (h[4] !== 2) throw new ElfFormatError('not a 64-bit ELF (EI_CLASS != ELFCLASS64)');
  if (h[5] !== 1) throw new ElfFormatError('not a little-endian ELF');
  const header: ElfHeader = {
    type: h.readUInt16LE(16),
    machine: h.readUInt16LE(18),
    phoff: Number(h.readBigUInt64LE(32)),
    shoff: Number(h.readBigUInt64LE(40)),
    phentsize: h.readUInt16LE(54),
    phnum: h.readUInt16LE(56),
    shentsize: h.readUInt16LE(58),
    shnum: h.readUInt16LE(60),
    shstrndx: h.readUInt16LE(62),
  };
  // More than 65534 segments: the real count lives in section 0's sh_info (QEMU writes this for big guests).
  if (header.phnum === PN_XNUM && header.shoff) {
    const s0 = await readAt(fh, header.shoff, 64);
    if (s0.length === 64) header.phnum = s0.readUInt32LE(44);
  }
  return header;
}

export async function readProgramHeaders(fh: FileHandle, h: ElfHeader): Promise<ProgramHeader[]> {
  if (h.phentsize < 56) throw new ElfFormatError(`program header size ${h.phentsize} too small`);
  const buf = await readAt(fh, h.phoff, h.phnum * h.phentsize);
  if (buf.length < h.phnum * h.phentsize) throw new ElfFormatError('program headers cut short');
  const out: ProgramHeader[] = [];
  for (let i = 0; i < h.phnum; i++) {
    const o = i * h.phentsize;
    out.push({
      type: buf.readUInt32LE(o),
      offset: Number(buf.readBigUInt64LE(o + 8)),
      vaddr: buf.readBigUInt64LE(o + 16),
      filesz: Number(buf.readBigUInt64LE(o + 32)),
      memsz: Number(buf.readBigUInt64LE(o + 40)),
    });
  }
  return out;
}

export async function readSectionHeaders(fh: FileHandle, h: ElfHeader): Promise<SectionHeader[]> {
  if (!h.shoff || !h.shnum) return [];
  const buf = await readAt(fh, h.shoff, h.shnum * h.shentsize);
  if (buf.length < h.shnum * h.shentsize) throw new ElfFormatError('section headers cut short');
  const raw = [];
  for (let i = 0; i < h.shnum; i++) {
    const o = i * h.shentsize;
    raw.push({
      nameOff: buf.readUInt32LE(o),
      type: buf.readUInt32LE(o + 4),
      offset: Number(buf.readBigUInt64LE(o + 24)),
      size: Number(buf.readBigUInt64LE(o + 32)),
    });
  }
  const strtab = raw[h.shstrndx];
  const names = strtab ? await readAt(fh, strtab.offset, strtab.size) : Buffer.alloc(0);
  return raw.map((s) => {
    const end = names.indexOf(0, s.nameOff);
    return {
      name: names.toString('latin1', s.nameOff, end < 0 ? names.length : end),
      type: s.type,
      offset: s.offset,
      size: s.size,
    };
  });
}

/** Splits a PT_NOTE segment or SHT_NOTE section into notes (4-byte aligned names and descriptors). */
export function parseNotes(buf: Buffer): ElfNote[] {
  const out: ElfNote[] = [];
  let o = 0;
  while (o + 12 <= buf.length) {
    const namesz = buf.readUInt32LE(o);
    const descsz = buf.readUInt32LE(o + 4);
    const type = buf.readUInt32LE(o + 8);
    const nameStart = o + 12;
    const descStart = nameStart + ((namesz + 3) & ~3);
    const next = descStart + ((descsz + 3) & ~3);
    if (descStart + descsz > buf.length) break;
    let name = buf.toString('latin1', nameStart, nameStart + namesz);
    if (name.endsWith('\0')) name = name.slice(0, -1);
    out.push({ name, type, desc: buf.subarray(descStart, descStart + descsz) });
    o = next;
  }
  return out;
}

export async function readNoteSegments(fh: FileHandle, phdrs: ProgramHeader[]): Promise<ElfNote[]> {
  const notes: ElfNote[] = [];
  for (const p of phdrs) {
    if (p.type !== PT_NOTE || p.filesz === 0) continue;
    // A corrupt header could claim gigabytes of notes; real ones are kilobytes per CPU.
    notes.push(...parseNotes(await readAt(fh, p.offset, Math.min(p.filesz, 64 << 20))));
  }
  return notes;
}
