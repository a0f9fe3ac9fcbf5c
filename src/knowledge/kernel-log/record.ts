/** One kernel log record (from /dev/kmsg, dmesg or a file). */
export interface KmsgRecord {
  seq: number;
  /** Monotonic µs since boot, from the record header. */
  ts_us: number;
  /** ISO wall-clock time derived as dmesg -T does (boot time + ts_us). */
  wall?: string;
  level: number;
  facility: number;
  flags: string;
  text: string;
  caller?: string;
  subsystem?: string;
  device?: string;
  /** Wall-clock ms when read live. */
  arrival_ms?: number;
}
