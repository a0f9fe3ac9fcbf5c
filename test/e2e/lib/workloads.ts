// Real workloads that make real kernel events, for e2e tests and for recording fixtures.
// Every one uses unique names and undoes what it changed, even when the test fails.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const uid = () => `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const sh = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const isRoot = () => process.geteuid?.() === 0;

/** A loop device over a temp file; major:minor and name for matching events. */
export async function withLoopDevice<T>(
  sizeMb: number,
  fn: (dev: { path: string; name: string; majmin: string }) => Promise<T>,
): Promise<T> {
  const file = join(tmpdir(), `kerntop-loop-${uid()}.img`);
  execFileSync('truncate', ['-s', `${sizeMb}M`, file]);
  const path = sh('losetup', ['-f', '--show', file]);
  try {
    const name = path.replace('/dev/', '');
    const majmin = readFileSync(`/sys/block/${name}/dev`, 'utf8').trim();
    return await fn({ path, name, majmin });
  } finally {
    try {
      sh('losetup', ['-d', path]);
    } catch {
      // already detached
    }
    rmSync(file, { force: true });
  }
}

/** Direct (uncached) writes and reads, so every request reaches the block layer. */
export function directIo(devPath: string, blocks = 2000): void {
  execFileSync('dd', ['if=/dev/zero', `of=${devPath}`, 'bs=4k', `count=${blocks}`, 'oflag=direct'], { stdio: 'ignore' });
  execFileSync('dd', [`if=${devPath}`, 'of=/dev/null', 'bs=4k', `count=${blocks}`, 'iflag=direct'], { stdio: 'ignore' });
}

/** n busy loops (more than the cores make run-queue latency); killed after ms. */
export async function busyLoops(n: number, ms: number): Promise<void> {
  const kids: ChildProcess[] = [];
  for (let i = 0; i < n; i++) kids.push(spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
  await sleep(ms);
  for (const k of kids) k.kill('SIGKILL');
}

/** Python that renames itself (PR_SET_NAME) so the OOM victim's comm is ours. */
function pyWithComm(comm: string, body: string): string {
  return `import ctypes\nctypes.CDLL(None).prctl(15, ${JSON.stringify(comm)}.encode(), 0, 0, 0)\n${body}\n`;
}

/** Memory cgroup (v1 memory controller where mounted, else v2), limit in MiB. */
function makeMemcg(limitMb: number): { dir: string; procs: string } {
  const name = `kerntop-test-${uid()}`;
  if (existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes')) {
    const dir = `/sys/fs/cgroup/memory/${name}`;
    mkdirSync(dir);
    writeFileSync(`${dir}/memory.limit_in_bytes`, `${limitMb << 20}`);
    try {
      writeFileSync(`${dir}/memory.memsw.limit_in_bytes`, `${limitMb << 20}`);
    } catch {
      // no swap accounting: fine
    }
    return { dir, procs: `${dir}/cgroup.procs` };
  }
  const root = existsSync('/sys/fs/cgroup/cgroup.controllers') ? '/sys/fs/cgroup' : '/sys/fs/cgroup/unified';
  const dir = `${root}/${name}`;
  mkdirSync(dir);
  writeFileSync(`${dir}/memory.max`, `${limitMb << 20}`);
  try {
    writeFileSync(`${dir}/memory.swap.max`, '0');
  } catch {
    // no swap controller
  }
  return { dir, procs: `${dir}/cgroup.procs` };
}

/** A process in a small memory cgroup allocating past its limit: the OOM killer takes it. */
export async function oomKill(comm = `ktoom${uid().slice(0, 6)}`, limitMb = 32): Promise<{ pid: number; comm: string }> {
  const cg = makeMemcg(limitMb);
  try {
    // The child joins the cgroup itself before allocating, so nothing else is charged there.
    const child = spawn(
      '/usr/bin/python3',
      [
        '-c',
        `import os\nopen(${JSON.stringify(cg.procs)}, 'w').write(str(os.getpid()))\n` +
          pyWithComm(comm, 'a = b"x" * (512 << 20)'),
      ],
      { stdio: 'ignore' },
    );
    const pid = child.pid!;
    await new Promise((r) => child.once('exit', r));
    return { pid, comm };
  } finally {
    for (let i = 0; i < 50; i++) {
      try {
        rmdirSync(cg.dir);
        break;
      } catch {
        await sleep(100);
      }
    }
  }
}

/** Touches fresh memory page by page: minor faults. */
export function touchMemory(mb = 200): void {
  execFileSync('/usr/bin/python3', ['-c', `a = bytearray(${mb} << 20)\nfor i in range(0, len(a), 4096): a[i] = 1`], {
    stdio: 'ignore',
  });
}

/** UDP to a closed port on loopback: kfree_skb with reason NO_SOCKET. */
export function udpToClosedPort(n = 20): void {
  execFileSync(
    '/usr/bin/python3',
    [
      '-c',
      `import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nfor i in range(${n}): s.sendto(b"x", ("127.0.0.1", 9))`,
    ],
    { stdio: 'ignore' },
  );
}

export interface LossyLink {
  a: string;
  b: string;
  addrA: string;
  addrB: string;
  table: string;
  cleanup(): void;
}

/**
 * Two network namespaces joined by veth; in b an nftables rule drops a share of incoming packets.
 * Traffic stays inside these namespaces.
 */
export function lossyLink(dropPercent = 30): LossyLink {
  const id = uid().slice(-6);
  const a = `kt-a-${id}`;
  const b = `kt-b-${id}`;
  const table = `kerntop_${id}`;
  const octet = 1 + Math.floor(Math.random() * 250);
  const addrA = `10.251.${octet}.1`;
  const addrB = `10.251.${octet}.2`;
  const cleanup = () => {
    for (const ns of [a, b]) {
      try {
        sh('ip', ['netns', 'del', ns]);
      } catch {
        // gone
      }
    }
  };
  try {
    sh('ip', ['netns', 'add', a]);
    sh('ip', ['netns', 'add', b]);
    sh('ip', ['link', 'add', `va${id}`, 'netns', a, 'type', 'veth', 'peer', 'name', `vb${id}`, 'netns', b]);
    sh('ip', ['-n', a, 'addr', 'add', `${addrA}/24`, 'dev', `va${id}`]);
    sh('ip', ['-n', b, 'addr', 'add', `${addrB}/24`, 'dev', `vb${id}`]);
    for (const [ns, dev] of [
      [a, `va${id}`],
      [b, `vb${id}`],
    ]) {
      sh('ip', ['-n', ns, 'link', 'set', dev, 'up']);
      sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    const rules = `table inet ${table} {\n chain input {\n  type filter hook input priority 0; policy accept;\n  tcp dport 5001 numgen random mod 100 < ${dropPercent} drop\n }\n}\n`;
    execFileSync('ip', ['netns', 'exec', b, 'nft', '-f', '-'], { input: rules });
  } catch (err) {
    cleanup();
    throw err;
  }
  return { a, b, addrA, addrB, table, cleanup };
}

/** A TCP transfer from a to b across the lossy link (server in b on port 5001). */
export async function tcpTransfer(link: LossyLink, bytes = 4 << 20, timeoutMs = 20_000): Promise<{ sport: number }> {
  const server = spawn(
    'ip',
    [
      'netns',
      'exec',
      link.b,
      '/usr/bin/python3',
      '-c',
      `import socket\ns = socket.socket()\ns.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\ns.bind(("${link.addrB}", 5001))\ns.listen(1)\nc, _ = s.accept()\nwhile c.recv(65536): pass\n`,
    ],
    { stdio: 'ignore' },
  );
  try {
    await sleep(400);
    const out = execFileSync(
      'ip',
      [
        'netns',
        'exec',
        link.a,
        '/usr/bin/python3',
        '-c',
        `import socket\nc = socket.create_connection(("${link.addrB}", 5001), timeout=15)\nprint(c.getsockname()[1], flush=True)\nbuf = b"y" * 65536\nn = 0\nwhile n < ${bytes}: c.sendall(buf); n += len(buf)\nc.shutdown(socket.SHUT_WR)\nc.recv(1)\n`,
      ],
      { encoding: 'utf8', timeout: timeoutMs },
    );
    return { sport: Number(out.trim().split('\n')[0]) };
  } finally {
    server.kill('SIGKILL');
  }
}
