import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const read = (p: string): string => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
};

/** The tracer each tracefs instance runs: the top one and every instances/NAME. */
function currentTracers(tracefs: string): string[] {
  const out = [read(join(tracefs, 'current_tracer')).trim()];
  const dir = join(tracefs, 'instances');
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) out.push(read(join(dir, name, 'current_tracer')).trim());
  }
  return out;
}

/**
 * Why ftrace tracers a strategy needs are not usable, or null. Their tracepoints (osnoise:*) report only
 * while the tracer runs, and kerntop does not start one: it would take CPUs from the host (osnoise runs
 * a busy loop on every CPU unless told otherwise) and from whoever else uses tracefs.
 */
export function tracersUnmet(tracers: readonly string[], tracefs: string | null): string | null {
  if (!tracefs) return 'tracefs is not mounted';
  const available = read(join(tracefs, 'available_tracers')).split(/\s+/).filter(Boolean);
  const missing = tracers.filter((t) => !available.includes(t));
  if (missing.length)
    return `tracer ${missing.join(', ')} not in available_tracers (kernel built without CONFIG_${missing[0].toUpperCase()}_TRACER)`;
  const running = currentTracers(tracefs);
  const idle = tracers.filter((t) => !running.includes(t));
  if (idle.length)
    return `tracer ${idle.join(', ')} is available but not running (start it with rtla ${idle[0]}, or echo ${idle[0]} > ${tracefs}/current_tracer)`;
  return null;
}
