// The kernel's CPU list format ("0-3,6,8-9"), as sysfs writes it (cpu/online, cpu/isolated,
// cpuset.cpus) and as --cpus takes it. The one parser and formatter for both directions.

export class CpuListError extends Error {}

/** Parses a CPU list; throws CpuListError naming what is wrong and how to write it. */
export function parseCpuList(text: string, what = 'CPU list'): number[] {
  const src = text.trim();
  if (src === '') throw new CpuListError(`${what} is empty: give CPUs such as 2-3,6`);
  const out = new Set<number>();
  for (const raw of src.split(',')) {
    const part = raw.trim();
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new CpuListError(`${what}: '${part}' is not a CPU number or range (write CPUs such as 2-3,6)`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new CpuListError(`${what}: the range ${a}-${b} runs backwards (write ${b}-${a})`);
    for (let c = a; c <= b; c++) out.add(c);
  }
  return [...out].sort((x, y) => x - y);
}

/** Reads a sysfs CPU list; an empty file (no CPUs) is an empty list, not an error. */
export function parseSysfsCpuList(text: string): number[] {
  const t = text.trim();
  if (t === '' || t === '(null)') return [];
  try {
    return parseCpuList(t);
  } catch {
    return [];
  }
}

/** [0,1,2,3,6] -> "0-3,6", as the kernel writes it (two in a row are a range too: "0-1"). */
export function formatCpuList(cpus: readonly number[]): string {
  const s = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    parts.push(j === i ? String(s[i]) : `${s[i]}-${s[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
