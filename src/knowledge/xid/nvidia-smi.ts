import { normalizePci } from './pci.js';
import type { GpuInfo } from './tracker.js';

export const NVIDIA_SMI_ARGS = ['--query-gpu=index,pci.bus_id,name,uuid', '--format=csv,noheader'];

/** Parses `nvidia-smi --query-gpu=index,pci.bus_id,name,uuid --format=csv,noheader`. */
export function parseNvidiaSmiCsv(out: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const line of out.split('\n')) {
    const cols = line.split(',').map((c) => c.trim());
    if (cols.length < 4) continue;
    // A GPU name may hold a comma: index and bus id are first, the UUID last.
    const index = Number(cols[0]);
    const pci = normalizePci(cols[1]);
    const uuid = cols[cols.length - 1];
    const name = cols.slice(2, -1).join(', ');
    if (!pci || !Number.isInteger(index)) continue;
    const g: GpuInfo = { pci, index, name };
    if (/^GPU-/i.test(uuid)) g.uuid = uuid;
    gpus.push(g);
  }
  return gpus;
}

/**
 * Asks nvidia-smi for index, bus id, name and UUID. Returns null with the reason when it cannot
 * (not installed, no driver, no GPU): Xids then carry what the log itself says.
 */
export async function queryNvidiaSmi(bin = 'nvidia-smi'): Promise<{ gpus: GpuInfo[] } | { gpus: null; reason: string }> {
  try {
    // execa costs ~90 ms to load: only when a child is really needed, not at every start-up.
    const { execa } = await import('execa');
    const r = await execa(bin, NVIDIA_SMI_ARGS, { timeout: 10_000, reject: false });
    if (r.failed) {
      const why =
        (r as { code?: string }).code === 'ENOENT'
          ? `${bin} not found`
          : (r.stderr || r.stdout || r.shortMessage || 'failed').trim().split('\n')[0];
      return { gpus: null, reason: why };
    }
    return { gpus: parseNvidiaSmiCsv(r.stdout) };
  } catch (e) {
    return { gpus: null, reason: (e as Error).message };
  }
}
