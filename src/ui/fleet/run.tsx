import type { FleetOptions } from '../../fleet/fetch.js';
import type { Prometheus } from '../../fleet/prometheus.js';

export interface FleetTuiOptions {
  prometheus: string;
  selector: string;
  stragglerFactor: number;
  intervalMs: number;
}

export async function runFleetTui(_p: Prometheus, _o: FleetOptions, _t: FleetTuiOptions): Promise<number> {
  process.stderr.write('kerntop fleet: the screen is not built yet; use -q or --json\n');
  return 3;
}
