// Finding the vmlinux that matches a dump, and proving it matches. drgn reads a vmlinux of another
// build without complaint and prints nonsense, so every candidate is checked against the dump's
// VMCOREINFO: the build id when the kernel exports one (5.9+), else the release string.
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { open, readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { execa } from 'execa';
import { readAt, readElfHeader, readSectionHeaders, parseNotes } from './elf.js';
import type { DumpInfo } from './dumpfile.js';

export type CandidateOrigin = '--vmlinux' | '--debuginfo-dir' | 'system debug dir' | 'beside the dump';

export interface Candidate {
  path: string;
  origin: CandidateOrigin;
}

export interface VmlinuxIdentity {
  path: string;
  elf: boolean;
  build_id: string | null;
  release: string | null;
  /** Has a .debug_info section: a stripped vmlinux (extract-vmlinux from vmlinuz) has none. */
  has_dwarf: boolean;
  error?: string;
}

export type Verdict = 'match' | 'mismatch' | 'no_debuginfo' | 'unverified' | 'unreadable';

export interface CheckedCandidate extends Candidate {
  decompressed_to?: string;
  identity?: VmlinuxIdentity;
  verdict: Verdict;
  reason: string;
}

export interface DebuginfoResult {
  /** The vmlinux to load (a decompressed copy when the candidate was compressed); null when none fits. */
  vmlinux: string | null;
  origin: CandidateOrigin | null;
  source_path: string | null;
  matched_by: 'build-id' | 'release' | 'unverified' | null;
  checked: CheckedCandidate[];
  /** Directories to search for module debuginfo (NAME.ko with DWARF). */
  module_dirs: string[];
  /** One plain sentence: what was used, or why nothing was. */
  message: string;
}

const COMPRESSED = ['', '.gz', '.xz', '.zst'] as const;
const NT_GNU_BUILD_ID = 3;

/** Reads the build id, the release (from the "Linux version" banner) and whether DWARF is present. */
export async function identifyVmlinux(path: string): Promise<VmlinuxIdentity> {
  const id: VmlinuxIdentity = { path, elf: false, build_id: null, release: null, has_dwarf: false };
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    id.error = (e as Error).message;
    return id;
  }
  try {
    const h = await readElfHeader(fh);
    id.elf = true;
    const sections = await readSectionHeaders(fh, h);
    id.has_dwarf = sections.some((s) => s.name === '.debug_info' && s.size > 0);
    for (const s of sections) {
      if (s.type !== 7 /* SHT_NOTE */ || s.size > 1 << 20) continue;
      const note = parseNotes(await readAt(fh, s.offset, s.size)).find((n) => n.name === 'GNU' && n.type === NT_GNU_BUILD_ID);
      if (note) {
        id.build_id = note.desc.toString('hex');
        break;
      }
    }
    const rodata = sections.find((s) => s.name === '.rodata');
    if (rodata && rodata.size < 256 << 20) {
      const buf = await readAt(fh, rodata.offset, rodata.size);
      const i = buf.indexOf('Linux version ');
      if (i >= 0) {
        const m = /^Linux version (\S+)/.exec(buf.toString('latin1', i, i + 200));
        if (m) id.release = m[1];
      }
    }
  } catch (e) {
    id.error = (e as Error).message;
  } finally {
    await fh.close();
  }
  return id;
}

/** Every place a matching vmlinux may be, in the order they are tried. */
export function candidatePaths(opts: {
  vmlinux?: string;
  debuginfoDirs?: string[];
  dumpPath: string;
  release: string | null;
  buildId: string | null;
}): Candidate[] {
  const out: Candidate[] = [];
  const rel = opts.release;
  const seen = new Set<string>();
  const add = (path: string, origin: CandidateOrigin, withCompressed: boolean) => {
    for (const ext of withCompressed ? COMPRESSED : ['']) {
      const p = path + ext;
      if (!seen.has(p)) {
        seen.add(p);
        out.push({ path: p, origin });
      }
    }
  };
  if (opts.vmlinux) add(opts.vmlinux, '--vmlinux', false);
  const inTree = (root: string): string[] => [
    ...(rel ? [join(root, `vmlinux-${rel}`)] : []),
    join(root, 'vmlinux'),
    ...(rel
      ? [
          join(root, 'boot', `vmlinux-${rel}`),
          join(root, 'usr/lib/debug/boot', `vmlinux-${rel}`),
          join(root, 'lib/modules', rel, 'vmlinux'),
          join(root, 'usr/lib/debug/lib/modules', rel, 'vmlinux'),
        ]
      : []),
    ...(opts.buildId ? [join(root, '.build-id', opts.buildId.slice(0, 2), `${opts.buildId.slice(2)}.debug`)] : []),
  ];
  for (const d of opts.debuginfoDirs ?? []) for (const p of inTree(d)) add(p, '--debuginfo-dir', true);
  if (rel) {
    add(`/usr/lib/debug/boot/vmlinux-${rel}`, 'system debug dir', false);
    add(`/usr/lib/debug/lib/modules/${rel}/vmlinux`, 'system debug dir', false);
  }
  if (opts.buildId)
    add(`/usr/lib/debug/.build-id/${opts.buildId.slice(0, 2)}/${opts.buildId.slice(2)}.debug`, 'system debug dir', false);
  const beside = dirname(opts.dumpPath);
  if (rel) add(join(beside, `vmlinux-${rel}`), 'beside the dump', true);
  add(join(beside, 'vmlinux'), 'beside the dump', true);
  return out;
}

/** Files named vmlinux-* beside the dump, for dumps whose release is unknown (no VMCOREINFO). */
export async function otherVmlinuxBeside(dumpPath: string): Promise<string[]> {
  try {
    return (await readdir(dirname(dumpPath))).filter((f) => /^vmlinux-/.test(f)).map((f) => join(dirname(dumpPath), f));
  } catch {
    return [];
  }
}

export function compare(
  dump: Pick<DumpInfo, 'release' | 'build_id'>,
  id: VmlinuxIdentity,
): { verdict: Verdict; reason: string; by: 'build-id' | 'release' | 'unverified' } {
  if (!id.elf) return { verdict: 'unreadable', reason: `not an ELF file${id.error ? ` (${id.error})` : ''}`, by: 'unverified' };
  if (!id.has_dwarf) {
    return {
      verdict: 'no_debuginfo',
      reason:
        'has no DWARF debuginfo (.debug_info): a stripped kernel image, not the vmlinux from the debug package (linux-image-<release>-dbg on Debian, kernel-debuginfo on Fedora/RHEL)',
      by: 'unverified',
    };
  }
  const ident = `release ${id.release ?? 'unknown'}, build id ${id.build_id ?? 'none'}`;
  const want = `release ${dump.release ?? 'unknown'}, build id ${dump.build_id ?? 'none'}`;
  if (dump.build_id && id.build_id) {
    if (dump.build_id === id.build_id)
      return { verdict: 'match', reason: `build id ${id.build_id} matches the dump`, by: 'build-id' };
    return { verdict: 'mismatch', reason: `is another kernel (${ident}); the dump is ${want}`, by: 'build-id' };
  }
  if (dump.release && id.release) {
    if (dump.release === id.release) {
      return {
        verdict: 'match',
        reason: `release ${id.release} matches the dump (no build id to compare${dump.build_id ? '' : ': the kernel exports none before 5.9'})`,
        by: 'release',
      };
    }
    return { verdict: 'mismatch', reason: `is another kernel (${ident}); the dump is ${want}`, by: 'release' };
  }
  return { verdict: 'unverified', reason: `cannot be checked against the dump (${ident}; dump: ${want})`, by: 'unverified' };
}

/** Decompresses FILE.{gz,xz,zst} into dir (private to this run) and returns the new path. */
export async function decompressTo(path: string, dir: string, signal?: AbortSignal): Promise<string> {
  const name = basename(path).replace(/\.(gz|xz|zst)$/, '');
  const out = join(dir, name);
  if (path.endsWith('.gz')) {
    await pipeline(createReadStream(path), createGunzip(), createWriteStream(out, { mode: 0o600 }), { signal });
  } else {
    // Straight to the file: a vmlinux is hundreds of MB and must not pass through this process.
    const tool = path.endsWith('.xz') ? 'xz -dc -T0' : 'zstd -dcq';
    await execa('sh', ['-c', `umask 077; ${tool} -- "$1" > "$2"`, 'sh', path, out], {
      cancelSignal: signal,
      forceKillAfterDelay: 1000,
    });
  }
  return out;
}

export async function resolveDebuginfo(opts: {
  vmlinux?: string;
  debuginfoDirs?: string[];
  dump: DumpInfo;
  scratchDir: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
}): Promise<DebuginfoResult> {
  const { dump } = opts;
  const log = opts.log ?? (() => undefined);
  const checked: CheckedCandidate[] = [];
  const cands = candidatePaths({
    vmlinux: opts.vmlinux,
    debuginfoDirs: opts.debuginfoDirs,
    dumpPath: dump.path,
    release: dump.release,
    buildId: dump.build_id,
  });
  if (!dump.release)
    for (const p of await otherVmlinuxBeside(dump.path))
      if (!cands.some((c) => c.path === p)) cands.push({ path: p, origin: 'beside the dump' });
  const moduleDirs = [...(opts.debuginfoDirs ?? [])];
  if (dump.release && existsSync(`/usr/lib/debug/lib/modules/${dump.release}`))
    moduleDirs.push(`/usr/lib/debug/lib/modules/${dump.release}`);
  for (const c of cands) {
    let st;
    try {
      st = await stat(c.path);
    } catch {
      if (c.origin === '--vmlinux') checked.push({ ...c, verdict: 'unreadable', reason: 'does not exist' });
      continue;
    }
    if (!st.isFile()) continue;
    let path = c.path;
    const entry: CheckedCandidate = { ...c, verdict: 'unverified', reason: '' };
    if (/\.(gz|xz|zst)$/.test(c.path)) {
      try {
        const t0 = performance.now();
        path = await decompressTo(c.path, opts.scratchDir, opts.signal);
        entry.decompressed_to = path;
        log(`decompressed ${c.path} in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
      } catch (e) {
        if (opts.signal?.aborted) throw e;
        checked.push({ ...entry, verdict: 'unreadable', reason: `cannot decompress: ${(e as Error).message.split('\n')[0]}` });
        continue;
      }
    }
    const id = await identifyVmlinux(path);
    const cmp = compare(dump, id);
    entry.identity = id;
    entry.verdict = cmp.verdict;
    entry.reason = cmp.reason;
    checked.push(entry);
    log(`vmlinux candidate ${c.path} (${c.origin}): ${cmp.verdict}: ${cmp.reason}`);
    if (cmp.verdict === 'match' || (cmp.verdict === 'unverified' && !dump.release && !dump.build_id)) {
      const usedNote = checked
        .filter((x) => x !== entry && x.verdict === 'mismatch')
        .map((x) => ` (${x.path} ${x.reason})`)
        .join('');
      return {
        vmlinux: path,
        origin: c.origin,
        source_path: c.path,
        matched_by: cmp.by,
        checked,
        module_dirs: moduleDirs,
        message: `using ${c.path} (${c.origin}): ${cmp.reason}${usedNote ? `; not used:${usedNote}` : ''}`,
      };
    }
    if (entry.decompressed_to) await rm(entry.decompressed_to, { force: true });
  }
  return {
    vmlinux: null,
    origin: null,
    source_path: null,
    matched_by: null,
    checked,
    module_dirs: moduleDirs,
    message: noMatchMessage(dump, checked),
  };
}

function noMatchMessage(dump: DumpInfo, checked: CheckedCandidate[]): string {
  const want = dump.release
    ? `the vmlinux of ${dump.release}${dump.build_id ? ` (build id ${dump.build_id})` : ''}`
    : 'the vmlinux of the crashed kernel';
  const fix = dump.release
    ? `Install the debug package (Debian: apt-get install linux-image-${dump.release}-dbg; Fedora/RHEL: debuginfo-install kernel-debuginfo-${dump.release}) or pass --vmlinux, or keep vmlinux-${dump.release}.gz beside the dump.`
    : 'Pass --vmlinux PATH.';
  const bad = checked.filter((c) => c.verdict !== 'match');
  if (bad.length === 0)
    return `no debuginfo: found no vmlinux for this dump; without ${want} only the kernel log and utsname can be read. ${fix}`;
  return `no matching debuginfo: ${bad.map((c) => `${c.path} ${c.reason}`).join('; ')}. Without ${want} only the kernel log and utsname can be read. ${fix}`;
}
