// The guest's whole userspace for a plain-QEMU boot: a static busybox and an /init that mounts the
// kernel filesystems, runs the user's command (if any), prints a completion marker and powers off.
// The base image is cached by the hash of busybox and the init script; the command travels in a
// second, tiny gzip'd cpio appended to it (the kernel unpacks concatenated archives in order), so a
// new --exec never rebuilds the base.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ArchInfo } from './arch.js';
import { hostArch } from './arch.js';
import { cacheDir } from './cache.js';
import { cpioNewc } from './cpio.js';
import { BootTestSetupError } from './errors.js';

/** Printed by /init once it runs; the kernel got as far as userspace. */
export const MARKER_STARTED = 'kerntop-boot: init started';
/** Printed by /init after the command, with its exit status; "rc=N". */
export const MARKER_COMPLETED = 'kerntop-boot: completed';
export const COMPLETED_RE = /kerntop-boot: completed rc=(\d+)/;

const RECIPE = 'v1';

export const GUEST_INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "${MARKER_STARTED} kernel=$(uname -r)"
rc=0
if [ -f /kerntop/exec ]; then
  sh /kerntop/exec
  rc=$?
fi
echo "${MARKER_COMPLETED} rc=$rc"
poweroff -f
`;

/** ELF header + program headers say whether a binary needs a dynamic loader (PT_INTERP). */
export function elfInfo(buf: Buffer): { machine: number; dynamic: boolean } | null {
  if (buf.length < 64 || buf.toString('latin1', 0, 4) !== '\x7fELF') return null;
  const is64 = buf[4] === 2;
  const le = buf[5] === 1;
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const machine = u16(0x12);
  const phoff = is64 ? Number(le ? buf.readBigUInt64LE(0x20) : buf.readBigUInt64BE(0x20)) : u32(0x1c);
  const phentsize = u16(is64 ? 0x36 : 0x2a);
  const phnum = u16(is64 ? 0x38 : 0x2c);
  let dynamic = false;
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    if (o + 4 > buf.length) break;
    if (u32(o) === 3) dynamic = true; // PT_INTERP
  }
  return { machine, dynamic };
}

function which(cmd: string): string | null {
  for (const d of (process.env.PATH ?? '').split(':')) {
    if (d && existsSync(join(d, cmd))) return join(d, cmd);
  }
  return null;
}

/** A static busybox that runs on `arch`, or a BootTestSetupError that says how to get one. */
export function findBusybox(arch: ArchInfo): string {
  const candidates: string[] = [];
  if (process.env.KERNTOP_BUSYBOX) candidates.push(process.env.KERNTOP_BUSYBOX);
  const cached = join(cacheDir(join('busybox', arch.debArch)), 'busybox');
  candidates.push(cached);
  if (arch.name === hostArch()) {
    const onPath = which('busybox');
    if (onPath) candidates.push(onPath);
    candidates.push('/bin/busybox', '/usr/bin/busybox');
  }
  let dynamicSeen: string | null = null;
  for (const c of candidates) {
    if (!existsSync(c)) continue;
    const info = elfInfo(readFileSync(c));
    if (!info || info.machine !== arch.elfMachine) continue;
    if (info.dynamic) {
      dynamicSeen = c;
      continue;
    }
    return c;
  }
  if (arch.name === hostArch()) {
    throw new BootTestSetupError(
      `no static busybox for the guest's initramfs${dynamicSeen ? ` (${dynamicSeen} is dynamically linked)` : ''}; install it: apt-get install busybox-static`,
    );
  }
  throw new BootTestSetupError(
    `no static ${arch.name} busybox for the guest's initramfs; fetch Debian's into the cache: ` +
      `dpkg --add-architecture ${arch.debArch} && apt-get update && apt-get download busybox-static:${arch.debArch} && ` +
      `dpkg-deb -x busybox-static_*_${arch.debArch}.deb bb && cp bb/bin/busybox ${cached} ` +
      '(or point KERNTOP_BUSYBOX at one)',
  );
}

/** The cached base image (busybox + /init) for this architecture; built on first use. */
export function baseInitramfs(arch: ArchInfo): { path: string; cached: boolean } {
  const busybox = findBusybox(arch);
  const bb = readFileSync(busybox);
  const key = createHash('sha256').update(RECIPE).update(GUEST_INIT).update(bb).digest('hex').slice(0, 16);
  const dir = cacheDir('initramfs');
  const path = join(dir, `busybox-${arch.name}-${key}.cpio.gz`);
  if (existsSync(path)) return { path, cached: true };
  const image = cpioNewc([
    ...['bin', 'sbin', 'proc', 'sys', 'dev', 'tmp', 'kerntop'].map((name) => ({ name, kind: 'dir' as const })),
    { name: 'bin/busybox', kind: 'file', mode: 0o755, data: bb },
    { name: 'bin/sh', kind: 'symlink', data: Buffer.from('busybox') },
    { name: 'init', kind: 'file', mode: 0o755, data: Buffer.from(GUEST_INIT) },
  ]);
  const tmp = `${path}.${process.pid}.part`;
  writeFileSync(tmp, gzipSync(image, { level: 6 }));
  renameSync(tmp, path);
  return { path, cached: false };
}

/**
 * The image one run boots: the cached base, plus (when there is a command) a second archive holding
 * /kerntop/exec. Written into `workDir`; returns its path.
 */
export function runInitramfs(arch: ArchInfo, workDir: string, exec: string | undefined): { path: string; cached: boolean } {
  const base = baseInitramfs(arch);
  if (exec === undefined) return base;
  mkdirSync(workDir, { recursive: true });
  const baseBytes = readFileSync(base.path);
  const overlay = gzipSync(cpioNewc([{ name: 'kerntop/exec', kind: 'file', mode: 0o755, data: Buffer.from(`${exec}\n`) }]));
  const path = join(workDir, 'initramfs.cpio.gz');
  // Zeros between archives are skipped by the kernel; keep the second one 4-byte aligned.
  writeFileSync(path, Buffer.concat([baseBytes, Buffer.alloc((4 - (baseBytes.length % 4)) % 4), overlay]));
  return { path, cached: base.cached };
}
