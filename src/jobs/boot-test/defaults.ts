/** Settings a boot test uses unless told otherwise (kept apart so the CLI can show them without loading the job). */
export const DEFAULTS = { memory: '2G', cpus: 2, timeout_s: 120 } as const;
