import { readFileSync } from 'node:fs';

/** Block device names by major:minor from sysfs, cached (devices rarely change while we run). */
export function blockDeviceNamer(sysfs = '/sys'): (major: number, minor: number) => string | undefined {
  // Only names found are cached: a loop device set up after kerntop started must still be named.
  const cache = new Map<string, string>();
  return (major, minor) => {
    const key = `${major}:${minor}`;
    const hit = cache.get(key);
    if (hit) return hit;
    try {
      const name = /^DEVNAME=(.+)$/m.exec(readFileSync(`${sysfs}/dev/block/${key}/uevent`, 'utf8'))?.[1];
      if (name) {
        if (cache.size > 4096) cache.clear();
        cache.set(key, name);
      }
      return name;
    } catch {
      return undefined;
    }
  };
}
