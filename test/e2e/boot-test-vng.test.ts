// The vng runner against a stand-in `vng` on PATH (fixtures/boot-test/fake-vng/vng): virtme-ng is not
// packaged for Debian 12. The stand-in refuses to run without a terminal, as vng before PR #426 does,
// records its arguments and tty, and prints real console logs.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootTest, pidAlive, ROOT, startBootTest, waitUntil } from './lib/boot-test-cli.js';

const fakeDir = join(ROOT, 'fixtures', 'boot-test', 'fake-vng');
const tmp = mkdtempSync(join(tmpdir(), 'kerntop-vng-e2e-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const kernel = join(tmp, 'vmlinuz');
copyFileSync(join(ROOT, 'fixtures', 'boot-test', 'vmlinuz-6.1.0-56-cloud-amd64.head'), kernel);

let n = 0;
function vngEnv(mode = 'boot') {
  const record = join(tmp, `rec${n++}`);
  return {
    record,
    env: {
      PATH: `${fakeDir}:${process.env.PATH}`,
      FAKE_VNG_RECORD: record,
      FAKE_VNG_MODE: mode,
      KERNTOP_CACHE_DIR: join(tmp, 'cache'),
    },
  };
}
const args = (record: string) => readFileSync(`${record}.args`, 'latin1').split('\0').slice(0, -1);

describe('vng runner (stand-in vng)', () => {
  it('the stand-in, like old vng, refuses to run without a terminal', () => {
    let err = '';
    try {
      execFileSync(join(fakeDir, 'vng'), ['--run'], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      err = String((e as { stderr: Buffer }).stderr);
    }
    expect(err).toContain('must be a terminal');
  });

  it('is chosen when installed, runs under a PTY with the settings passed through, and its console is judged', async () => {
    const { record, env } = vngEnv();
    const r = await bootTest(
      [
        '--kernel',
        kernel,
        '--memory',
        '1G',
        '--cpus',
        '3',
        '--accel',
        'tcg',
        '--append',
        'foo=bar',
        '--exec',
        'echo hi from exec',
        '--json',
      ],
      env,
    );
    expect(args(record)).toEqual([
      '--run',
      kernel,
      '--memory',
      '1G',
      '--cpus',
      '3',
      '--disable-kvm',
      '--verbose',
      '--append',
      'panic=-1 foo=bar',
      '--exec',
      '(echo hi from exec); echo "kerntop-boot: completed rc=$?"',
    ]);
    expect(readFileSync(`${record}.tty`, 'utf8')).toMatch(/^\/dev\/pts\/\d+/);
    const j = r.json!;
    expect(j).toMatchObject({
      success: true,
      runner: 'vng',
      accel: 'tcg',
      boot_completed: true,
      kernel_version: '6.1.0-56-amd64',
      exit_code: 0,
      exec_rc: 0,
    });
    expect(j.counts).toMatchObject({ panics: 0, oops: 0 });
    // The PTY turned every newline into CRLF and the firmware's escapes came through: all cleaned.
    const text = readFileSync(j.log_path, 'latin1');
    expect(text).toContain('\nhi from exec\n');
    expect(text).not.toMatch(/[\r\x1b]/);
    expect(text).not.toContain('__kerntop_vng_exit__');
    expect(j.console.escapes_removed).toBeGreaterThan(0);
    expect(r.code).toBe(0);
  }, 60_000);

  it('keeps KVM when forced and /dev/kvm is there', async () => {
    if (!existsSync('/dev/kvm')) return;
    const { record, env } = vngEnv();
    const r = await bootTest(['--kernel', kernel, '--runner', 'vng', '--accel', 'kvm', '--json'], env);
    expect(r.json?.accel).toBe('kvm');
    expect(args(record)).not.toContain('--disable-kvm');
  }, 60_000);

  it('reports a panic: exit 2, with every console line that vng printed just before it exited', async () => {
    // When the session leader exits, Linux drops terminal output not yet read: the runner must not
    // let vng lead the session. Several runs, since the loss depended on timing.
    const lines = readFileSync(join(ROOT, 'fixtures', 'boot-test', 'panic.log'), 'latin1')
      .trimEnd()
      .split('\n').length;
    for (let i = 0; i < 4; i++) {
      const { env } = vngEnv('panic');
      const r = await bootTest(['--kernel', kernel, '--accel', 'tcg', '--json'], env);
      expect(r.code).toBe(2);
      expect(r.json!.console.lines).toBe(lines);
      expect(r.json!.counts.panics).toBeGreaterThanOrEqual(1);
      expect(r.json!.success).toBe(false);
    }
  }, 60_000);

  it('a failing guest command: booted, success false, exit 1', async () => {
    const { env } = vngEnv();
    const r = await bootTest(['--kernel', kernel, '--accel', 'tcg', '--exec', 'exit 3', '--json'], env);
    expect(r.json).toMatchObject({ boot_completed: true, exec_rc: 3, success: false, exit_code: 0 });
    expect(r.code).toBe(1);
  }, 60_000);

  it('a hung guest times out and the vng process group is gone', async () => {
    const { record, env } = vngEnv('hang');
    const r = await bootTest(['--kernel', kernel, '--accel', 'tcg', '--timeout', '3', '--json'], env);
    expect(r.json).toMatchObject({ timeout_occurred: true, success: false, runner: 'vng' });
    expect(r.code).toBe(2);
    expect(pidAlive(Number(readFileSync(`${record}.pid`, 'utf8')))).toBe(false);
  }, 60_000);

  it('Ctrl+C (SIGINT) kills vng under its PTY', async () => {
    const { record, env } = vngEnv('hang');
    const run = startBootTest(['--kernel', kernel, '--accel', 'tcg', '--timeout', '60'], env);
    await waitUntil(() => existsSync(`${record}.pid`), 20_000, 'the stand-in vng to start');
    const pid = Number(readFileSync(`${record}.pid`, 'utf8'));
    await new Promise((r) => setTimeout(r, 500));
    run.kill('SIGINT');
    const done = await run.done;
    expect(done.code).toBe(130);
    expect(pidAlive(pid)).toBe(false);
  }, 60_000);
});
