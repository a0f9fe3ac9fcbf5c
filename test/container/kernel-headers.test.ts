// docker/kernel-headers.sh decides how bpftrace gets kernel types in the container, and
// docker/kerntop.sh hands the result to every `docker exec`. Both run here for real, on scratch
// trees standing in for the host (KERNTOP_ROOT), so every branch is reachable on a kernel with BTF.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

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
  execFileSync('bash', [headersSh, cmd], {
    env: { ...env, ...extra },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();

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
    expect(run('plan', { KERNTOP_KERNEL_RELEASE: '6.10.14-linuxkit' })).toBe(
      'linuxkit docker/for-desktop-kernel:6.10.14 (x86_64)',
    );
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

// Docker Hub and kernel.org are out of reach from the test machine, so a local server answers the
// same endpoints with the same shapes; the archive it serves is a real gzip layer holding a real
// kernel-dev.tar, unpacked by the script's own tar commands.
describe('kernel-headers.sh prepare without BTF (LinuxKit)', () => {
  const release = '6.10.14-linuxkit';
  let server: Server;
  let base = '';
  let layer: Buffer;
  const seen: string[] = [];

  beforeAll(async () => {
    const build = mkdtempSync(join(tmpdir(), 'kerntop-layer-'));
    const tree = join(build, 'dev/usr/src', `linux-headers-${release}`, 'include/generated');
    mkdirSync(tree, { recursive: true });
    writeFileSync(join(tree, 'autoconf.h'), '#define CONFIG_BPF 1\n');
    mkdirSync(join(build, 'layer'));
    execFileSync('tar', ['-cf', join(build, 'layer/kernel-dev.tar'), '-C', join(build, 'dev'), 'usr']);
    writeFileSync(join(build, 'layer/kernel'), 'not a kernel');
    execFileSync('tar', ['-czf', join(build, 'layer.tgz'), '-C', join(build, 'layer'), 'kernel', 'kernel-dev.tar']);
    layer = readFileSync(join(build, 'layer.tgz'));
    rmSync(build, { recursive: true, force: true });

    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const json = (v: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(v));
      const authed = req.headers.authorization === 'Bearer tok123';
      const url = req.url ?? '';
      if (url.startsWith('/hub/v2/repositories/docker/for-desktop-kernel/tags?')) {
        return json({ results: [{ name: '6.10.14-aaaa' }, { name: '6.10.14-bbbb' }] });
      }
      if (url.startsWith('/auth/token?')) return json({ token: 'tok123' });
      if (url === '/v2/docker/for-desktop-kernel/manifests/6.10.14-aaaa' && authed) {
        return json({
          manifests: [
            { digest: 'sha256:arm', platform: { architecture: 'arm64' } },
            { digest: 'sha256:amd', platform: { architecture: 'amd64' } },
          ],
        });
      }
      if (url === '/v2/docker/for-desktop-kernel/manifests/sha256:amd' && authed) {
        return json({ layers: [{ digest: 'sha256:layer1', size: layer.length }] });
      }
      if (url === '/v2/docker/for-desktop-kernel/blobs/sha256:layer1' && authed) {
        return res.writeHead(200, { 'content-length': layer.length }).end(layer);
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server?.close());

  // Asynchronous: the server answering the script lives in this process.
  const prepareAsync = (extra: Record<string, string>) =>
    new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const c = spawn('bash', [headersSh, 'prepare'], { env: { ...env, ...extra }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      c.stderr.on('data', (d) => (stderr += d));
      c.on('exit', (status) => resolve({ status, stderr }));
    });
  const net = () => ({
    KERNTOP_KERNEL_RELEASE: release,
    KERNTOP_FETCH_JS: join(repo, 'docker/fetch.mjs'),
    KERNTOP_HUB_URL: `${base}/hub`,
    KERNTOP_AUTH_URL: `${base}/auth`,
    KERNTOP_REGISTRY_URL: `${base}/v2`,
    KERNTOP_KERNEL_ORG_URL: `${base}/kernel.org`,
  });

  it('takes the headers of the newest matching Docker Desktop kernel image, then reuses them', async () => {
    const r = await prepareAsync(net());
    expect(r.status, r.stderr).toBe(0);
    const tree = join(dir, 'cache', release, 'usr/src', `linux-headers-${release}`);
    expect(readFileSync(join(dir, 'run/headers.state'), 'utf8')).toBe(`ready: headers prepared in ${tree}\n`);
    expect(readFileSync(join(dir, 'run/env'), 'utf8')).toContain(`export BPFTRACE_KERNEL_SOURCE=${tree}\n`);
    expect(readFileSync(join(tree, 'include/generated/autoconf.h'), 'utf8')).toContain('CONFIG_BPF');
    expect(r.stderr).toMatch(/\[1\/4\].*\n[\s\S]*\[2\/4\][\s\S]*\[3\/4\] layer 1[\s\S]*layer 1: [\d.]+ MB done[\s\S]*\[4\/4\]/);
    expect(seen).toContain('GET /v2/docker/for-desktop-kernel/blobs/sha256:layer1');
    expect(run('plan', net())).toBe(`cached ${tree}`);
  });

  it('falls back to the kernel source, and without /proc/config.gz says what is missing', async () => {
    const r = await prepareAsync({ ...net(), KERNTOP_KERNEL_RELEASE: '6.10.99-linuxkit' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no docker/for-desktop-kernel tag for 6.10.99');
    expect(r.stderr).toContain("no /proc/config.gz: the kernel's configuration is needed to prepare headers");
    expect(readFileSync(join(dir, 'run/headers.state'), 'utf8')).toMatch(
      /^failed: could not prepare headers for 6\.10\.99-linuxkit/,
    );
    expect(existsSync(join(dir, 'cache/6.10.99-linuxkit.tmp'))).toBe(false);
  });
});

describe('fetch.mjs', () => {
  it('downloads with progress lines and fails with the HTTP status', async () => {
    const body = Buffer.alloc(3 * 1048576, 7);
    const server = createServer(async (req, res) => {
      if (req.url !== '/file') return res.writeHead(404, 'Not Found').end();
      res.writeHead(200, { 'content-length': body.length });
      for (let i = 0; i < 6; i++) {
        res.write(body.subarray(i * 524288, (i + 1) * 524288));
        await new Promise((r) => setTimeout(r, 60));
      }
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const out = join(dir, 'file');
    const run = (args: string[]) =>
      new Promise<{ code: number | null; err: string }>((resolve) => {
        const c = spawn(process.execPath, [join(repo, 'docker/fetch.mjs'), ...args], {
          env: { ...env, KERNTOP_PROGRESS_MS: '50' },
        });
        let err = '';
        c.stderr.on('data', (d) => (err += d));
        c.on('exit', (code) => resolve({ code, err }));
      });
    try {
      const ok = await run(['get', `${url}/file`, out, 'linux.tar.xz']);
      expect(ok.code, ok.err).toBe(0);
      expect(readFileSync(out).equals(body)).toBe(true);
      expect(ok.err).toMatch(/linux\.tar\.xz: [\d.]+ MB of 3\.0 MB \(\d+%\)/);
      expect(ok.err).toContain('linux.tar.xz: 3.0 MB done');
      const missing = await run(['get', `${url}/nope`, out, 'x']);
      expect(missing.code).toBe(1);
      expect(missing.err).toContain('HTTP 404 Not Found');
    } finally {
      server.close();
    }
  });
});
