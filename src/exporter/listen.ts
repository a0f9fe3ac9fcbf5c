import { isIP } from 'node:net';

export interface ListenAddress {
  /** undefined: every interface. */
  host: string | undefined;
  port: number;
}

export const DEFAULT_LISTEN = ':9864';

/** --listen ADDR:PORT as Prometheus exporters take it: ":9864", "127.0.0.1:9864", "[::1]:9864", "node1:9864". */
export function parseListen(s: string): ListenAddress {
  const bad = (why: string) =>
    new Error(
      `--listen ${JSON.stringify(s)}: ${why}; give ADDR:PORT, e.g. ":9864" (every interface), "127.0.0.1:9864" or "[::1]:9864"`,
    );
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(s.trim());
  if (!m) return s.includes(':') ? thrower(bad('not an address and port')) : thrower(bad('no port'));
  const host = m[1] ?? m[2] ?? '';
  const port = Number(m[3]);
  if (port > 65535) throw bad(`port ${port} is above 65535`);
  if (m[1] !== undefined && isIP(host) !== 6) throw bad(`${host} in brackets is not an IPv6 address`);
  if (m[2] !== undefined && host && !isIP(host) && !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(host))
    throw bad(`${host} is neither an IP address nor a host name`);
  if (m[2] !== undefined && /^[\d.]+$/.test(host) && isIP(host) !== 4) throw bad(`${host} is not an IPv4 address`);
  return { host: host || undefined, port };
}

function thrower(e: Error): never {
  throw e;
}

export function formatListen(a: ListenAddress): string {
  const h = a.host === undefined ? '' : isIP(a.host) === 6 ? `[${a.host}]` : a.host;
  return `${h}:${a.port}`;
}
