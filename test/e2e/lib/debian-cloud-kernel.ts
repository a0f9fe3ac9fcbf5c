// Debian's cloud kernel as a real, small (14 MB vmlinuz) kernel to boot in tests: downloaded once
// with apt-get download, extracted with dpkg-deb, cached under /var/cache/kerntop/kernels/<ABI>/
// ($KERNTOP_KERNEL_CACHE overrides). With { dbg: true } it also fetches the -dbg package and
// extracts only its vmlinux (590 MB; the xz'd data.tar makes this the slow step, ~16 s).
// Serial-console boots from an initramfs need no modules on this config; qemu_fw_cfg.ko is kept
// because crash dumps need it for VMCOREINFO.
//
//   npx tsx test/e2e/lib/debian-cloud-kernel.ts [--dbg]    # fetch (or find) it and print the paths
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const KERNEL_CACHE_ROOT = process.env.KERNTOP_KERNEL_CACHE ?? '/var/cache/kerntop/kernels';

export interface DebianCloudKernel {
  /** e.g. 6.1.0-56-cloud-amd64 */
  abi: string;
  dir: string;
  vmlinuz: string;
  /** qemu_fw_cfg.ko from the same package (for VMCOREINFO in crash dumps). */
  fwCfgKo: string;
  /** The -dbg package's vmlinux, when asked for. */
  vmlinux?: string;
  debs: { image: string; dbg?: string };
  /** What this call spent, per step; a step missing was already cached. */
  timings_s: Record<string, number>;
}

/** Why this machine cannot fetch the kernel, or null when it can. */
export function cloudKernelUnavailableReason(): string | null {
  for (const [cmd, pkg] of [
    ['apt-get', 'apt'],
    ['apt-cache', 'apt'],
    ['dpkg-deb', 'dpkg'],
    ['tar', 'tar'],
  ] as const) {
    if (!which(cmd)) return `${cmd} missing (a Debian host with ${pkg} is needed)`;
  }
  return null;
}

function which(cmd: string): string | null {
  for (const d of (process.env.PATH ?? '').split(':')) if (d && existsSync(join(d, cmd))) return join(d, cmd);
  return null;
}

async function timed<T>(t: Record<string, number>, name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    t[name] = Math.round(performance.now() - t0) / 1000;
  }
}

/** The ABI linux-image-cloud-amd64 depends on now; it changes with every Debian point release. */
export async function resolveCloudAbi(): Promise<string> {
  if (process.env.KERNTOP_CLOUD_ABI) return process.env.KERNTOP_CLOUD_ABI;
  const r = await execa('apt-cache', ['depends', 'linux-image-cloud-amd64'], { reject: false });
  const m = /Depends:\s*linux-image-(\S+-cloud-amd64)\b/.exec(r.stdout);
  if (!m) {
    throw new Error(
      `apt-cache depends linux-image-cloud-amd64 named no kernel (run apt-get update?): ${(r.stderr || r.stdout).slice(0, 400)}`,
    );
  }
  return m[1];
}

/** apt-get download into a private directory, then moved in: two processes never see half a .deb. */
async function download(pkg: string, debsDir: string): Promise<string> {
  const existing = readdirSync(debsDir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
  if (existing) return join(debsDir, existing);
  const tmp = mkdtempSync(join(debsDir, '.dl-'));
  try {
    await execa('apt-get', ['download', pkg], { cwd: tmp });
    const f = readdirSync(tmp).find((x) => x.startsWith(`${pkg}_`) && x.endsWith('.deb'));
    if (!f) throw new Error(`apt-get download ${pkg} left no .deb`);
    renameSync(join(tmp, f), join(debsDir, f));
    return join(debsDir, f);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Extracts members matching `patterns` from a .deb's data into `into` (which must exist). */
async function extract(deb: string, into: string, patterns: string[]): Promise<void> {
  await execa('sh', [
    '-c',
    'deb="$1"; dir="$2"; shift 2; dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" --wildcards "$@"',
    'sh',
    deb,
    into,
    ...patterns,
  ]);
}

export async function ensureDebianCloudKernel(opts: { dbg?: boolean; abi?: string } = {}): Promise<DebianCloudKernel> {
  const timings: Record<string, number> = {};
  const abi = opts.abi ?? (await timed(timings, 'resolve_abi', resolveCloudAbi));
  const dir = join(KERNEL_CACHE_ROOT, abi);
  const debsDir = join(dir, 'debs');
  mkdirSync(debsDir, { recursive: true });
  const vmlinuz = join(dir, `vmlinuz-${abi}`);
  const fwCfgKo = join(dir, 'qemu_fw_cfg.ko');
  const vmlinux = join(dir, `vmlinux-${abi}`);

  const image = await timed(timings, 'download_image', () => download(`linux-image-${abi}`, debsDir));
  if (!existsSync(vmlinuz) || !existsSync(fwCfgKo)) {
    await timed(timings, 'extract_image', async () => {
      const x = mkdtempSync(join(dir, '.x-'));
      try {
        await extract(image, x, ['./boot/vmlinuz-*', '*/qemu_fw_cfg.ko']);
        renameSync(join(x, 'lib', 'modules', abi, 'kernel', 'drivers', 'firmware', 'qemu_fw_cfg.ko'), fwCfgKo);
        renameSync(join(x, 'boot', `vmlinuz-${abi}`), vmlinuz);
      } finally {
        rmSync(x, { recursive: true, force: true });
      }
    });
  }
  const out: DebianCloudKernel = { abi, dir, vmlinuz, fwCfgKo, debs: { image }, timings_s: timings };
  if (opts.dbg) {
    const dbg = await timed(timings, 'download_dbg', () => download(`linux-image-${abi}-dbg`, debsDir));
    out.debs.dbg = dbg;
    if (!existsSync(vmlinux)) {
      await timed(timings, 'extract_vmlinux', async () => {
        const x = mkdtempSync(join(dir, '.x-'));
        try {
          // Only the vmlinux: module debuginfo is most of the package and not needed.
          await extract(dbg, x, ['*/boot/vmlinux-*']);
          renameSync(join(x, 'usr', 'lib', 'debug', 'boot', `vmlinux-${abi}`), vmlinux);
        } finally {
          rmSync(x, { recursive: true, force: true });
        }
      });
    }
    out.vmlinux = vmlinux;
  }
  return out;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const t0 = performance.now();
  const k = await ensureDebianCloudKernel({ dbg: process.argv.includes('--dbg') });
  console.log(JSON.stringify({ ...k, total_s: Math.round(performance.now() - t0) / 1000 }, null, 2));
}
