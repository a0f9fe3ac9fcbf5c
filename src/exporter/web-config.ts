// The web configuration file of Prometheus exporters (prometheus/exporter-toolkit), the subset
// kerntop serves: TLS with a certificate and key, and HTTP basic auth with bcrypt-hashed passwords.
//   tls_server_config: { cert_file: PATH, key_file: PATH }
//   basic_auth_users: { NAME: BCRYPT_HASH }
// Keys kerntop does not implement are refused rather than ignored: a silently ignored
// client_auth_type would serve without the protection the file asks for.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import bcrypt from 'bcryptjs';
import YAML from 'yaml';
import { z } from 'zod';

const BCRYPT_RE = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

const schema = z.strictObject({
  tls_server_config: z.strictObject({ cert_file: z.string().min(1), key_file: z.string().min(1) }).optional(),
  basic_auth_users: z
    .record(
      z.string().min(1),
      z.string().regex(BCRYPT_RE, 'must be a bcrypt hash ($2y$...), e.g. from `htpasswd -nBC 10 "" | tr -d \':\\n\'`'),
    )
    .optional(),
});

export interface WebConfig {
  tls: { cert: Buffer; key: Buffer; cert_file: string; key_file: string } | null;
  users: Record<string, string>;
}

export class WebConfigError extends Error {}

/** Reads and checks the file; every problem is a WebConfigError naming the file, the key and the fix. */
export function loadWebConfig(path: string): WebConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new WebConfigError(`cannot read the web configuration file ${path}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = YAML.parse(text) ?? {};
  } catch (e) {
    throw new WebConfigError(`the web configuration file ${path} is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    const where = i.path.length ? i.path.join('.') : '(top level)';
    const what =
      i.code === 'unrecognized_keys'
        ? `unsupported key(s) ${i.keys.join(', ')} (kerntop serves tls_server_config.cert_file/key_file and basic_auth_users)`
        : i.message;
    throw new WebConfigError(`web configuration file ${path}, ${where}: ${what}`);
  }
  const base = dirname(resolve(path));
  let tls: WebConfig['tls'] = null;
  if (r.data.tls_server_config) {
    // Relative paths are relative to the configuration file, as exporter-toolkit reads them.
    const cert_file = resolve(base, r.data.tls_server_config.cert_file);
    const key_file = resolve(base, r.data.tls_server_config.key_file);
    const read = (p: string, what: string) => {
      try {
        return readFileSync(p);
      } catch (e) {
        throw new WebConfigError(`cannot read the TLS ${what} ${p} (named in ${path}): ${(e as Error).message}`);
      }
    };
    const cert = read(cert_file, 'certificate');
    const key = read(key_file, 'key');
    try {
      createSecureContext({ cert, key });
    } catch (e) {
      throw new WebConfigError(
        `TLS certificate ${cert_file} or key ${key_file} does not parse (${(e as Error).message}): both must be PEM, and the key must match the certificate`,
      );
    }
    tls = { cert, key, cert_file, key_file };
  }
  return { tls, users: r.data.basic_auth_users ?? {} };
}

/**
 * Checks Authorization headers against the users. bcrypt costs tens of milliseconds per check by
 * design, and a scraper sends the same credentials every time: results are kept, keyed by a SHA-256
 * of the header, so only a new header pays.
 */
export class BasicAuth {
  private readonly cache = new Map<string, boolean>();
  private static readonly MAX_CACHE = 256;
  // Compared against for unknown users, so that an unknown name takes as long as a wrong password.
  private static readonly DUMMY = bcrypt.hashSync('kerntop', 4);

  constructor(private readonly users: Record<string, string>) {}

  get enabled(): boolean {
    return Object.keys(this.users).length > 0;
  }

  async check(authorization: string | undefined): Promise<boolean> {
    if (!this.enabled) return true;
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
    if (!m) return false;
    const key = createHash('sha256').update(m[1]).digest('hex');
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const user = decoded.slice(0, colon);
    const hash = Object.hasOwn(this.users, user) ? this.users[user] : undefined;
    const ok = (await bcrypt.compare(decoded.slice(colon + 1), hash ?? BasicAuth.DUMMY)) && hash !== undefined;
    if (this.cache.size >= BasicAuth.MAX_CACHE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, ok);
    return ok;
  }
}
