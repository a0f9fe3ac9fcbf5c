// kerntop last-boot on real pstore records: a QEMU guest (Debian's cloud kernel, busybox initramfs
// from the boot-test job) reserves 1 MiB for ramoops, panics on sysrq, reboots in place (panic=1; a
// QEMU reset keeps RAM), finds its own dump in /sys/fs/pstore and prints it on the serial console.
// The files are written out as the guest listed them and read back by the built CLI.
import { execa, execaSync } from 'execa';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpioNewc } from '../../src/jobs/boot-test/cpio.js';
import { baseInitramfs } from '../../src/jobs/boot-test/initramfs.js';
import { archInfo } from '../../src/jobs/boot-test/arch.js';
import { cloudKernelUnavailableReason, ensureDebianCloudKernel } from './lib/debian-cloud-kernel.js';
import { BIN } from './lib/boot-test-cli.js';

const qemu = (() => {
  try {
    return execaSync('qemu-system-x86_64', ['--version']).exitCode === 0;
  } catch {
    return false;
  }
})();
const skipReason =
  process.arch !== 'x64' ? 'needs an x86-64 host' : !qemu ? 'qemu-system-x86_64 missing' : cloudKernelUnavailableReason();

// Guest RAM 512 MiB; ramoops takes 1 MiB at 256 MiB, kept out of the kernel's hands by memmap=.
const RAMOOPS = 'mem_address=0x10000000 mem_size=0x100000 record_size=0x20000 ecc=0';
const GUEST_INIT = `#!/bin/sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
insmod /reed_solomon.ko
insmod /ramoops.ko ${RAMOOPS}
mkdir -p /sys/fs/pstore
mount -t pstore pstore /sys/fs/pstore
if ls /sys/fs/pstore/dmesg-ramoops-* >/dev/null 2>&1; then
  echo KT-PSTORE-BEGIN
  for f in /sys/fs/pstore/*; do echo "KT-FILE $(basename $f)"; cat $f; echo; echo KT-EOF; done
  echo KT-PSTORE-END
  poweroff -f
else
  echo KT-FIRST-BOOT
  echo 1 > /proc/sys/kernel/sysrq
  echo c > /proc/sysrq-trigger
fi
`;

const work = mkdtempSync(join(tmpdir(), 'kerntop-ramoops-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let serial = '';
const pstoreDir = join(work, 'pstore');

describe.skipIf(skipReason !== null)(
  `last-boot on a QEMU guest's own ramoops records${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    beforeAll(async () => {
      const k = await ensureDebianCloudKernel();
      const mods = join(work, 'mods');
      mkdirSync(mods);
      const want = ['kernel/fs/pstore/ramoops.ko', 'kernel/lib/reed_solomon/reed_solomon.ko'].map(
        (m) => `./lib/modules/${k.abi}/${m}`,
      );
      const tar = await execa('sh', [
        '-c',
        `dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" ${want.map((w) => `'${w}'`).join(' ')}`,
        'sh',
        k.debs.image,
        mods,
      ]);
      expect(tar.exitCode).toBe(0);
      const extra = cpioNewc([
        { name: 'init', kind: 'file', mode: 0o755, data: Buffer.from(GUEST_INIT) },
        ...want.map((w) => ({
          name: w.split('/').pop()!,
          kind: 'file' as const,
          mode: 0o644,
          data: readFileSync(join(mods, w)),
        })),
      ]);
      const base = baseInitramfs(archInfo('x86_64')!);
      const initrd = join(work, 'initrd.gz');
      writeFileSync(initrd, Buffer.concat([readFileSync(base.path), gzipSync(extra)]));
      const r = await execa(
        'qemu-system-x86_64',
        [
          '-accel',
          'tcg',
          '-m',
          '512',
          '-smp',
          '1',
          '-nographic',
          '-no-user-config',
          '-nodefaults',
          '-serial',
          'stdio',
          '-kernel',
          k.vmlinuz,
          '-initrd',
          initrd,
          '-append',
          'console=ttyS0 panic=1 memmap=1M$0x10000000 quiet loglevel=4',
        ],
        { reject: false, timeout: 240_000, stdin: 'ignore', all: true },
      );
      serial = String(r.all ?? '').replace(/\r/g, '');
      mkdirSync(pstoreDir);
      const block = serial.slice(serial.indexOf('KT-PSTORE-BEGIN'), serial.indexOf('KT-PSTORE-END'));
      for (const m of block.matchAll(/KT-FILE (\S+)\n([\s\S]*?)\nKT-EOF/g)) writeFileSync(join(pstoreDir, m[1]), m[2]);
    }, 300_000);

    it('the guest crashed on the first boot and found its dump on the second', () => {
      expect(serial).toContain('KT-FIRST-BOOT');
      expect(serial).toMatch(/Kernel panic - not syncing: sysrq triggered crash/);
      expect(serial).toContain('KT-PSTORE-BEGIN');
      expect(readdirSync(pstoreDir)).toContain('dmesg-ramoops-0');
    });

    it('kerntop last-boot names the crash from those records', async () => {
      const r = await execa(
        BIN,
        ['last-boot', '--pstore', pstoreDir, '--crash-dir', join(work, 'no-crash-dir'), '--no-journal', '--json'],
        { reject: false },
      );
      expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(2);
      const j = JSON.parse(r.stdout);
      expect(j).toMatchObject({
        crashed: true,
        from: 'pstore',
        class: 'panic',
        title: 'kernel panic: sysrq triggered crash',
        function: 'sysrq_handle_crash',
      });
      expect(j.sources[0].note).toMatch(/^Panic#1, \d+ parts? \(ramoops\)$/);
      const text = await execa(
        BIN,
        ['last-boot', '--pstore', pstoreDir, '--crash-dir', join(work, 'no-crash-dir'), '--no-journal'],
        { reject: false },
      );
      expect(text.stdout).toMatch(
        /^last boot: ended in a crash: kernel panic: sysrq triggered crash\n {2}guilty function: sysrq_handle_crash\n/,
      );
    });
  },
);
