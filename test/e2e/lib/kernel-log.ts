// Reading the kernel log as records (/dev/kmsg), to check what the kernel said about a test's
// processes, such as a segfault line: read the last sequence number before, then the records after.
import { closeSync, constants, openSync, readSync } from 'node:fs';

export interface KernelLogRecord {
  seq: number;
  text: string;
}

/** Every record in the kernel's ring, or null when /dev/kmsg cannot be read here. */
export function kernelLog(): KernelLogRecord[] | null {
  let fd: number;
  try {
    fd = openSync('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  const out: KernelLogRecord[] = [];
  const buf = Buffer.alloc(16384);
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') continue; // records overwritten while reading: go on with the next
        if (code === 'EAGAIN') break; // the end of the ring
        throw e;
      }
      const rec = buf.toString('utf8', 0, n);
      const semi = rec.indexOf(';');
      out.push({ seq: Number(rec.split(',')[1]), text: rec.slice(semi + 1).split('\n')[0] });
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

/** The highest sequence number in the ring now (-1 when empty or unreadable). */
export function kernelLogSeq(): number {
  const log = kernelLog();
  return log && log.length ? log[log.length - 1].seq : -1;
}

/** Kernel lines since `afterSeq` reporting a segfault of process `pid` (the kernel names it comm[pid]). */
export function segfaultsSince(afterSeq: number, pid: number): string[] {
  return (kernelLog() ?? [])
    .filter((r) => r.seq > afterSeq && new RegExp(`\\[${pid}\\]: segfault`).test(r.text))
    .map((r) => r.text);
}
