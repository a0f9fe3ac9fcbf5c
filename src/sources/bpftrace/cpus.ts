// --cpus in the kernel: fragments test `{{cpu_ok}}` against a `$cpu` they set (the running CPU, or a
// wakeup's target), so work for CPUs that are not measured is skipped before any map is touched.

/** A bpftrace boolean over $cpu that holds for the CPUs given; "1" when all are measured. */
export function cpuFilterExpr(cpus: readonly number[] | undefined): string {
  if (!cpus || cpus.length === 0) return '1';
  const s = [...new Set(cpus)].sort((a, b) => a - b);
  const terms: string[] = [];
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    terms.push(j === i ? `$cpu == ${s[i]}` : `($cpu >= ${s[i]} && $cpu <= ${s[j]})`);
    i = j + 1;
  }
  return terms.length === 1 ? terms[0] : `(${terms.join(' || ')})`;
}
