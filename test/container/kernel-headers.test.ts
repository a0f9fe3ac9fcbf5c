// docker/kernel-headers.sh decides how bpftrace gets kernel types in the container, and
// docker/kerntop.sh hands the result to every `docker exec`. Both run here for real, on scratch
// trees standing in for the host (KERNTOP_ROOT), so every branch is reachable on a kernel with BTF.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const repo = new URL('../../', import.meta.url).pathname;
const headersSh = join(repo, 'docker/kernel-headers.sh');
const wrapperSh = join(repo, 'docker/kerntop.sh');

let dir: string;
let env: Record<string, string>;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kerntop-headers-'));
  env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    KERNTOP_ROOT: join(dir, 'host'),
    KERNTOP_STATE_DIR: join(dir, 'run'),
    KERNTOP_HEADERS_CACHE: join(dir, 'cache'),
    KERNTOP_KERNEL_RELEASE: '6.1.0-99-amd64',
    KERNTOP_ARCH: 'x86_64',
  };
  mkdirSync(join(dir, 'host'), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const touch = (path: string) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '');
};
const run = (cmd: 'plan' | 'prepare', extra: Record<string, string> = {}) =>
  execFileSync('bash', [headersSh, cmd], { env: { ...env, ...extra }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

describe('kernel-headers.sh plan', () => {
  it('takes BTF when the kernel has it (this machine, no scratch root)', () => {
    if (!existsSync('/sys/kernel/btf/vmlinux')) return; // the scratch cases below cover the rest
    expect(run('plan', { KERNTOP_ROOT: '' })).toBe('btf /sys/kernel/btf/vmlinux');
  });

  it('prefers BTF over headers that are also there', () => {
    touch(join(dir, 'host/sys/kernel/btf/vmlinux'));
    touch(join(dir, 'host/lib/modules/6.1.0-99-amd64/build/include/generated/autoconf.h'));
    expect(run('plan')).toBe(`btf ${dir}/host/sys/kernel/btf/vmlinux`);
  });

  it('uses host headers from /lib/modules/R/build or /usr/src/linux-headers-R', () => {
    touch(join(dir, 'host/usr/src/linux-headers-6.1.0-99-amd64/include/config/auto.conf'));
    expect(run('plan')).toBe(`host ${dir}/host/usr/src/linux-headers-6.1.0-99-amd64`);
    touch(join(dir, 'host/lib/modules/6.1.0-99-amd64/build/include/generated/autoconf.h'));
    expect(run('plan')).toBe(`host ${dir}/host/lib/modules/6.1.0-99-amd64/build`);
  });

  it('ignores a build link whose tree is not there (e.g. /usr/src not mounted)', () => {
    mkdirSync(join(dir, 'host/lib/modules/6.1.0-99-amd64/build'), { recursive: true });
    expect(run('plan')).toMatch(/^source /);
  });

  it('reuses headers prepared by an earlier start', () => {
    const tree = join(dir, 'cache/6.1.0-99-amd64/usr/src/linux-headers-6.1.0-99-amd64');
    mkdirSync(tree, { recursive: true });
    writeFileSync(join(dir, 'cache/6.1.0-99-amd64/.complete'), `${tree}\n`);
    expect(run('plan')).toBe(`cached ${tree}`);
  });

  it('lets bpftrace unpack kheaders when the kernel carries them', () => {
    touch(join(dir, 'host/sys/kernel/kheaders.tar.xz'));
    expect(run('plan')).toBe(`kheaders ${dir}/host/sys/kernel/kheaders.tar.xz`);
  });

  it('fetches Docker Desktop kernel headers for LinuxKit, the kernel source otherwise', () => {
    expect(run('plan', { KERNTOP_KERNEL_RELEASE: '6.10.14-linuxkit' })).toBe('linuxkit docker/for-desktop-kernel:6.10.14 (x86_64)');
    expect(run('plan', { KERNTOP_KERNEL_RELEASE: '6.1.0-99-amd64' })).toBe('source linux-6.1.tar.xz from cdn.kernel.org');
    expect(run('plan', { KERNTOP_KERNEL_RELEASE: '5.15.167+' })).toBe('source linux-5.15.167.tar.xz from cdn.kernel.org');
  });
});

describe('kernel-headers.sh prepare', () => {
  it('with BTF: ready at once, no header paths exported', () => {
    touch(join(dir, 'host/sys/kernel/btf/vmlinux'));
    const t0 = Date.now();
    run('prepare');
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(readFileSync(join(dir, 'run/headers.state'), 'utf8')).toMatch(/^ready: btf/);
    expect(readFileSync(join(dir, 'run/env'), 'utf8')).toBe('');
  });

  it('with host headers: exports them for bpftrace', () => {
    const tree = join(dir, 'host/usr/src/linux-headers-6.1.0-99-amd64');
    touch(join(tree, 'include/generated/autoconf.h'));
    run('prepare');
    expect(readFileSync(join(dir, 'run/headers.state'), 'utf8')).toBe(`ready: host headers in ${tree}\n`);
    expect(readFileSync(join(dir, 'run/env'), 'utf8')).toBe(
      `export BPFTRACE_KERNEL_SOURCE=${tree}\nexport BPFTRACE_KERNEL_BUILD=${tree}\n`,
    );
  });
});

describe('the kerntop wrapper', () => {
  // Stands in for /opt/kerntop/bin/kerntop: prints the header path it was given and its arguments.
  const app = () => {
    const path = join(dir, 'app.mjs');
    writeFileSync(path, 'console.log(process.env.BPFTRACE_KERNEL_SOURCE ?? "-", process.argv.slice(2).join(" "));\n');
    return path;
  };

  it('waits while headers are prepared, shows their progress, then runs with them', async () => {
    mkdirSync(join(dir, 'run'));
    writeFileSync(join(dir, 'run/headers.state'), 'preparing: linuxkit docker/for-desktop-kernel:6.10.14 (x86_64)\n');
    writeFileSync(join(dir, 'run/headers.log'), 'kerntop-headers: [3/4] layer 1: 120 MB\n');
    const child = spawn('bash', [wrapperSh, '-q', '--json'], { env: { ...env, KERNTOP_APP: app() } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    await new Promise((r) => setTimeout(r, 1500));
    expect(out).toBe(''); // still waiting
    expect(err).toContain('[3/4] layer 1: 120 MB');
    writeFileSync(join(dir, 'run/env'), 'export BPFTRACE_KERNEL_SOURCE=/cache/tree\n');
    writeFileSync(join(dir, 'run/headers.state'), 'ready: headers prepared in /cache/tree\n');
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(0);
    expect(out.trim()).toBe('/cache/tree -q --json');
  });

  it('answers --help at once and says so when preparation failed', () => {
    mkdirSync(join(dir, 'run'));
    writeFileSync(join(dir, 'run/headers.state'), 'preparing: source\n');
    const help = execFileSync('bash', [wrapperSh, '--help'], { env: { ...env, KERNTOP_APP: app() }, encoding: 'utf8' });
    expect(help.trim()).toBe('- --help');
    writeFileSync(join(dir, 'run/headers.state'), 'failed: could not prepare headers\n');
    const r = execFileSync('bash', ['-c', `bash ${wrapperSh} 2>&1`], { env: { ...env, KERNTOP_APP: app() }, encoding: 'utf8' });
    expect(r).toContain('kerntop: failed: could not prepare headers');
  });
});
