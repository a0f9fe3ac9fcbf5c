// docker-compose.yml and the Dockerfile, read as data: what the lab container needs from the host.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = new URL('../../', import.meta.url);
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8'));
const service = compose.services.kerntop;

// As compose reads it with none of the variables set: ${NAME:-default} gives its default.
const interpolate = (s: string) => s.replace(/\$\{\w+:-([^}]*)\}/g, '$1');
// Short volume syntax "source:target[:mode]" into its parts.
const mounts = (service.volumes as string[]).map((v) => {
  const [source, target, mode = 'rw'] = interpolate(v).split(':');
  return { source, target, mode };
});
const mountAt = (target: string) => mounts.find((m) => m.target === target);

describe('docker-compose.yml', () => {
  it('runs one privileged container named kerntop in the host PID namespace', () => {
    expect(Object.keys(compose.services)).toEqual(['kerntop']);
    expect(service.container_name).toBe('kerntop');
    expect(service.privileged).toBe(true);
    expect(service.pid).toBe('host');
    expect(service.uts).toBe('host');
    expect(service.init).toBe(true);
  });

  it('keeps the image entry point and its idle command (users come in with docker exec)', () => {
    expect(service.entrypoint).toBeUndefined();
    expect(service.command).toBeUndefined();
    expect(service.build.context).toBe('.');
    expect(Object.keys(service.build.args)).toEqual(['BUILD_IMAGE', 'RUNTIME_IMAGE']);
    expect(interpolate(service.build.args.BUILD_IMAGE)).toBe('node:20-bookworm');
    expect(interpolate(service.build.args.RUNTIME_IMAGE)).toBe('debian:bookworm-slim');
  });

  // target -> [host source, mode]
  const wanted: [string, string, string][] = [
    ['/sys/kernel/tracing', '/sys/kernel/tracing', 'rw'],
    ['/sys/kernel/debug', '/sys/kernel/debug', 'rw'],
    ['/sys/kernel/btf', '/sys/kernel/btf', 'ro'],
    ['/dev/kmsg', '/dev/kmsg', 'rw'],
    ['/lib/modules', '/lib/modules', 'ro'],
    ['/usr/src', '/usr/src', 'ro'],
    ['/var/crash', '/var/crash', 'rw'],
    ['/var/cache/kerntop', 'kerntop-cache', 'rw'],
  ];
  it.each(wanted)('mounts %s from %s (%s)', (target, source, mode) => {
    const m = mountAt(target);
    expect(m, `no mount at ${target}`).toBeDefined();
    expect(m!.source).toBe(source);
    expect(m!.mode).toBe(mode);
  });

  it('declares the named volume for prepared headers', () => {
    expect(compose.volumes).toHaveProperty('kerntop-cache');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8');
  const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);

  it('takes both base images as build arguments', () => {
    expect(dockerfile).toMatch(/^ARG BUILD_IMAGE=node:20-bookworm$/m);
    expect(dockerfile).toMatch(/^ARG RUNTIME_IMAGE=debian:bookworm-slim$/m);
    expect(froms).toEqual(['${BUILD_IMAGE}', '${BUILD_IMAGE}', '${RUNTIME_IMAGE}']);
  });

  it('installs the lab tools without recommends and leaves no apt lists behind', () => {
    for (const pkg of ['bpftrace', 'python3-drgn', 'qemu-system-x86', 'busybox-static', 'tmux', 'util-linux']) {
      expect(dockerfile).toContain(` ${pkg}`);
    }
    expect(dockerfile).toContain('--no-install-recommends');
    expect(dockerfile).toContain('rm -rf /var/lib/apt/lists/*');
    expect(dockerfile).toContain('npm ci --omit=dev');
    expect(dockerfile).toMatch(/^COPY docker\/dpkg-slim.cfg \/etc\/dpkg\/dpkg.cfg.d\//m);
  });

  it('ships what the package ships, and idles by default', () => {
    expect(dockerfile).toMatch(/^COPY --from=build \/out\/node \/usr\/local\/bin\/node$/m);
    for (const dir of ['bin', 'dist', 'bpf-scripts', 'python', 'fixtures/sessions', 'node_modules']) {
      expect(dockerfile).toMatch(new RegExp(`^COPY --from=\\w+ /src/${dir} `, 'm'));
    }
    expect(dockerfile).toMatch(/^ENTRYPOINT \["\/usr\/local\/sbin\/kerntop-entrypoint"\]$/m);
    expect(dockerfile).toMatch(/^CMD \["sleep", "infinity"\]$/m);
  });
});
