/**
 * Wall-clock time of a kmsg timestamp, derived the way `dmesg -T` does: the record's µs since boot
 * (printk's local_clock, which stops during suspend like CLOCK_MONOTONIC) plus the offset between
 * the real-time clock and CLOCK_MONOTONIC. libuv's hrtime reads CLOCK_MONOTONIC on Linux. The
 * offset is re-sampled every few seconds so an NTP step is followed. Right for records logged after
 * the last resume; earlier ones come out late by the suspended time that followed them, as in dmesg.
 */
export class BootClock {
  private offset_us = 0;
  private sampled_ms = -Infinity;

  constructor(private readonly resample_ms = 5000) {}

  /** µs of real time at which CLOCK_MONOTONIC was zero. */
  offsetUs(): number {
    const now = Date.now();
    if (now - this.sampled_ms >= this.resample_ms || now < this.sampled_ms) {
      this.offset_us = now * 1000 - Number(process.hrtime.bigint() / 1000n);
      this.sampled_ms = now;
    }
    return this.offset_us;
  }

  wallMs(ts_us: number): number {
    return (this.offsetUs() + ts_us) / 1000;
  }

  /** ISO 8601 in UTC with microseconds, e.g. 2026-11-22T07:09:01.123456Z. */
  wallIso(ts_us: number): string {
    return isoMicros(this.offsetUs() + ts_us);
  }
}

export function isoMicros(epoch_us: number): string {
  const ms = Math.floor(epoch_us / 1000);
  const micros = Math.floor(epoch_us - ms * 1000);
  const iso = new Date(ms).toISOString(); // 2026-11-22T07:09:01.123Z
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}
