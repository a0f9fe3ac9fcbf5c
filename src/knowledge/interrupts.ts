import { readFileSync } from 'node:fs';

/**
 * Softirq vector names, in the kernel's order (kernel/softirq.c softirq_to_name, and the print fmt of
 * irq:softirq_entry: { 0, "HI" }, { 1, "TIMER" }, ... { 9, "RCU" }). Stable since 2.6.
 */
export const SOFTIRQ_NAMES: readonly string[] = [
  'HI',
  'TIMER',
  'NET_TX',
  'NET_RX',
  'BLOCK',
  'IRQ_POLL',
  'TASKLET',
  'SCHED',
  'HRTIMER',
  'RCU',
];

export const softirqName = (vec: number): string => SOFTIRQ_NAMES[vec] ?? `softirq_${vec}`;

/** x86 system vectors (arch/x86/include/asm/irq_vectors.h), named as /proc/interrupts names them. */
export const X86_SYSTEM_VECTORS: Readonly<Record<number, { name: string; what: string }>> = {
  0xec: { name: 'LOC', what: 'local timer (the tick)' },
  0xfd: { name: 'RES', what: 'rescheduling IPI' },
  0xfc: { name: 'CAL', what: 'function-call IPI' },
  0xfb: { name: 'CAL', what: 'single function-call IPI' },
  0xf6: { name: 'IWI', what: 'IRQ work' },
};

export const vectorName = (v: number): string => X86_SYSTEM_VECTORS[v]?.name ?? `vector_${v}`;

/** IRQ number -> name ("virtio2-input.0") from the last column of /proc/interrupts. */
export function parseInterrupts(text: string): Map<number, string> {
  const out = new Map<number, string>();
  const lines = text.split('\n');
  const ncpu = (lines[0]?.match(/CPU\d+/g) ?? []).length;
  for (const line of lines.slice(1)) {
    const m = /^\s*(\d+):\s+(.*)$/.exec(line);
    if (!m) continue;
    // After the per-CPU counts come the chip, the hwirq/trigger and the action names.
    const rest = m[2].trim().split(/\s+/).slice(ncpu);
    const name = rest.slice(2).join(' ') || rest.join(' ');
    if (name) out.set(Number(m[1]), name);
  }
  return out;
}

/** Looks IRQ names up in /proc/interrupts, re-reading it when an unknown IRQ shows up (at most once a second). */
export function irqNamer(path = '/proc/interrupts', now: () => number = Date.now): (irq: number) => string | undefined {
  let names = new Map<number, string>();
  let readAt = -Infinity;
  const load = () => {
    readAt = now();
    try {
      names = parseInterrupts(readFileSync(path, 'utf8'));
    } catch {
      // unreadable: IRQs are shown by number
    }
  };
  return (irq) => {
    if (!names.has(irq) && now() - readAt > 1000) load();
    return names.get(irq);
  };
}
