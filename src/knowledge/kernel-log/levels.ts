// syslog(3) level and facility names, as dmesg --decode prints them.
export const LEVEL_NAMES = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'] as const;
export const FACILITY_NAMES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'res0',
  'res1',
  'res2',
  'res3',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
] as const;

export function levelName(level: number): string {
  return LEVEL_NAMES[level] ?? String(level);
}

export function facilityName(facility: number): string {
  return FACILITY_NAMES[facility] ?? String(facility);
}

/** Level names as dmesg and syslog spell them, with the aliases dmesg --level accepts. */
const ALIASES: Readonly<Record<string, number>> = {
  emerg: 0,
  panic: 0,
  alert: 1,
  crit: 2,
  err: 3,
  error: 3,
  warn: 4,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
};
const FACILITY_BY_NAME: ReadonlyMap<string, number> = new Map(FACILITY_NAMES.map((n, i) => [n, i]));

/** The level a name stands for ("err", "warning"), or undefined. */
export function levelByName(name: string): number | undefined {
  return Object.hasOwn(ALIASES, name) ? ALIASES[name] : undefined;
}

/** The facility a name stands for ("kern", "local7"), or undefined. */
export function facilityByName(name: string): number | undefined {
  return FACILITY_BY_NAME.get(name);
}

/**
 * Parses a --level list the way dmesg does: names or numbers separated by commas; "err+" means err
 * and every more severe level (lower number), "+err" err and every less severe level.
 * Returns the set of accepted levels, or throws with a message naming the bad item.
 */
export function parseLevelList(list: string): Set<number> {
  const out = new Set<number>();
  for (const raw of list.split(',')) {
    const item = raw.trim().toLowerCase();
    if (!item) continue;
    const below = item.endsWith('+');
    const above = item.startsWith('+');
    const name = item.replace(/^\+|\+$/g, '');
    const lvl = /^[0-7]$/.test(name) ? Number(name) : levelByName(name);
    if (lvl === undefined)
      throw new Error(`unknown log level "${raw.trim()}" (use ${LEVEL_NAMES.join(', ')} or 0-7, optionally with a + suffix)`);
    if (below) for (let l = 0; l <= lvl; l++) out.add(l);
    else if (above) for (let l = lvl; l <= 7; l++) out.add(l);
    else out.add(lvl);
  }
  return out;
}
