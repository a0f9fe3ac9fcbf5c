import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { summaryJson } from '../report/summary.js';
import type { StoreState } from '../store/index.js';
import type { Health } from './health.js';
import { formatListen, type ListenAddress } from './listen.js';
import { negotiate, type KerntopRegistry } from './registry.js';
import { BasicAuth, type WebConfig } from './web-config.js';

export interface ServerDeps {
  registry: KerntopRegistry;
  /** Bumped by every event the store applies. */
  version: () => number;
  health: () => Health;
  /** The store of the recent window, for /summary.json. */
  recent: () => StoreState;
  web: WebConfig;
  onError?: (message: string) => void;
}

const LANDING = `<!doctype html><html><head><title>kerntop exporter</title></head><body><h1>kerntop exporter</h1>
<ul><li><a href="metrics">/metrics</a> Prometheus text 0.0.4, or OpenMetrics 1.0.0 when asked for in Accept</li>
<li><a href="healthz">/healthz</a> 200 when the sources have started, 503 with the reason otherwise</li>
<li><a href="summary.json">/summary.json</a> the quiet summary (kerntop -q --json) of the recent window</li></ul></body></html>
`;

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  head = false,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(head ? undefined : body);
}

/**
 * The exporter's HTTP(S) server. Read-only by construction: GET and HEAD only, everything else 405.
 * With basic_auth_users every path but /healthz asks for credentials (kubelet probes carry none).
 */
export function createExporterServer(deps: ServerDeps): Server {
  const auth = new BasicAuth(deps.web.users);
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0];
    if (method !== 'GET' && method !== 'HEAD')
      return send(
        res,
        405,
        'text/plain; charset=utf-8',
        `${method} is not served: this exporter is read-only (GET, HEAD)\n`,
        false,
        { Allow: 'GET, HEAD' },
      );
    const head = method === 'HEAD';
    if (path === '/healthz') {
      const h = deps.health();
      return send(
        res,
        h.ok ? 200 : 503,
        'text/plain; charset=utf-8',
        h.ok ? `ok\n${h.notes.map((n) => `${n}\n`).join('')}` : `${h.reasons.map((r) => `${r}\n`).join('')}`,
        head,
      );
    }
    if (!(await auth.check(req.headers.authorization)))
      return send(
        res,
        401,
        'text/plain; charset=utf-8',
        'Unauthorized: this exporter asks for HTTP basic auth (basic_auth_users in --web.config.file)\n',
        head,
        { 'WWW-Authenticate': 'Basic realm="kerntop"' },
      );
    if (path === '/metrics') {
      const x = negotiate(req.headers.accept);
      return send(res, 200, deps.registry.contentType(x), await deps.registry.render(x, deps.version()), head);
    }
    if (path === '/summary.json')
      return send(
        res,
        200,
        'application/json',
        `${JSON.stringify(summaryJson(deps.recent(), { histograms: true }), null, 2)}\n`,
        head,
      );
    if (path === '/') return send(res, 200, 'text/html; charset=utf-8', LANDING, head);
    return send(res, 404, 'text/plain; charset=utf-8', `${path} is not served here; see / for what is\n`, head);
  };
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handler(req, res).catch((e: Error) => {
      // One bad request never takes the exporter down: it answers 500 and serves the next.
      deps.onError?.(`${req.method} ${req.url}: ${e.message}`);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `internal error: ${e.message}\n`);
      else res.destroy();
    });
  };
  const server = deps.web.tls
    ? createHttpsServer({ cert: deps.web.tls.cert, key: deps.web.tls.key }, listener)
    : createHttpServer(listener);
  // Slow or stuck clients must not pin sockets for ever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 65_000;
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

/** Listens, or rejects with a message that names the cause and the fix. */
export function listen(server: Server, a: ListenAddress): Promise<ListenAddress> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      const where = formatListen(a);
      const why =
        e.code === 'EADDRINUSE'
          ? `${where} is already in use (another exporter, or a previous kerntop still running?): stop it, or choose another port with --listen`
          : e.code === 'EADDRNOTAVAIL'
            ? `${a.host} is not an address of this host: choose one it has (ip -br addr), or ":${a.port}" for every interface`
            : e.code === 'EACCES'
              ? `not allowed to listen on ${where} (ports below 1024 need root or CAP_NET_BIND_SERVICE)`
              : e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN'
                ? `${a.host} does not resolve to an address: give an IP address`
                : `${where}: ${e.message}`;
      reject(new Error(`cannot listen: ${why}`));
    };
    server.once('error', onError);
    server.listen({ host: a.host, port: a.port }, () => {
      server.off('error', onError);
      const addr = server.address() as AddressInfo;
      resolve({ host: a.host, port: addr.port });
    });
  });
}
