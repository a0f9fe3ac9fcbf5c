// The "newc" cpio format the kernel unpacks as an initramfs (Documentation/driver-api/early-userspace/
// buffer-format.rst): a 110-byte ASCII header per entry, name and data each padded to 4 bytes,
// closed by a TRAILER!!! entry. Written here so building an image needs no cpio binary.

export interface CpioEntry {
  /** Path without a leading slash: "bin/busybox". */
  name: string;
  /** 'dir' | 'file' | 'symlink'; data is the file's bytes or the link's target. */
  kind: 'dir' | 'file' | 'symlink';
  mode?: number;
  data?: Buffer;
}

const TYPE_BITS = { dir: 0o040000, file: 0o100000, symlink: 0o120000 } as const;

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

export function cpioNewc(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  const push = (name: string, mode: number, data: Buffer, nlink: number) => {
    const nameBuf = Buffer.from(`${name}\0`, 'utf8');
    const header =
      '070701' +
      hex8(ino++) +
      hex8(mode) +
      hex8(0) +
      hex8(0) +
      hex8(nlink) +
      hex8(0) +
      hex8(data.length) +
      hex8(0) +
      hex8(0) +
      hex8(0) +
      hex8(0) +
      hex8(nameBuf.length) +
      hex8(0);
    parts.push(Buffer.from(header, 'ascii'), nameBuf, Buffer.alloc(pad4(110 + nameBuf.length)));
    parts.push(data, Buffer.alloc(pad4(data.length)));
  };
  for (const e of entries) {
    const perm = e.mode ?? (e.kind === 'dir' ? 0o755 : e.kind === 'symlink' ? 0o777 : 0o644);
    const data = e.kind === 'dir' ? Buffer.alloc(0) : (e.data ?? Buffer.alloc(0));
    push(e.name.replace(/^\/+/, ''), TYPE_BITS[e.kind] | perm, data, e.kind === 'dir' ? 2 : 1);
  }
  ino = 0;
  push('TRAILER!!!', 0, Buffer.alloc(0), 1);
  return Buffer.concat(parts);
}
