// A real crash dump to test against: Debian's cloud kernel boots under QEMU (TCG, one vCPU) from a
// busybox initramfs, loads qemu_fw_cfg.ko so the dump carries VMCOREINFO, sets TAINT_WARN, crashes
// with sysrq-c, and QEMU writes the guest's memory as an ELF core with paging on (the only QEMU 7.2
// format Debian's drgn 0.0.22 reads without workarounds). The kernel packages come through
// debian-cloud-kernel.ts (/var/cache/kerntop/kernels/<ABI>/); the dumps and a zstd'd vmlinux are
// cached under /var/cache/kerntop/vmcore-lab/<ABI>/, keyed by the kernel ABI, so only the first run pays.
//
// Why each choice (measured on this kind of machine):
// - TCG, not KVM: /dev/kvm here is a nested PVM that hangs stock kernels.
// - -smp 1: QEMU numbers PRSTATUS notes by vCPU and drgn matches them to PIDs, so with two vCPUs
//   pid 1 can get the other CPU's registers.
// - paging=true: drgn 0.0.22 cannot translate through a p_vaddr=0 dump.
import { execa } from 'execa';
import { createConnection } from 'node:net';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ensureDebianCloudKernel } from './debian-cloud-kernel.js';

export const LAB_CACHE_ROOT = process.env.KERNTOP_LAB_CACHE ?? '/var/cache/kerntop/vmcore-lab';
/** Bumped when the guest script changes, so a cached dump made by an older recipe is not reused. */
const LAB_RECIPE = 'v1';

export interface VmcoreLab {
  abi: string; // 6.1.0-56-cloud-amd64
  dir: string;
  vmlinuz: string;
  vmlinux: string;
  vmlinuxZst: string;
  fwCfgKo: string;
  /** ELF dump (paging on) of a guest that crashed with sysrq-c after loading qemu_fw_cfg and tainting W. */
  vmcore: string;
  /** Same crash, without qemu_fw_cfg: the dump has no VMCOREINFO note. */
  vmcoreNoInfo: string;
  /** Guest serial console of the crash run. */
  consoleLog: string;
  /** A -dbg style tree: usr/lib/debug/boot/vmlinux-ABI and the qemu_fw_cfg.ko module debuginfo. */
  debugTree: string;
  timings_s: Record<string, number>;
}

/** Why this machine cannot make a dump, or null when it can. */
export function labUnavailableReason(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (apt-get download, QEMU dump files are 0400)';
  for (const [cmd, pkg] of [
    ['qemu-system-x86_64', 'qemu-system-x86'],
    ['busybox', 'busybox-static'],
    ['cpio', 'cpio'],
    ['zstd', 'zstd'],
    ['apt-get', 'apt'],
    ['dpkg-deb', 'dpkg'],
  ] as const) {
    if (!whichSync(cmd)) return `${cmd} missing (apt-get install ${pkg})`;
  }
  return null;
}

function whichSync(cmd: string): string | null {
  for (const d of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    if (d && existsSync(join(d, cmd))) return join(d, cmd);
  }
  return null;
}

async function timed<T>(timings: Record<string, number>, name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    timings[name] = Math.round(performance.now() - t0) / 1000;
  }
}

/**
 * A different build of the same kernel family, for "vmlinux of another kernel": the newest cloud
 * ABI below `abi` whose -dbg package the archive still lists.
 */
export async function resolveOtherCloudAbi(abi: string): Promise<string | null> {
  const { stdout } = await execa('apt-cache', ['search', '--names-only', '^linux-image-[0-9.]+-[0-9]+-cloud-amd64-dbg$'], {
    reject: false,
  });
  const num = (a: string) => Number(/^[\d.]+-(\d+)-/.exec(a)?.[1] ?? -1);
  const abis = [...stdout.matchAll(/^linux-image-(\S+-cloud-amd64)-dbg /gm)]
    .map((m) => m[1])
    .filter((a) => num(a) < num(abi))
    .sort((a, b) => num(b) - num(a));
  return abis[0] ?? null;
}

const GUEST_INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
[ -f /qemu_fw_cfg.ko ] && insmod /qemu_fw_cfg.ko && echo "lab: fw_cfg rev $(cat /sys/firmware/qemu_fw_cfg/rev)"
# TAINT_WARN (bit 9): a non-zero taint the report must decode as W.
echo 512 > /proc/sys/kernel/tainted
echo "lab: tainted $(cat /proc/sys/kernel/tainted)"
echo "lab: crashing"
echo c > /proc/sysrq-trigger
sleep 1000
`;

/** A static-busybox initramfs whose /init crashes the guest; with fwCfgKo it loads qemu_fw_cfg first. */
export async function makeInitramfs(out: string, fwCfgKo?: string): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'kerntop-initramfs-'));
  try {
    for (const d of ['bin', 'proc', 'sys', 'dev']) mkdirSync(join(root, d));
    copyFileSync(whichSync('busybox')!, join(root, 'bin', 'busybox'));
    chmodSync(join(root, 'bin', 'busybox'), 0o755);
    writeFileSync(join(root, 'init'), GUEST_INIT, { mode: 0o755 });
    if (fwCfgKo) copyFileSync(fwCfgKo, join(root, 'qemu_fw_cfg.ko'));
    await execa('sh', ['-c', 'cd "$1" && find . | cpio -o -H newc --quiet | gzip -1 > "$2"', 'sh', root, out]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Minimal QMP client: greeting, qmp_capabilities, then one command at a time; events are skipped. */
class Qmp {
  private buf = '';
  private waiters: ((msg: Record<string, unknown>) => void)[] = [];
  private queue: Record<string, unknown>[] = [];
  private constructor(private sock: ReturnType<typeof createConnection>) {
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      this.buf += d;
      let i: number;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, i).trim();
        this.buf = this.buf.slice(i + 1);
        if (!line) continue;
        const msg = JSON.parse(line) as Record<string, unknown>;
        if ('event' in msg) continue; // STOP, DUMP_COMPLETED, ... interleave with replies
        const w = this.waiters.shift();
        if (w) w(msg);
        else this.queue.push(msg);
      }
    });
  }
  static async connect(path: string, deadline: number): Promise<Qmp> {
    for (;;) {
      try {
        const sock = await new Promise<ReturnType<typeof createConnection>>((res, rej) => {
          const s = createConnection(path);
          s.once('connect', () => res(s));
          s.once('error', rej);
        });
        const q = new Qmp(sock);
        await q.next(); // greeting
        await q.cmd('qmp_capabilities');
        return q;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
  private next(): Promise<Record<string, unknown>> {
    const m = this.queue.shift();
    if (m) return Promise.resolve(m);
    return new Promise((res) => this.waiters.push(res));
  }
  async cmd(execute: string, args?: Record<string, unknown>): Promise<unknown> {
    this.sock.write(JSON.stringify(args ? { execute, arguments: args } : { execute }) + '\n');
    const r = await this.next();
    if ('error' in r) throw new Error(`QMP ${execute}: ${JSON.stringify(r.error)}`);
    return r.return;
  }
  close() {
    this.sock.destroy();
  }
}

/** Boots the guest, waits for the end of the panic, dumps its memory to `out` (ELF, paging on). */
export async function crashAndDump(opts: {
  vmlinuz: string;
  initramfs: string;
  out: string;
  consoleLog: string;
  timeoutMs?: number;
  /** QMP dump-guest-memory format: "elf" (default, paging on) or QEMU 7.2's flattened "kdump-zlib". */
  format?: 'elf' | 'kdump-zlib';
}): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'kerntop-qemu-'));
  const sock = join(work, 'qmp.sock');
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  const qemu = execa(
    'qemu-system-x86_64',
    [
      '-accel',
      'tcg',
      '-m',
      '512',
      '-smp',
      '1',
      '-kernel',
      opts.vmlinuz,
      '-initrd',
      opts.initramfs,
      '-append',
      'console=ttyS0 panic=0',
      '-device',
      'vmcoreinfo',
      '-display',
      'none',
      '-serial',
      `file:${opts.consoleLog}`,
      '-no-reboot',
      '-qmp',
      `unix:${sock},server=on,wait=off`,
    ],
    { stdin: 'ignore', reject: false, forceKillAfterDelay: 2000 },
  );
  let qmp: Qmp | undefined;
  try {
    // panic=0 leaves the guest in panic's halt loop; the banner's end marks a finished panic.
    for (;;) {
      if (qemu.exitCode !== null) throw new Error(`qemu exited early: ${(await qemu).stderr}`);
      const log = existsSync(opts.consoleLog) ? readFileSync(opts.consoleLog, 'utf8') : '';
      if (log.includes('---[ end Kernel panic')) break;
      if (Date.now() > deadline) throw new Error(`no panic within the time limit; console:\n${log.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    qmp = await Qmp.connect(sock, deadline);
    rmSync(opts.out, { force: true });
    const format = opts.format ?? 'elf';
    await qmp.cmd('dump-guest-memory', { paging: format === 'elf', protocol: `file:${opts.out}.part`, format });
    renameSync(`${opts.out}.part`, opts.out);
    await qmp.cmd('quit').catch(() => undefined);
  } finally {
    qmp?.close();
    if (qemu.exitCode === null) qemu.kill('SIGTERM');
    await qemu;
    rmSync(work, { recursive: true, force: true });
  }
}

/** Everything a vmcore test needs, made once and cached by kernel ABI. */
export async function ensureVmcoreLab(): Promise<VmcoreLab> {
  const timings: Record<string, number> = {};
  // Downloads live in one place (debian-cloud-kernel.ts); the lab keeps only what it derives.
  const kernel = await ensureDebianCloudKernel({ dbg: true });
  Object.assign(timings, kernel.timings_s);
  const abi = kernel.abi;
  const dir = join(LAB_CACHE_ROOT, abi);
  mkdirSync(dir, { recursive: true });
  const vmlinuxZst = join(dir, `vmlinux-${abi}.zst`);
  if (!existsSync(vmlinuxZst)) {
    await timed(timings, 'compress_vmlinux', async () => {
      await execa('zstd', ['-q', '-f', '-3', '-T0', kernel.vmlinux!, '-o', `${vmlinuxZst}.part`]);
      renameSync(`${vmlinuxZst}.part`, vmlinuxZst);
    });
  }
  const k = { vmlinuz: kernel.vmlinuz, fwCfgKo: kernel.fwCfgKo, vmlinux: kernel.vmlinux!, vmlinuxZst };
  const dumps = join(dir, `dumps-${LAB_RECIPE}`);
  mkdirSync(dumps, { recursive: true });
  const vmcore = join(dumps, 'vmcore.elf');
  const consoleLog = join(dumps, 'console.log');
  if (!existsSync(vmcore)) {
    await timed(timings, 'crash_dump', async () => {
      const initrd = join(dumps, 'initramfs-fwcfg.cpio.gz');
      await makeInitramfs(initrd, k.fwCfgKo);
      await crashAndDump({ vmlinuz: k.vmlinuz, initramfs: initrd, out: vmcore, consoleLog });
    });
  }
  const vmcoreNoInfo = join(dumps, 'vmcore-no-vmcoreinfo.elf');
  if (!existsSync(vmcoreNoInfo)) {
    await timed(timings, 'crash_dump_no_vmcoreinfo', async () => {
      const initrd = join(dumps, 'initramfs-plain.cpio.gz');
      await makeInitramfs(initrd);
      await crashAndDump({
        vmlinuz: k.vmlinuz,
        initramfs: initrd,
        out: vmcoreNoInfo,
        consoleLog: join(dumps, 'console-no-vmcoreinfo.log'),
      });
    });
  }
  // A debuginfo tree as the -dbg package lays it out, for --debuginfo-dir: the vmlinux (a hard
  // link, no copy) and the module debuginfo of qemu_fw_cfg (one more pass over the -dbg data).
  const debugTree = join(dir, 'debug');
  const modDbg = join(debugTree, 'usr', 'lib', 'debug', 'lib', 'modules', abi, 'kernel', 'drivers', 'firmware', 'qemu_fw_cfg.ko');
  if (!existsSync(modDbg)) {
    await timed(timings, 'extract_module_debuginfo', async () => {
      const x = mkdtempSync(join(dir, '.x-'));
      try {
        await execa('sh', [
          '-c',
          `dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" --wildcards '*/qemu_fw_cfg.ko'`,
          'sh',
          kernel.debs.dbg!,
          x,
        ]);
        mkdirSync(join(modDbg, '..'), { recursive: true });
        renameSync(
          join(x, 'usr', 'lib', 'debug', 'lib', 'modules', abi, 'kernel', 'drivers', 'firmware', 'qemu_fw_cfg.ko'),
          modDbg,
        );
      } finally {
        rmSync(x, { recursive: true, force: true });
      }
    });
  }
  const treeVmlinux = join(debugTree, 'usr', 'lib', 'debug', 'boot', `vmlinux-${abi}`);
  if (!existsSync(treeVmlinux)) {
    mkdirSync(join(treeVmlinux, '..'), { recursive: true });
    linkSync(k.vmlinux, treeVmlinux);
  }
  statSync(vmcore);
  return { abi, dir, ...k, vmcore, vmcoreNoInfo, consoleLog, debugTree, timings_s: timings };
}

/** The -dbg vmlinux of another cloud kernel build (a real mismatch for the dump), or null if none is listed. */
export async function ensureOtherVmlinux(abi: string): Promise<{ abi: string; vmlinux: string } | null> {
  const other = await resolveOtherCloudAbi(abi);
  if (!other) return null;
  const k = await ensureDebianCloudKernel({ dbg: true, abi: other });
  return { abi: other, vmlinux: k.vmlinux! };
}

// `npx tsx test/e2e/lib/vmcore-lab.ts` makes (or finds) the lab and prints where it is.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const t0 = performance.now();
  const lab = await ensureVmcoreLab();
  const other = process.argv.includes('--other') ? await ensureOtherVmlinux(lab.abi) : null;
  console.log(JSON.stringify({ ...lab, other, total_s: Math.round(performance.now() - t0) / 1000 }, null, 2));
}
