// kerntop vmcore-report and kerntop crashes against a real crash dump: Debian's cloud kernel crashed
// with sysrq-c under QEMU (see lib/vmcore-lab.ts; made once, cached under /var/cache/kerntop).
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { isAbsolute, join, relative } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive, BIN, descendants, ROOT } from './lib/kerntop.js';
import { NOBODY, nobodyTreeForFile } from './lib/nobody.js';
import { type VmcoreLab, ensureOtherVmlinux, ensureVmcoreLab, labUnavailableReason } from './lib/vmcore-lab.js';

const hasDrgn = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import drgn']);
    return true;
  } catch {
    return false;
  }
})();
const skipReason = labUnavailableReason() ?? (hasDrgn ? null : 'python3-drgn is not installed (apt-get install python3-drgn)');

let lab: VmcoreLab;
let other: { abi: string; vmlinux: string } | null = null;
let work: string;
let crashDir: string;
let dumpPath: string;

// The cases run as nobody use a copy of kerntop nobody can reach when the checkout is not.
const nobodyTree = nobodyTreeForFile();

async function kerntop(args: string[], opts: { env?: NodeJS.ProcessEnv; asNobody?: boolean; cwd?: string } = {}) {
  const tree = opts.asNobody ? nobodyTree() : null;
  const r = await execa(process.execPath, [tree?.bin ?? BIN, ...args], {
    cwd: opts.cwd ?? tree?.root ?? ROOT,
    env: { ...process.env, ...opts.env },
    reject: false,
    ...(tree ? NOBODY : {}),
    timeout: 240_000,
  });
  return { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Runs a report into a fresh output directory and returns the parsed --json result and that directory. */
async function report(args: string[], opts: { env?: NodeJS.ProcessEnv; asNobody?: boolean } = {}) {
  const out = mkdtempSync(join(work, 'out-'));
  if (opts.asNobody) chmodSync(out, 0o777);
  const r = await kerntop(['vmcore-report', ...args, '--tmp-dir', out, '--json'], opts);
  let json: any = null;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    throw new Error(`no JSON from vmcore-report (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  return { ...r, json, out };
}

function tarList(archive: string): string[] {
  return execFileSync('tar', ['-tJf', archive]).toString().trim().split('\n');
}
function tarRead(archive: string, member: string): string {
  return execFileSync('tar', ['-xOJf', archive, '--wildcards', `*/${member}`]).toString();
}

// The reason the dump cases cannot run here is part of their name, so a skip says why.
describe.skipIf(skipReason)(`vmcore-report on a real sysrq crash${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  beforeAll(async () => {
    lab = await ensureVmcoreLab();
    other = await ensureOtherVmlinux(lab.abi);
    work = mkdtempSync('/tmp/kerntop-e2e-vmcore-');
    chmodSync(work, 0o711); // the no-permission case runs as nobody, who must reach its output directory
    // kdump's layout, with the debuginfo kept beside the dump, compressed (hard links: no copies).
    crashDir = join(work, 'crash', '202611241930');
    mkdirSync(crashDir, { recursive: true });
    dumpPath = join(crashDir, 'dump.202611241930');
    linkSync(lab.vmcore, dumpPath);
    linkSync(lab.vmlinuxZst, join(crashDir, `vmlinux-${lab.abi}.zst`));
  }, 600_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  it('shows release, taint W, the panic reason, the crashed task and stack, the module, and packs a verifiable archive', async () => {
    const r = await report(['--vmcore', dumpPath, '--label', 'e2e']);
    const j = r.json;
    expect(r.code, r.stderr).toBe(0);
    expect(j.status).toBe('complete');
    expect(j.kernel.release).toBe(lab.abi);
    expect(j.kernel.taints.mask & 0x200).toBe(0x200);
    expect(j.kernel.taints.letters).toContain('W');
    expect(j.kernel.taints.flags).toContainEqual({ bit: 9, letter: 'W', name: 'WARN', meaning: 'kernel issued warning' });
    expect(j.panic.reason).toBe('sysrq triggered crash');
    expect(j.panic.source).toBe('log classifier');
    expect(j.panic.crashed).toMatchObject({ pid: 1, comm: 'init', cpu: 0 });
    const fns = j.panic.backtrace.map((f: { function: string }) => f.function);
    expect(fns[0]).toBe('panic');
    expect(fns).toContain('sysrq_handle_crash');
    const mods = j.plugins.find((p: any) => p.name === 'modules').data.modules.map((m: any) => m.name);
    expect(mods).toContain('qemu_fw_cfg');
    expect(j.debuginfo.origin).toBe('beside the dump');
    expect(j.debuginfo.matched_by).toBe('build-id');
    expect(j.kernel.uptime_s).toBeGreaterThan(0);

    // The archive: name, checksum, members, modes.
    const archive: string = j.archive;
    expect(archive).toMatch(/\/sosvmcore-unknown-e2e-\d{4}-\d\d-\d\d-[a-z]{7}\.tar\.xz$/);
    const sum = readFileSync(`${archive}.sha256`, 'utf8');
    expect(sum).toMatch(/^[0-9a-f]{64}\n$/);
    expect(sum.trim()).toBe(createHash('sha256').update(readFileSync(archive)).digest('hex'));
    expect(statSync(archive).mode & 0o777).toBe(0o600);
    const names = tarList(archive).map((n) => n.replace(/^[^/]+\//, ''));
    expect(names[0]).toBe('version.txt');
    for (const p of [
      'sos_reports/sos.txt',
      'sos_reports/manifest.json',
      'sos_reports/sos.json',
      'sos_logs/sos.log',
      'plugins/kernel_info/kernel_info.txt',
      'plugins/panic/panic.txt',
      'plugins/dmesg/dmesg.txt',
      'plugins/tasks/ps.txt',
      'plugins/modules/lsmod.txt',
      'plugins/meminfo/kmem_i.txt',
      'plugins/slabinfo/slabinfo_top.txt',
      'plugins/mounts/mounts.txt',
      'sys/kernel/debug/sched/debug',
    ]) {
      expect(names, p).toContain(p);
    }
    expect(names.indexOf('sos_logs/sos.log')).toBeLessThan(names.indexOf('plugins/dmesg/dmesg.txt'));
    const modes = execFileSync('tar', ['-tvJf', archive])
      .toString()
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/)[0]);
    for (const m of modes) expect(['-rw-------', 'drwx------']).toContain(m);

    expect(tarRead(archive, 'plugins/dmesg/dmesg.txt')).toMatch(/Kernel panic - not syncing: sysrq triggered crash/);
    const manifest = JSON.parse(tarRead(archive, 'sos_reports/manifest.json'));
    expect(manifest.version).toMatch(/^kerntop /);
    expect(manifest.cmdline).toMatch(/^kerntop vmcore-report --vmcore /);
    expect(manifest.run_time).toBeGreaterThan(0);
    expect(manifest.compression).toBe('xz');
    const comp = manifest.components['vmcore-report'];
    expect(comp.debuginfo.vmlinux).toBe(join(crashDir, `vmlinux-${lab.abi}.zst`));
    for (const name of comp.enabled_plugins) {
      expect(comp.plugins[name].status, name).toBe('ok');
      expect(typeof comp.plugins[name].run_time, name).toBe('number');
      expect(comp.plugins[name].error, name).toBeNull();
    }
    const sosTxt = tarRead(archive, 'sos_reports/sos.txt');
    expect(sosTxt.indexOf('PANIC:')).toBeLessThan(sosTxt.indexOf('TAINTED:'));
    expect(sosTxt).toMatch(/sysrq_handle_crash/);
    expect(tarRead(archive, 'sys/kernel/debug/sched/debug')).toMatch(/^Sched Debug Version: v0\.11, /);
    expect(tarRead(archive, 'plugins/panic/panic.txt')).toMatch(/PID: 1 {2}COMMAND: "init"/);
  });

  it('crashes lists the dump with its time, size, format and debuginfo', async () => {
    const r = await kerntop(['crashes', '--dir', join(work, 'crash'), '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(list.entries).toHaveLength(1);
    const e = list.entries[0];
    expect(e.dump).toBe(dumpPath);
    expect(e.time_source).toBe('directory name');
    expect(new Date(e.time_iso).getMinutes()).toBe(30);
    expect(e.size_bytes).toBe(statSync(lab.vmcore).size);
    expect(e.format).toBe('elf');
    expect(e.release).toBe(lab.abi);
    expect(e.debuginfo.found).toBe(true);
    expect(e.debuginfo.path).toBe(join(crashDir, `vmlinux-${lab.abi}.zst`));
    const text = await kerntop(['crashes', '--dir', join(work, 'crash')]);
    expect(text.stdout).toMatch(/DUMP\s+TIME\s+SIZE\s+FORMAT\s+RELEASE\s+DEBUGINFO/);
    expect(text.stdout).toContain(lab.abi);
    const missing = await kerntop(['crashes', '--dir', join(work, 'no-such-dir')]);
    expect(missing.code).toBe(3);
    expect(missing.stdout).toMatch(/does not exist: kdump is not set up on this machine \(Debian: apt-get install kdump-tools/);
  });

  it('plugin selection: -o with -n, -e for an optional plugin, --build keeps a private directory', async () => {
    const r = await report([
      '--vmcore',
      dumpPath,
      '--vmlinux',
      lab.vmlinux,
      '-o',
      'panic,dmesg,tasks',
      '-n',
      'dmesg',
      '-e',
      'stacks',
      '--build',
    ]);
    const status = Object.fromEntries(r.json.plugins.map((p: any) => [p.name, p.status]));
    expect(status).toMatchObject({ panic: 'ok', tasks: 'ok', dmesg: 'skipped', stacks: 'skipped', kernel_info: 'skipped' });
    const r2 = await report([
      '--vmcore',
      dumpPath,
      '--vmlinux',
      lab.vmlinux,
      '--plugins',
      'kernel_info',
      '-e',
      'stacks',
      '--experimental',
      '-e',
      'vmstat',
      '--build',
    ]);
    const s2 = Object.fromEntries(r2.json.plugins.map((p: any) => [p.name, p.status]));
    expect(s2).toMatchObject({ kernel_info: 'ok', stacks: 'skipped', vmstat: 'skipped' });
    const r3 = await report(['--vmcore', dumpPath, '--vmlinux', lab.vmlinux, '-e', 'stacks', '--experimental', '--build']);
    const dir: string = r3.json.build_dir;
    expect(r3.json.archive).toBeNull();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(dir, 'plugins', 'stacks', 'stacks.txt'), 'utf8')).toMatch(/sysrq_handle_crash/);
    expect(readFileSync(join(dir, 'plugins', 'vmstat', 'vmstat'), 'utf8')).toMatch(/^nr_free_pages \d+$/m);
    expect(statSync(join(dir, 'plugins', 'stacks', 'stacks.txt')).mode & 0o777).toBe(0o600);
  });

  it('--debuginfo-dir: finds the vmlinux in a -dbg tree and loads module debuginfo from it', async () => {
    const dir = mkdtempSync(join(work, 'dbgdir-'));
    linkSync(lab.vmcore, join(dir, 'vmcore'));
    const r = await report(['--vmcore', join(dir, 'vmcore'), '--debuginfo-dir', lab.debugTree, '-o', 'modules']);
    expect(r.code, r.json.problems.join('\n')).toBe(0);
    expect(r.json.debuginfo.origin).toBe('--debuginfo-dir');
    expect(r.json.debuginfo.source_path).toBe(join(lab.debugTree, 'usr/lib/debug/boot', `vmlinux-${lab.abi}`));
    const mods = r.json.plugins.find((p: any) => p.name === 'modules').data;
    expect(mods.modules.map((m: any) => m.name)).toEqual(['qemu_fw_cfg']);
    expect(mods.without_debuginfo).toEqual([]);
    expect(tarRead(r.json.archive, 'sos_logs/sos.log')).toMatch(/module debuginfo loaded for qemu_fw_cfg, missing for none/);
  });

  it('relative paths (--vmcore, --vmlinux, --debuginfo-dir, --tmp-dir) name the files where kerntop was started', async () => {
    const dir = mkdtempSync(join(work, 'rel-'));
    linkSync(lab.vmcore, join(dir, 'dumpcopy.elf'));
    const run = async (args: string[]) => {
      const r = await kerntop(['vmcore-report', '--vmcore', 'dumpcopy.elf', ...args, '--tmp-dir', 'reports', '--json'], {
        cwd: dir,
      });
      return { ...r, json: JSON.parse(r.stdout) };
    };
    const a = await run(['--vmlinux', relative(dir, lab.vmlinux), '-o', 'kernel_info,panic']);
    expect(a.code, a.json.problems.join('\n')).toBe(0);
    expect(a.json.dump.path).toBe(join(dir, 'dumpcopy.elf'));
    expect(a.json.kernel.release).toBe(lab.abi);
    expect(a.json.panic.crashed).toMatchObject({ pid: 1, comm: 'init' });
    expect(isAbsolute(a.json.archive)).toBe(true);
    expect(a.json.archive.startsWith(join(dir, 'reports') + '/')).toBe(true);
    const b = await run(['--debuginfo-dir', relative(dir, lab.debugTree), '-o', 'modules']);
    expect(b.code, b.json.problems.join('\n')).toBe(0);
    expect(b.json.debuginfo.source_path).toBe(join(lab.debugTree, 'usr/lib/debug/boot', `vmlinux-${lab.abi}`));
    expect(b.json.plugins.find((p: any) => p.name === 'modules').data.without_debuginfo).toEqual([]);
  });

  it("every line the collector prints on a real dump is a protocol event, and the job passes each plugin's progress on typed", async () => {
    const { runCollector } = await import('../../src/jobs/vmcore/collector.js');
    const { runVmcoreReport } = await import('../../src/jobs/vmcore/job.js');
    const plugins = ['kernel_info', 'panic', 'dmesg', 'modules', 'nosuch'];
    const seen: string[] = [];
    const col = await runCollector(
      {
        vmcore: dumpPath,
        vmlinux: lab.vmlinux,
        module_debuginfo_dirs: [],
        vmcoreinfo: null,
        plugins,
        out_dir: mkdtempSync(join(work, 'collect-')),
        options: {},
        plugin_timeout_s: 200,
      },
      (ev) => seen.push(ev.type),
    );
    expect(col.exit_code, col.stderr).toBe(0);
    expect(col.stray).toEqual([]);
    expect(seen).toEqual(['hello', 'open', 'debuginfo', ...plugins.flatMap(() => ['plugin.start', 'plugin.end']), 'done']);

    // Through the job: a running then an ended progress per chosen plugin, with the time the collector measured.
    const progress: { name: string; status: string; time_s?: number }[] = [];
    const r = await runVmcoreReport(
      {
        vmcore: dumpPath,
        vmlinux: lab.vmlinux,
        onlyPlugins: ['kernel_info', 'panic', 'tasks'],
        tmpDir: mkdtempSync(join(work, 'typed-')),
      },
      {
        onEvent: (ev) => {
          if (ev.type === 'job.progress' && ev.plugin) progress.push(ev.plugin);
        },
      },
    );
    expect(progress.map((p) => `${p.name} ${p.status}`)).toEqual([
      'kernel_info running',
      'kernel_info ok',
      'panic running',
      'panic ok',
      'tasks running',
      'tasks ok',
    ]);
    for (const name of ['kernel_info', 'panic', 'tasks']) {
      expect(progress.find((p) => p.name === name && p.status === 'ok')!.time_s).toBe(
        r.plugins.find((p) => p.name === name)!.run_time_s,
      );
    }
  });

  it('cancelling the job stops the collector and leaves nothing behind', async () => {
    const { runVmcoreReport, CancelledError } = await import('../../src/jobs/vmcore/job.js');
    const out = mkdtempSync(join(work, 'cancel-'));
    const ac = new AbortController();
    let pid = 0;
    const progress: string[] = [];
    const p = runVmcoreReport(
      { vmcore: dumpPath, vmlinux: lab.vmlinux, enablePlugins: ['stacks'], tmpDir: out },
      {
        signal: ac.signal,
        onEvent: (ev) => {
          if (ev.type !== 'job.progress') return;
          progress.push(ev.message);
          const m = /collector pid (\d+)/.exec(ev.message);
          if (m) pid = Number(m[1]);
          if (/^plugin panic: started/.test(ev.message)) ac.abort();
        },
      },
    );
    await expect(p).rejects.toBeInstanceOf(CancelledError);
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    expect(readdirSync(out)).toEqual([]);
    expect(progress.some((m) => /^plugin kernel_info: ok/.test(m))).toBe(true);
  });

  it('a SIGKILLed kerntop takes its collector with it', async () => {
    const { spawn } = await import('node:child_process');
    const out = mkdtempSync(join(work, 'kill-'));
    const child = spawn(
      process.execPath,
      [BIN, 'vmcore-report', '--vmcore', dumpPath, '--vmlinux', lab.vmlinux, '-e', 'stacks', '-o', 'stacks', '--tmp-dir', out],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    const pid = await new Promise<number>((resolve, reject) => {
      let collector = 0;
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        err += d;
        const m = /collector pid (\d+)/.exec(err);
        if (m) collector = Number(m[1]);
        if (collector && /plugin stacks: started/.test(err)) {
          child.kill('SIGKILL');
          resolve(collector);
        }
      });
      child.once('exit', () => reject(new Error(`kerntop exited before the stacks plugin started:\n${err}`)));
    });
    // The stacks plugin alone runs for most of a second; gone well before that means killed, not finished.
    const gone = async () => {
      for (let i = 0; i < 30; i++) {
        // Gone, or a zombie waiting for whoever inherited it to reap it: either way no longer running.
        let stat = '';
        try {
          stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        } catch {
          return true;
        }
        if (/^\d+ \(.*\) [ZX] /.test(stat)) return true;
        await new Promise((r) => setTimeout(r, 10));
      }
      return false;
    };
    expect(await gone()).toBe(true);
    // What the killed run left in --tmp-dir is removed by the next run there.
    expect(readdirSync(out).some((e) => e.startsWith('kerntop-vmcore.'))).toBe(true);
    writeFileSync(join(work, 'not-a-dump'), 'x\n');
    await kerntop(['vmcore-report', '--vmcore', join(work, 'not-a-dump'), '--tmp-dir', out]);
    expect(readdirSync(out).filter((e) => e.startsWith('kerntop-vmcore.'))).toEqual([]);
  });

  it('SIGHUP (the terminal went away) cancels the report: its children are gone, nothing is kept, exit 3', async () => {
    const { spawn } = await import('node:child_process');
    const out = mkdtempSync(join(work, 'hup-'));
    const child = spawn(
      process.execPath,
      [BIN, 'vmcore-report', '--vmcore', dumpPath, '--vmlinux', lab.vmlinux, '-e', 'stacks', '-o', 'stacks', '--tmp-dir', out],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
      child.once('exit', (code, signal) => r({ code, signal })),
    );
    // Every process kerntop runs at the moment the signal comes (the collector and whatever it started).
    let sent = false;
    const children = await new Promise<number[]>((resolve, reject) => {
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        err += d;
        if (!sent && /collector pid \d+/.test(err) && /plugin stacks: started/.test(err)) {
          sent = true;
          const pids = descendants(child.pid!);
          child.kill('SIGHUP');
          resolve(pids);
        }
      });
      void exited.then(() => reject(new Error(`kerntop exited before the stacks plugin started:\n${err}`)));
    });
    expect(children.length).toBeGreaterThan(0);
    const end = await exited;
    // Ended by its own hand after cleaning up, not by the signal's default action.
    expect(end, err).toEqual({ code: 3, signal: null });
    expect(err).toContain('cancelled; nothing was kept');
    expect(children.filter(alive)).toEqual([]);
    expect(readdirSync(out)).toEqual([]);
  });

  describe('bad input: a clear message, and what could be collected is still archived', () => {
    const archived = (j: any) => {
      expect(existsSync(j.archive)).toBe(true);
      const names = tarList(j.archive).map((n) => n.replace(/^[^/]+\//, ''));
      expect(names).toEqual(
        expect.arrayContaining(['version.txt', 'sos_reports/manifest.json', 'sos_reports/sos.txt', 'sos_logs/sos.log']),
      );
      return names;
    };

    it('not a vmcore', async () => {
      const p = join(work, 'notes.txt');
      writeFileSync(p, 'this is a text file\n');
      const r = await report(['--vmcore', p]);
      expect(r.code).toBe(3);
      expect(r.json.problems[0]).toMatch(/is not a vmcore: it starts with 7468697320697320 \("this is a text f"\)/);
      archived(r.json);
      expect(tarRead(r.json.archive, 'sos_logs/sos.log')).toMatch(/dump problem \(not_vmcore, fatal\)/);
    });

    it('a dump cut short inside its headers, or random bytes: said plainly, drgn not even started', async () => {
      const p = join(work, 'vmcore-cut-5000');
      execFileSync('sh', ['-c', 'head -c 5000 "$1" > "$2"', 'sh', lab.vmcore, p]);
      const r = await report(['--vmcore', p]);
      expect(r.code).toBe(3);
      expect(r.json.problems).toEqual([
        expect.stringMatching(
          /vmcore-cut-5000 ends inside its own headers \(program headers cut short; the file has 5000 bytes\).*Copy it again/,
        ),
      ]);
      expect(r.json.drgn).toBeNull();
      expect(r.stderr).not.toMatch(/\n\s+at /);
      archived(r.json);
      const rnd = join(work, 'vmcore-random');
      execFileSync('sh', ['-c', 'head -c 1048576 /dev/urandom > "$1"', 'sh', rnd]);
      const r2 = await report(['--vmcore', rnd]);
      expect(r2.code).toBe(3);
      expect(r2.json.problems).toEqual([expect.stringMatching(/vmcore-random is not a vmcore: it starts with [0-9a-f]{16}/)]);
      expect(r2.json.drgn).toBeNull();
    });

    it('a truncated dump: reported as such, every plugin still attempted', async () => {
      const p = join(work, 'vmcore-truncated');
      execFileSync('sh', ['-c', 'head -c 300000000 "$1" > "$2"', 'sh', lab.vmcore, p]);
      const r = await report(['--vmcore', p, '--vmlinux', lab.vmlinux]);
      expect(r.code).toBeGreaterThanOrEqual(1);
      expect(r.json.problems[0]).toMatch(/is truncated: its headers describe \d+ bytes but the file has 300000000/);
      for (const pl of r.json.plugins.filter((x: any) => x.status !== 'skipped'))
        expect(['ok', 'failed'], pl.name).toContain(pl.status);
      for (const pl of r.json.plugins.filter((x: any) => x.status === 'failed')) expect(pl.error).toMatch(/truncated dump|Error/);
      archived(r.json);
      rmSync(p);
    });

    it('no VMCOREINFO: explains -device vmcoreinfo and qemu_fw_cfg', async () => {
      const r = await report(['--vmcore', lab.vmcoreNoInfo, '--vmlinux', lab.vmlinux]);
      expect(r.code).toBe(3);
      expect(r.json.problems[0]).toMatch(/-device vmcoreinfo/);
      expect(r.json.problems[0]).toMatch(/qemu_fw_cfg/);
      expect(r.json.problems.join('\n')).toMatch(/drgn could not open the dump: ValueError: unrecognized QEMU memory dump/);
      archived(r.json);
    });

    it('no debuginfo: the log and the panic reason still come from VMCOREINFO alone', async () => {
      const dir = mkdtempSync(join(work, 'nodbg-'));
      linkSync(lab.vmcore, join(dir, 'vmcore'));
      const r = await report(['--vmcore', join(dir, 'vmcore')]);
      expect(r.code).toBe(1);
      expect(r.json.problems[0]).toMatch(
        new RegExp(`^no debuginfo: found no vmlinux for this dump.*apt-get install linux-image-${lab.abi}-dbg`),
      );
      expect(r.json.kernel.release).toBe(lab.abi);
      expect(r.json.panic.reason).toBe('sysrq triggered crash');
      expect(r.json.panic.crashed).toBeNull();
      const tasks = r.json.plugins.find((p: any) => p.name === 'tasks');
      expect(tasks).toMatchObject({ status: 'not_run', reason: 'needs the matching vmlinux (no debuginfo loaded)' });
      const names = archived(r.json);
      expect(names).toContain('plugins/dmesg/dmesg.txt');
      expect(tarRead(r.json.archive, 'plugins/dmesg/dmesg.txt')).toMatch(/Kernel panic - not syncing: sysrq triggered crash/);
    });

    it('a vmlinux of another kernel is refused, plainly', async () => {
      if (!other) return; // the archive lists no older cloud -dbg package
      const dir = mkdtempSync(join(work, 'mismatch-'));
      linkSync(lab.vmcore, join(dir, 'vmcore'));
      const r = await report(['--vmcore', join(dir, 'vmcore'), '--vmlinux', other.vmlinux]);
      expect(r.code).toBe(1);
      expect(r.json.debuginfo.vmlinux).toBeNull();
      expect(r.json.problems[0]).toContain(`${other.vmlinux} is another kernel (release ${other.abi}`);
      expect(r.json.problems[0]).toContain(`the dump is release ${lab.abi}`);
      expect(r.json.panic.reason).toBe('sysrq triggered crash');
      archived(r.json);
    });

    it('no drgn: names the package to install', async () => {
      // A real Python without site-packages, where Debian's drgn lives.
      const py = join(work, 'python-without-drgn');
      writeFileSync(py, '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n', { mode: 0o755 });
      const r = await report(['--vmcore', dumpPath, '--vmlinux', lab.vmlinux], { env: { KERNTOP_PYTHON: py } });
      expect(r.code).toBe(3);
      expect(r.json.problems.join('\n')).toMatch(/drgn is not available .*apt-get install python3-drgn/);
      expect(r.json.plugins.find((p: any) => p.name === 'panic').reason).toBe('drgn is not available');
      expect(r.json.dump.release).toBe(lab.abi);
      archived(r.json);
    });

    it('no permission: run as nobody, says to run as root', async (ctx) => {
      const skip = nobodyTree().skip;
      if (skip) ctx.skip(skip);
      const r = await report(['--vmcore', dumpPath], { asNobody: true });
      expect(r.code).toBe(3);
      expect(r.json.problems[0]).toMatch(/cannot read .*: permission denied\. .*run kerntop as root/);
      archived(r.json);
      expect(statSync(r.json.archive).uid).toBe(65534);
    });
  });
});

// Bad paths need no dump and no drgn: they are refused before either is touched.
describe('vmcore-report and crashes: paths that cannot be used', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync('/tmp/kerntop-e2e-vmcore-paths-');
    chmodSync(dir, 0o711);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('crashes --dir on something that is not a directory: says exactly that, exit 3', async () => {
    writeFileSync(join(dir, 'a-file'), 'x\n');
    for (const d of ['/dev/zero', join(dir, 'a-file')]) {
      const r = await kerntop(['crashes', '--dir', d]);
      expect(r.code, d).toBe(3);
      expect(r.stderr).toBe(
        `kerntop crashes: ${d} is not a directory: --dir names the directory kdump writes dumps to (default /var/crash; KDUMP_COREDIR in /etc/default/kdump-tools, "path" in /etc/kdump.conf)`,
      );
      expect(r.stderr).not.toMatch(/kdump is not set up|no crash dumps/);
    }
    const j = JSON.parse((await kerntop(['crashes', '--dir', '/dev/zero', '--json'])).stdout);
    expect(j).toMatchObject({ status: 'not_directory', entries: [] });
    // A relative --dir lists absolute dump paths (ready for vmcore-report --vmcore from anywhere).
    mkdirSync(join(dir, 'rel', '202611241930'), { recursive: true });
    writeFileSync(join(dir, 'rel', '202611241930', 'vmcore'), 'not a dump\n');
    const rel = JSON.parse((await kerntop(['crashes', '--dir', 'rel', '--json'], { cwd: dir })).stdout);
    expect(rel.dir).toBe(join(dir, 'rel'));
    expect(rel.entries.map((e: any) => e.dump)).toEqual([join(dir, 'rel', '202611241930', 'vmcore')]);
  });

  it('crashes --dir that cannot be read (as nobody): permission denied, exit 3; an empty one: no dumps, exit 0', async (ctx) => {
    const skip = nobodyTree().skip;
    if (skip) ctx.skip(skip);
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o700 });
    const r = await kerntop(['crashes', '--dir', locked], { asNobody: true });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^kerntop crashes: cannot read .*locked: permission denied \(dumps are root's: run as root\)$/);
    const empty = await kerntop(['crashes', '--dir', locked]);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe(`kerntop crashes: no crash dumps under ${locked}`);
    // A readable --dir whose dump directory is root's: not "no dumps", but which one could not be read.
    const top = join(dir, 'crash-top');
    mkdirSync(join(top, '202611241930'), { recursive: true, mode: 0o755 });
    chmodSync(top, 0o755);
    chmodSync(join(top, '202611241930'), 0o700);
    const sub = await kerntop(['crashes', '--dir', top], { asNobody: true });
    expect(sub.code).toBe(3);
    expect(sub.stdout).toBe(`kerntop crashes: no crash dumps readable under ${top}`);
    expect(sub.stderr).toBe(
      `kerntop crashes: cannot read ${join(top, '202611241930')}: permission denied (dumps are root's: run as root)`,
    );
  });

  it('a --vmcore that does not exist: named, with where dumps live; exit 3', async () => {
    const out = mkdtempSync(join(dir, 'out-'));
    const r = await kerntop(['vmcore-report', '--vmcore', join(dir, 'no-such-vmcore'), '--tmp-dir', out, '--json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).problems[0]).toMatch(
      /no-such-vmcore does not exist\. Point --vmcore at the dump file .*kerntop crashes/,
    );
  });

  it('a --tmp-dir that is a file or under /proc: exit 3 at once, the fix named, no stack trace', async () => {
    writeFileSync(join(dir, 'not-a-dir'), 'x\n');
    const a = await kerntop(['vmcore-report', '--vmcore', join(dir, 'not-a-dir'), '--tmp-dir', join(dir, 'not-a-dir')]);
    expect(a.code).toBe(3);
    expect(a.stderr).toBe(
      `kerntop vmcore-report: cannot write the report under ${join(dir, 'not-a-dir')}: ${join(dir, 'not-a-dir')} is not a directory; name a writable directory with --tmp-dir`,
    );
    // Node's recursive mkdir spins forever under /proc; the timeout of kerntop() would catch a hang.
    const b = await kerntop(['vmcore-report', '--vmcore', join(dir, 'not-a-dir'), '--tmp-dir', '/proc/kerntop-no-such-dir']);
    expect(b.code).toBe(3);
    expect(b.stderr).toMatch(/^kerntop vmcore-report: cannot create \/proc\/kerntop-no-such-dir for the report: .*--tmp-dir$/);
  }, 60_000);
});
