import type { CommandModule } from 'yargs';
import type { KerntopEvent, ProbeFamily, ProbeStatusEvent } from '../../events.js';
import { CATALOG } from '../../sources/bpftrace/catalog.js';
import { planProbes } from '../live-sources.js';
import { parseProbeList, thresholdOptions, thresholdsFrom } from '../options.js';

interface ProbesArgs {
  json: boolean;
  verify: boolean;
  probes?: string;
  [k: string]: unknown;
}

/**
 * Decides every family as the monitor would, then (unless --no-verify) really starts bpftrace and
 * waits until each family is ATTACHED or FAILED, so the table says what happens on this host.
 */
async function probeTable(a: ProbesArgs): Promise<{
  rows: { family: ProbeFamily; state: string; method: string | null; reason: string | null; measures: string }[];
  problems: string[];
  bpftrace: string | null;
}> {
  const thresholds = thresholdsFrom(a);
  const plan = await planProbes(parseProbeList(a.probes), thresholds);
  const status = new Map<ProbeFamily, ProbeStatusEvent>();
  for (const d of plan.decisions)
    status.set(d.family, {
      type: 'probe.status',
      ts_ms: Date.now(),
      family: d.family,
      state: d.attach && a.verify ? 'STARTING' : d.attach ? 'ATTACHED' : 'SKIPPED',
      ...(d.method ? { method: d.method } : {}),
      ...(d.reason || (d.attach && !a.verify) ? { reason: d.reason || 'requirements met; not verified (--no-verify)' } : {}),
    });
  if (a.verify && plan.source && plan.decisions.some((d) => d.attach)) {
    const settled = new Promise<void>((resolve) => {
      const onEvent = (ev: KerntopEvent) => {
        if (ev.type !== 'probe.status') return;
        status.set(ev.family, ev);
        if ([...status.values()].every((s) => s.state !== 'STARTING')) resolve();
      };
      void plan.source!.start(onEvent);
    });
    await Promise.race([settled, new Promise((r) => setTimeout(r, 30_000))]);
    await plan.source.stop();
  }
  const rows = CATALOG.map((c) => {
    const s = status.get(c.family)!;
    return { family: c.family, state: s.state, method: s.method ?? null, reason: s.reason ?? null, measures: c.measures };
  });
  return {
    rows,
    problems: plan.host.problems,
    bpftrace: plan.host.bpftrace ? `${plan.host.bpftrace.path} ${plan.host.bpftrace.version}` : null,
  };
}

export const probesCommand: CommandModule<object, ProbesArgs> = {
  command: 'probes',
  describe: 'per probe family: does it attach here, with which method, and why not',
  builder: (y) =>
    y
      .options(thresholdOptions)
      .option('json', { type: 'boolean', default: false })
      .option('verify', {
        type: 'boolean',
        default: true,
        describe: 'really attach (as root) rather than only check requirements (--no-verify)',
      })
      .option('probes', { type: 'string', describe: 'families as for the monitor ("+vfs", "all", ...)' }) as never,
  handler: async (a) => {
    const t = await probeTable(a);
    if (a.json) {
      process.stdout.write(`${JSON.stringify({ bpftrace: t.bpftrace, problems: t.problems, probes: t.rows }, null, 2)}\n`);
    } else {
      const fw = Math.max(6, ...t.rows.map((r) => r.family.length));
      const out = [
        `bpftrace: ${t.bpftrace ?? 'not found'}`,
        ...t.problems.map((p) => `problem: ${p}`),
        '',
        `${'FAMILY'.padEnd(fw)}  STATE     METHOD      REASON`,
      ];
      for (const r of t.rows)
        out.push(`${r.family.padEnd(fw)}  ${r.state.padEnd(8)}  ${(r.method ?? '-').padEnd(10)}  ${r.reason ?? ''}`.trimEnd());
      process.stdout.write(`${out.join('\n')}\n`);
    }
    await new Promise<void>((r) => process.stdout.write('', () => r()));
    process.exit(t.rows.some((r) => r.state === 'FAILED') ? 1 : 0);
  },
};
