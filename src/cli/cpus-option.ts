import { readFileSync } from 'node:fs';
import type { ProbeFamily } from '../events.js';
import { formatCpuList, parseCpuList, parseSysfsCpuList } from '../knowledge/cpulist.js';

/**
 * --cpus LIST: the CPUs to measure, checked against the CPUs this host has (present ones; an offline
 * CPU may be named: it is shown offline until it comes back). undefined when not given.
 */
export function cpusFrom(value: unknown, presentPath = '/sys/devices/system/cpu/present'): number[] | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value.join(',') : String(value);
  const cpus = parseCpuList(text, '--cpus');
  let present: number[] = [];
  try {
    present = parseSysfsCpuList(readFileSync(presentPath, 'utf8'));
  } catch {
    return cpus; // cannot check: the kernel filter simply matches nothing for a CPU that is not there
  }
  const missing = cpus.filter((c) => !present.includes(c));
  if (present.length && missing.length)
    throw new Error(
      `--cpus ${text}: this host has no CPU ${formatCpuList(missing)} (its CPUs are ${formatCpuList(present)}, from ${presentPath})`,
    );
  return cpus;
}

/** The cpus pane and --cpus need the noise family: added unless the user removed it (-noise). */
export function wantsNoise(a: { cpus?: unknown; pane?: string }): boolean {
  return a.cpus !== undefined || a.pane === 'cpus';
}

export function addNoise(sel: { requested?: Set<ProbeFamily>; removed: Set<ProbeFamily>; added: Set<ProbeFamily> }): void {
  if (sel.removed.has('noise')) return;
  sel.added.add('noise');
  sel.requested?.add('noise');
}
