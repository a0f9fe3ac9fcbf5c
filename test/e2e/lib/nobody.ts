// Running the built kerntop as nobody (uid 65534), for the cases that test what an unprivileged
// user sees. nobody must reach bin/kerntop and everything it loads; a checkout under a 0700
// directory (cloned under `mktemp -d`, a private home) does not allow that, which says nothing
// about kerntop. Then the tests run a traversable copy of what kerntop needs, made once per test
// file and removed after it; where not even that can be made, they skip naming the directory.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { ROOT } from './kerntop.js';

export const NOBODY = { uid: 65534, gid: 65534 } as const;

/** What bin/kerntop loads: the launcher, the build, the collector, the probe scripts and the deps. */
const PARTS = ['bin', 'dist', 'python', 'bpf-scripts', 'package.json'];

export interface NobodyTree {
  /** The root to run from (cwd) and its launcher: the checkout itself when nobody can reach it. */
  root: string;
  bin: string;
  /** Why kerntop cannot be run as nobody here (the test skips with it), or null. */
  skip: string | null;
  dispose(): void;
}

/** Whether nobody can read every path given (each relative to root), as nobody itself tries it. */
export function nobodyCanReach(root: string, paths: string[] = PARTS.concat('node_modules/yargs/package.json')): boolean {
  // `test -r` on a directory checks search along the way and read of the directory itself.
  const script = paths.map((p) => `test -r "$1/${p}"`).join(' && ');
  const r = spawnSync('/bin/sh', ['-c', script, 'sh', root], { ...NOBODY, stdio: 'ignore' });
  return r.status === 0;
}

/** The first directory from / down to path that nobody cannot search, with its mode, or null. */
export function blockingDirectory(path: string): string | null {
  const parts = path.split('/').filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const dir = '/' + parts.slice(0, i).join('/');
    const r = spawnSync('/bin/sh', ['-c', 'cd "$1"', 'sh', dir], { ...NOBODY, stdio: 'ignore' });
    if (r.status !== 0) {
      const st = statSync(dir);
      return `${dir} (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}, owner uid ${st.uid})`;
    }
  }
  return null;
}

const sameFs = (a: string, b: string) => statSync(a).dev === statSync(b).dev;

/** A copy nobody can read: real files made world-readable (the originals' modes are left alone). */
function copyReadable(from: string, to: string): void {
  cpSync(from, to, { recursive: true, preserveTimestamps: true, verbatimSymlinks: false, dereference: false });
  const r = spawnSync('chmod', ['-R', 'a+rX', to], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`chmod -R a+rX ${to} failed`);
}

function linkNodeModules(tree: string): void {
  const target = realpathSync(join(ROOT, 'node_modules'));
  const dest = join(tree, 'node_modules');
  // A symlink only where nobody can follow it: node resolves packages through its real path.
  if (nobodyCanReach(dirname(target), [`${target.split('/').pop()}/yargs/package.json`])) {
    symlinkSync(target, dest);
    return;
  }
  if (sameFs(target, tree)) {
    // A hard-link farm costs no space; the files keep their modes, so check nobody reads them.
    const r = spawnSync('cp', ['-al', target, dest], { stdio: 'ignore' });
    if (r.status === 0 && nobodyCanReach(tree, ['node_modules/yargs/package.json', 'node_modules/ink/package.json'])) return;
    rmSync(dest, { recursive: true, force: true });
  }
  copyReadable(target, dest);
}

/** Call once per test file (beforeAll), dispose in afterAll. */
export function nobodyTree(): NobodyTree {
  const here: NobodyTree = { root: ROOT, bin: join(ROOT, 'bin', 'kerntop'), skip: null, dispose: () => {} };
  if (nobodyCanReach(ROOT)) return here;
  const base = tmpdir();
  const blocked = blockingDirectory(ROOT) ?? `a file under ${ROOT}`;
  let tree: string | null = null;
  try {
    tree = mkdtempSync(join(base, 'kerntop-as-nobody-'));
    chmodSync(tree, 0o755);
    // Before copying anything: a temporary directory nobody cannot reach would be no better.
    const treeBlocked = blockingDirectory(tree);
    if (treeBlocked) throw new Error(`nobody cannot search ${treeBlocked}`);
    for (const p of PARTS) copyReadable(join(ROOT, p), join(tree, p));
    linkNodeModules(tree);
    if (!nobodyCanReach(tree)) throw new Error(`nobody cannot read the copy under ${tree}`);
    const made = tree;
    return {
      root: made,
      bin: join(made, 'bin', 'kerntop'),
      skip: null,
      dispose: () => rmSync(made, { recursive: true, force: true }),
    };
  } catch (e) {
    if (tree) rmSync(tree, { recursive: true, force: true });
    return {
      ...here,
      skip: `nobody cannot reach the checkout (blocked at ${blocked}) and no readable copy could be made under ${base}: ${(e as Error).message}`,
    };
  }
}

/**
 * For a test file: the tree, made on first use (most runs need no copy) and removed after the file.
 * A test calls it and skips with `ctx.skip(tree.skip)` when skip is set.
 */
export function nobodyTreeForFile(): () => NobodyTree {
  let tree: NobodyTree | null = null;
  afterAll(() => tree?.dispose());
  return () => (tree ??= nobodyTree());
}
