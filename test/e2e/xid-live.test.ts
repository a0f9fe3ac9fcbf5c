// NVIDIA Xid lines written into this machine's kernel log show up as Xid events in follow mode (no
// GPU needed: the driver's line is what is parsed), and saved logs in each form give the same events.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { XidEvent } from '../../src/knowledge/xid/tracker.js';
import { BIN, ROOT, startKerntop } from './lib/kerntop.js';
import { kerntopOnTty } from './lib/pty.js';

const isRoot = process.geteuid?.() === 0;
// A PCI address no real GPU of this VM has, and a process name unique to this run. Xid 43 is an
// informational, application-class code, so anything else reading this log is not alarmed by it.
const pid = 400000 + (process.pid % 100000);
const comm = `kxe2e${Date.now().toString(36)}`;
const PCI = '0000:7e:1f';
const UUID = 'GPU-4b1d0000-e2e0-4000-8000-00000000c0de';
const xidLine = `NVRM: Xid (PCI:${PCI}): 43, pid=${pid}, name=${comm}, Ch 00000008`;

function writeKmsg(lines: string[]): void {
  for (let i = 0; i < lines.length; i += 10) {
    const fd = openSync('/dev/kmsg', 'w');
    try {
      for (const l of lines.slice(i, i + 10)) writeSync(fd, `${l}\n`);
    } finally {
      closeSync(fd);
    }
  }
}

async function until(pred: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!isRoot)('kerntop xid on the live kernel log', () => {
  it('follow: an NVRM Xid line written now becomes an Xid event with the GPU the driver named', async () => {
    const k = startKerntop(['xid', '--follow', '--json']);
    try {
      await until(() => k.stderr().includes('reading /dev/kmsg'), 10_000);
      expect(k.stderr()).toMatch(/nvidia-smi unavailable \(nvidia-smi not found\)/);
      const t0 = Date.now();
      // Levels as the driver logs them (observed: 3 and 4); the driver names the GPU once first.
      writeKmsg([`<4>NVRM: GPU at PCI:${PCI}: ${UUID}`, `<3>${xidLine}`]);
      const ev = await k.waitFor<XidEvent>((e) => e.pid === pid, 5000);
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(ev).toMatchObject({
        xid: 43,
        gpu: { pci: PCI, uuid: UUID },
        pid,
        process: comm,
        message: 'Ch 00000008',
        class: 'application',
        severity: 'info',
        channel: '00000008',
        form: 'xid',
      });
      expect(typeof ev.seq).toBe('number');
      expect(Math.abs(Date.parse(ev.wall!) - t0)).toBeLessThan(5000);
      k.child.kill('SIGINT');
      const { code } = await k.exited;
      // The exit code is the worst severity of every Xid printed, the buffer's own included.
      const evs = k.lines as XidEvent[];
      expect(code).toBe(evs.some((e) => e.severity === 'critical') ? 2 : evs.some((e) => e.severity === 'warning') ? 1 : 0);
    } finally {
      k.child.kill('SIGKILL');
    }
  });

  it('follow, text: a storm of one Xid prints once, then one line with the repeat count', async () => {
    const k = startKerntop(['xid', '--follow']);
    try {
      await until(() => k.stderr().includes('reading /dev/kmsg'), 10_000);
      const before = k.stdout().length;
      // Another (made-up) GPU, so the events of the test before do not join this storm.
      writeKmsg(
        Array.from({ length: 6 }, () => `<4>${xidLine.replace(PCI, '0000:7e:1e').replace('Ch 00000008', 'Ch 00000009')}`),
      );
      await until(() => k.stdout().slice(before).includes('Ch 00000009'), 5000);
      k.child.kill('SIGTERM');
      await k.exited;
      const out = k.stdout().slice(before);
      expect(out.match(/Xid 43 +GPU 0000:7e:1e/g)).toHaveLength(1);
      expect(out).toMatch(/\.\.\. Xid 43 on GPU 0000:7e:1e repeated x5 more/);
    } finally {
      k.child.kill('SIGKILL');
    }
  });

  it('dump: the whole buffer, grouped per GPU, exit code from the worst severity', () => {
    const json = spawnSync(process.execPath, [BIN, 'xid', '--json'], { cwd: ROOT, encoding: 'utf8' });
    const evs = json.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as XidEvent);
    const mine = evs.filter((e) => e.process === comm);
    expect(mine.length).toBeGreaterThanOrEqual(7);
    const worst = evs.some((e) => e.severity === 'critical') ? 2 : evs.some((e) => e.severity === 'warning') ? 1 : 0;
    expect(json.status).toBe(worst);
    const text = spawnSync(process.execPath, [BIN, 'xid'], { cwd: ROOT, encoding: 'utf8' });
    expect(text.stdout).toMatch(
      new RegExp(
        `GPU 0000:7e:1f \\(${UUID}\\)\\n\\s+Xid 43 (x\\d+ )?(\\(\\d+ in window\\) )?info application: GPU stopped processing`,
      ),
    );
  });
});

describe('kerntop xid --input (saved logs)', () => {
  const fix = (f: string) => join(ROOT, 'fixtures/kmsg', f);
  const run = (args: string[], input?: string) =>
    spawnSync(process.execPath, [BIN, 'xid', ...args], { cwd: ROOT, encoding: 'utf8', input, maxBuffer: 64 << 20 });

  it('published NVRM lines as plain text: one event per Xid line, exit 2 for the critical ones', () => {
    const r = run(['--json', '--input', fix('xid-lines.txt')]);
    const evs = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as XidEvent);
    expect(evs.map((e) => e.xid)).toEqual([
      31, 79, 13, 94, 79, 43, 31, 109, 31, 13, 32, 119, 63, 154, 149, 145, 149, 146, 14, 3, 79,
    ]);
    // In this file the "GPU at PCI" line comes after the Xid 119 of that GPU, so the UUID is not known yet.
    expect(evs.find((e) => e.xid === 119)!.gpu).toEqual({ pci: '0000:9b:00' });
    expect(r.status).toBe(2);
  });

  it('the same bus loss as a raw kmsg record and as dmesg/journalctl text, from stdin', () => {
    const raw = run(['--json', '--input', fix('bus-loss-multiline.kmsg')]);
    expect(JSON.parse(raw.stdout)).toMatchObject({ xid: 79, gpu: { pci: '0000:b3:00' }, seq: 1201, ts_us: 88123456 });
    const journal = [
      'Nov 22 07:09:01 gpu-node-3 kernel: NVRM: The NVIDIA GPU 0000:b3:00.0',
      'Nov 22 07:09:01 gpu-node-3 kernel: NVRM: (PCI ID: 10de:26b5) installed in this system has',
      'Nov 22 07:09:01 gpu-node-3 kernel: NVRM: fallen off the bus and is not responding to commands.',
      '',
    ].join('\n');
    const j = run(['--json', '--input', '-'], journal);
    expect(JSON.parse(j.stdout)).toMatchObject({ xid: 79, gpu: { pci: '0000:b3:00' }, severity: 'critical' });
    expect(JSON.parse(j.stdout).wall).toMatch(/^\d{4}-11-22T/);
    const text = run(['--input', '-'], journal);
    expect(text.stdout).toMatch(
      /^\d{4}-11-22 07:09:01 {2}Xid 79 {2}GPU 0000:b3:00 {2}critical hardware: GPU has fallen off the bus$/m,
    );
    expect(text.stdout).toMatch(/^Xid: 1 event\(s\), 1 in the last 1h, worst critical$/m);
  });

  it('a log without Xids: "none seen", exit 0; a missing file: exit 3 naming it', () => {
    const r = run(['--input', fix('gpu-host.kmsg')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Xid: none seen/);
    const m = run(['--input', '/nonexistent/kern.log']);
    expect(m.status).toBe(3);
    expect(m.stderr).toMatch(/cannot read \/nonexistent\/kern.log: ENOENT/);
  });

  it('counts every Xid of a storm far beyond 4096, in the window and out of it, reading the log as a stream', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kerntop-xid-storm-'));
    try {
      // dmesg --time-format=iso: 1500 Xids two hours before the end, then 6000 in the last 50 minutes.
      const end = Date.parse('2026-11-22T08:00:00Z');
      const iso = (ms: number) =>
        `${new Date(ms).toISOString().slice(0, 19)},${String((ms % 1000) * 1000).padStart(6, '0')}+00:00`;
      const lines: string[] = [];
      for (let i = 0; i < 1500; i++)
        lines.push(`${iso(end - 7_200_000 + i * 100)} NVRM: Xid (PCI:0000:7e:20): 43, pid=${i}, name=storm, Ch 00000008`);
      for (let i = 0; i < 6000; i++)
        lines.push(`${iso(end - 3_000_000 + i * 500)} NVRM: Xid (PCI:0000:7e:20): 43, pid=${i}, name=storm, Ch 00000008`);
      const file = join(dir, 'storm.log');
      writeFileSync(file, lines.join('\n') + '\n');
      const r = run(['--input', file]);
      expect(r.stdout).toMatch(/^Xid: 7500 event\(s\), 6000 in the last 1h, worst info$/m);
      expect(r.stdout).toMatch(/^ +Xid 43 x7500 \(6000 in window\) info application/m);
      const j = run(['--json', '--input', '-'], lines.join('\n'));
      expect(j.stdout.split('\n').filter(Boolean)).toHaveLength(7500);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on a terminal, control bytes from the log print as \\xNN; --json keeps them exact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kerntop-xid-esc-'));
    try {
      const name = '\x1b]0;owned\x07evil\x1b[2J';
      const file = join(dir, 'esc.log');
      writeFileSync(file, `NVRM: Xid (PCI:0000:7e:2a): 43, pid=77, name=${name}, Ch 00000008\x1bc\n`);
      const tty = kerntopOnTty(['xid', '--input', file]);
      expect(tty).not.toContain('\x1b');
      expect(tty).not.toContain('\x07');
      expect(tty).toContain('\\x1b]0;owned\\x07evil\\x1b[2J');
      const json = kerntopOnTty(['xid', '--json', '--input', file]);
      expect(json).not.toContain('\x1b');
      const lines = json.split('\r\n').filter((l) => l.startsWith('{'));
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]).process).toBe(name);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
