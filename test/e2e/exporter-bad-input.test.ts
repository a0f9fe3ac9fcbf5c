// Bad input to `kerntop exporter`: each gets a message naming the cause and the fix (and exit 3
// when nothing can be served), or the right HTTP status while the exporter keeps serving.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './lib/kerntop.js';
import { freePort, healthy, httpGet, startExporter, until, type Child } from './lib/exporter.js';

const isRoot = process.geteuid?.() === 0;
const RECORDING = join(ROOT, 'fixtures/sessions/busy-host.jsonl');
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'kerntop-exp-bad-'));
const kids: Child[] = [];
afterAll(async () => {
  await Promise.all(kids.map((k) => k.stop()));
  rmSync(dir, { recursive: true, force: true });
});

function exporter(args: string[]): Child {
  const c = startExporter(args);
  kids.push(c);
  return c;
}

async function failsToStart(args: string[]): Promise<string> {
  const c = exporter(args);
  const { code } = await c.exited;
  expect(code).toBe(3);
  return c.stderr();
}

function httpsGet(
  port: number,
  path: string,
  ca: Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, ca, servername: 'localhost', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('kerntop exporter with bad input', () => {
  it('a port in use: says so and how to choose another, exit 3', async () => {
    const port = await freePort();
    const holder: Server = createServer();
    await new Promise<void>((r) => holder.listen(port, '127.0.0.1', () => r()));
    try {
      const err = await failsToStart(['--replay', RECORDING, '--listen', `127.0.0.1:${port}`]);
      expect(err).toMatch(new RegExp(`127\\.0\\.0\\.1:${port} is already in use.*--listen`));
    } finally {
      holder.close();
    }
  });

  it.each([
    ['nonsense', /--listen "nonsense": no port; give ADDR:PORT/],
    ['127.0.0.1:99999', /port 99999 is above 65535/],
    ['300.1.2.3:9864', /300\.1\.2\.3 is not an IPv4 address/],
    ['[zz]:9864', /zz in brackets is not an IPv6 address/],
  ])('a bad listen address %s: a clear message, exit 3', async (addr, re) => {
    const err = await failsToStart(['--replay', RECORDING, '--listen', addr]);
    expect(err).toMatch(re);
  });

  it('an address this host does not have: a clear message, exit 3', async () => {
    const err = await failsToStart(['--replay', RECORDING, '--listen', '192.0.2.1:9864']);
    expect(err).toMatch(/192\.0\.2\.1 is not an address of this host/);
  });

  it('a TLS certificate that does not parse: names the file, exit 3', async () => {
    writeFileSync(join(dir, 'bad.crt'), 'not a certificate\n');
    writeFileSync(join(dir, 'bad.key'), 'not a key\n');
    writeFileSync(join(dir, 'web-bad-tls.yml'), 'tls_server_config:\n  cert_file: bad.crt\n  key_file: bad.key\n');
    const err = await failsToStart([
      '--replay',
      RECORDING,
      '--listen',
      `127.0.0.1:${await freePort()}`,
      '--web.config.file',
      join(dir, 'web-bad-tls.yml'),
    ]);
    expect(err).toContain(`TLS certificate ${join(dir, 'bad.crt')} or key ${join(dir, 'bad.key')} does not parse`);
  });

  it('a web configuration with a key kerntop does not serve, or a password that is not a bcrypt hash: refused, exit 3', async () => {
    writeFileSync(
      join(dir, 'web-unknown.yml'),
      'tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireAndVerifyClientCert\n',
    );
    expect(await failsToStart(['--replay', RECORDING, '--web.config.file', join(dir, 'web-unknown.yml')])).toMatch(
      /tls_server_config: unsupported key\(s\) client_auth_type/,
    );
    writeFileSync(join(dir, 'web-plain.yml'), 'basic_auth_users:\n  prometheus: secret\n');
    expect(await failsToStart(['--replay', RECORDING, '--web.config.file', join(dir, 'web-plain.yml')])).toMatch(
      /basic_auth_users\.prometheus: must be a bcrypt hash/,
    );
  });

  it.skipIf(!isRoot)('an unwritable state directory: a warning with the fix, and the exporter serves', async () => {
    writeFileSync(join(dir, 'a-file'), '');
    const port = await freePort();
    const c = exporter(['--probes', 'oom', '--listen', `127.0.0.1:${port}`, '--state-dir', join(dir, 'a-file', 'state')]);
    await healthy(port);
    expect(c.stderr()).toMatch(
      /cannot write the state directory .*a-file\/state \(ENOTDIR\).*Fix: --state-dir a writable directory/,
    );
    const m = await httpGet(`http://127.0.0.1:${port}/metrics`);
    expect(m.status).toBe(200);
    expect(m.body).toMatch(/^kerntop_kmsg_records_total \d+$/m);
  });

  it.skipIf(!hasOpenssl)(
    'TLS with basic auth: 401 without or with wrong credentials, 200 with them; garbage Accept gets text 0.0.4; writes are refused; it keeps serving',
    async () => {
      const key = join(dir, 'tls.key');
      const crt = join(dir, 'tls.crt');
      const r = spawnSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          key,
          '-out',
          crt,
          '-days',
          '2',
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=DNS:localhost,IP:127.0.0.1',
        ],
        { encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      const hash = bcrypt.hashSync('s3cret', 10);
      writeFileSync(
        join(dir, 'web.yml'),
        `tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\nbasic_auth_users:\n  prometheus: ${JSON.stringify(hash)}\n`,
      );
      const port = await freePort();
      exporter([
        '--replay',
        RECORDING,
        '--speed',
        '0',
        '--listen',
        `127.0.0.1:${port}`,
        '--web.config.file',
        join(dir, 'web.yml'),
      ]);
      const ca = readFileSync(crt);
      await until('https healthz', async () => (await httpsGet(port, '/healthz', ca)).status === 200, 30_000, 200);
      const basic = (u: string, p: string) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
      expect((await httpsGet(port, '/metrics', ca)).status).toBe(401);
      expect((await httpsGet(port, '/metrics', ca, basic('prometheus', 'wrong'))).status).toBe(401);
      expect((await httpsGet(port, '/metrics', ca, basic('nobody', 's3cret'))).status).toBe(401);
      expect((await httpsGet(port, '/summary.json', ca)).status).toBe(401);
      const ok = await httpsGet(port, '/metrics', ca, basic('prometheus', 's3cret'));
      expect(ok.status).toBe(200);
      expect(ok.body).toMatch(/^kerntop_build_info\{/m);
      // Plain HTTP to the TLS port is not served.
      await expect(httpGet(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
      const garbage = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/metrics',
            ca,
            servername: 'localhost',
            headers: { ...basic('prometheus', 's3cret'), Accept: ';;;garbage/,,q=x' },
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8').on('data', (c: string) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(garbage.status).toBe(200);
      expect(garbage.type).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(garbage.body).not.toContain('# EOF');
      const post = await new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/metrics',
            method: 'POST',
            ca,
            servername: 'localhost',
            headers: basic('prometheus', 's3cret'),
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end('x');
      });
      expect(post).toBe(405);
      expect((await httpsGet(port, '/metrics', ca, basic('prometheus', 's3cret'))).status).toBe(200);
    },
  );

  it('Accept negotiation: OpenMetrics 1.0.0 when asked for, text 0.0.4 otherwise', async () => {
    const port = await freePort();
    exporter(['--replay', RECORDING, '--speed', '0', '--listen', `127.0.0.1:${port}`]);
    await healthy(port);
    const url = `http://127.0.0.1:${port}/metrics`;
    // Served from the start; the replay's OOM kill is counted once the replay reaches it.
    await until('replayed OOM kill', async () => /^kerntop_oom_kills_total 1$/m.test((await httpGet(url)).body));
    const om = await httpGet(url, {
      Accept:
        'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
    });
    expect(om.type).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(om.body.endsWith('# EOF\n')).toBe(true);
    expect(om.body).toMatch(/^# TYPE kerntop_oom_kills counter\nkerntop_oom_kills_total 1$/m);
    const text = await httpGet(url, { Accept: 'text/plain' });
    expect(text.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(text.body).toMatch(/^# TYPE kerntop_oom_kills_total counter\nkerntop_oom_kills_total 1$/m);
    // No timestamps: every sample line is a name, its labels and one value.
    for (const l of text.body.split('\n').filter((x) => x && !x.startsWith('#'))) expect(l).toMatch(/^[a-z_]+(\{.*\})? [^ ]+$/);
    const h = await httpGet(url.replace('/metrics', '/summary.json'));
    expect(JSON.parse(h.body)).toMatchObject({ kerntop_summary: 1, host: 'vm' });
    expect((await httpGet(url.replace('/metrics', '/nothing'))).status).toBe(404);
  });
});

describe('kerntop exporter /summary.json', () => {
  it('of a replaying exporter is the object `kerntop -q --json` prints for the same recording', async () => {
    const port = await freePort();
    const c = exporter(['--replay', RECORDING, '--speed', '0', '--listen', `127.0.0.1:${port}`]);
    const url = `http://127.0.0.1:${port}`;
    await until('replay done', async () => c.stderr().includes('replay of'));
    const q = spawnSync(process.execPath, [join(ROOT, 'bin/kerntop'), '-q', '--json', '--replay', RECORDING, '--speed', '0'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const want = JSON.parse(q.stdout) as Record<string, unknown>;
    const got = JSON.parse((await httpGet(`${url}/summary.json`)).body) as Record<string, unknown>;
    expect(got).toEqual(want);
  });
});
