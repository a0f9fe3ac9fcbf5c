import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** The last record read, so a restart resumes after it instead of replaying the buffer. */
export interface KmsgCursor {
  boot_id: string;
  seq: number;
}

export function readBootId(path = '/proc/sys/kernel/random/boot_id'): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

/**
 * Where the cursor lives: $XDG_STATE_HOME/kerntop, else /var/lib/kerntop for root, else
 * ~/.local/state/kerntop. Candidates are tried in order until one can be created.
 */
export function stateDirCandidates(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.() ?? -1): string[] {
  const out: string[] = [];
  if (env.XDG_STATE_HOME) out.push(join(env.XDG_STATE_HOME, 'kerntop'));
  else {
    if (uid === 0) out.push('/var/lib/kerntop');
    out.push(join(env.HOME || homedir(), '.local', 'state', 'kerntop'));
  }
  return out;
}

export class CursorStore {
  private file: string | null = null;

  constructor(
    private readonly candidates: string[] = stateDirCandidates(),
    private readonly name = 'kmsg-cursor.json',
  ) {}

  /** Path of the cursor file in use (the first candidate whose directory exists or can be made). */
  path(): string | null {
    if (this.file) return this.file;
    for (const dir of this.candidates) {
      try {
        mkdirSync(dir, { recursive: true });
        this.file = join(dir, this.name);
        return this.file;
      } catch {
        // Not writable here (read-only root, no home): try the next place.
      }
    }
    return null;
  }

  load(): KmsgCursor | null {
    for (const dir of this.candidates) {
      try {
        const v = JSON.parse(readFileSync(join(dir, this.name), 'utf8')) as Partial<KmsgCursor>;
        if (typeof v.boot_id === 'string' && typeof v.seq === 'number' && Number.isFinite(v.seq))
          return { boot_id: v.boot_id, seq: v.seq };
      } catch {
        // Missing or damaged: try the next place.
      }
    }
    return null;
  }

  /** Atomic replace, so a crash mid-write never leaves a half cursor. Returns false if nowhere to write. */
  save(c: KmsgCursor): boolean {
    const p = this.path();
    if (!p) return false;
    try {
      const tmp = `${p}.${process.pid}.tmp`;
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(tmp, JSON.stringify(c) + '\n');
      renameSync(tmp, p);
      return true;
    } catch {
      return false;
    }
  }
}
