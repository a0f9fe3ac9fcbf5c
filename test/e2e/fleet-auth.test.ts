// `kerntop fleet` against a Prometheus that wants credentials: its own basic auth (--web.config.file),
// and a bearer token checked by a reverse proxy in front of it, as an authenticating gateway does.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetJsonSchema } from '../../src/fleet/json.js';
import { PROMETHEUS, until } from './lib/exporter.js';
import { startFleet, type Fleet } from './lib/fleet.js';
import { BIN, ROOT } from './lib/kerntop.js';

const isRoot = process.geteuid?.() === 0;
const USER = 'ktfleet';
const PASSWORD = `pw-${process.pid}`;
const TOKEN = `tok-${process.pid}-${Date.now()}`;
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

const fleet = (args: string[]) =>
  spawnSync(process.execPath, [BIN, 'fleet', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
/** The same without blocking this process, whose event loop serves the gateway. */
function fleetAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const c = spawn(process.execPath, [BIN, 'fleet', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  c.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  c.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((r) => c.once('close', (status) => r({ status, stdout, stderr })));
}

describe.skipIf(!isRoot || !PROMETHEUS)('kerntop fleet with credentials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kerntop-fleet-auth-'));
  let f: Fleet;
  let proxy: Server;
  let proxyUrl: string;
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text, { mode: 0o600 });
    return join(dir, name);
  };

  beforeAll(async () => {
    const web = file('web.yml', `basic_auth_users:\n  ${USER}: ${bcrypt.hashSync(PASSWORD, 10)}\n`);
    f = await startFleet(dir, [{ node: 'node-d', file: 'calm-host' }], 0, { file: web, authorization: BASIC });
    await until('node-d replayed', async () => f.nodes.get('node-d')!.child.stderr().includes('replay of'), 30_000, 200);
    await until(
      'node-d status scraped',
      async () => (await f.prom.query('kerntop_subsystem_status == 1')).length > 0,
      15_000,
      200,
    );
    // A gateway that takes a bearer token and speaks to Prometheus with its basic auth.
    proxy = createServer((req, res) => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        res.writeHead(401).end('unauthorized');
        return;
      }
      const up = request(
        {
          host: '127.0.0.1',
          port: f.prom.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, authorization: BASIC },
        },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
  }, 90_000);

  afterAll(async () => {
    proxy?.close();
    await f?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('without credentials: exit 3, naming the options that give them', () => {
    const r = fleet(['--prometheus', f.url, '-q']);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/refused the request \(HTTP 401\); give --bearer-token-file or --basic-auth/);
  });

  it('--basic-auth-user with --basic-auth-password-file: the rows, exit by the node', () => {
    const r = fleet([
      '--prometheus',
      f.url,
      '--json',
      '--basic-auth-user',
      USER,
      '--basic-auth-password-file',
      file('pw', `${PASSWORD}\n`),
    ]);
    const j = FleetJsonSchema.parse(JSON.parse(r.stdout));
    expect(j.rows.map((x) => x.node)).toEqual(['node-d']);
    expect(j.rows[0].status).toBe('WARNING');
    expect(r.status).toBe(1);
    const bad = fleet([
      '--prometheus',
      f.url,
      '-q',
      '--basic-auth-user',
      USER,
      '--basic-auth-password-file',
      file('bad', 'nope'),
    ]);
    expect(bad.status).toBe(3);
    expect(bad.stderr).toMatch(/HTTP 401/);
  });

  it('--bearer-token-file through a gateway; a wrong token is refused', async () => {
    const r = await fleetAsync(['--prometheus', proxyUrl, '--json', '--bearer-token-file', file('token', TOKEN)]);
    expect(r.stderr).toBe('');
    expect(FleetJsonSchema.parse(JSON.parse(r.stdout)).rows.map((x) => x.node)).toEqual(['node-d']);
    const bad = await fleetAsync(['--prometheus', proxyUrl, '-q', '--bearer-token-file', file('bad-token', 'nope')]);
    expect(bad.status).toBe(3);
    expect(bad.stderr).toMatch(/HTTP 401/);
    const missing = fleet(['--prometheus', proxyUrl, '-q', '--bearer-token-file', join(dir, 'absent')]);
    expect(missing.status).toBe(3);
    expect(missing.stderr).toMatch(/cannot read --bearer-token-file .*absent: ENOENT/);
  });
});
