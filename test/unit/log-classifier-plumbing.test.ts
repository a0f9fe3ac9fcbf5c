// The plumbing tables (src/knowledge/log-classifier/plumbing.ts) and the naming rules built on them,
// pinned with real frame names and real reports from fixtures/crash-corpus (origins in SOURCES.md).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeLog } from '../../src/knowledge/log-classifier/index.js';
import { canonicalFunc, isInlineFrameLine, isSkippedFrame, parseFrame } from '../../src/knowledge/log-classifier/frames.js';
import { PLUMBING_FRAMES, KIND_PLUMBING } from '../../src/knowledge/log-classifier/plumbing.js';
import { logText, readHeldout } from './log-classifier-corpus-files.js';

const corpus = (f: string) => logText(f, readFileSync(new URL(`../../fixtures/crash-corpus/${f}`, import.meta.url), 'utf8'));

describe('plumbing groups', () => {
  for (const g of PLUMBING_FRAMES) {
    it(`group ${g.group} passes over ${g.examples.join(', ')}`, () => {
      expect(g.why.length).toBeGreaterThan(0);
      expect(g.source.length).toBeGreaterThan(0);
      for (const e of g.examples) expect(isSkippedFrame(canonicalFunc(e)), e).toBe(true);
    });
  }
  it('keeps the functions real reports blame', () => {
    for (const f of [
      'tcp_fastopen_reset_cipher',
      'ext4_fileattr_get',
      'bpf_check',
      'vgic_mmio_write_invlpi',
      'ipgre_header',
      'cpc_write',
      'blk_rq_map_sg',
      'sysrq_handle_crash',
      'lkdtm_WARNING',
      'tomoyo_write_control',
    ]) {
      expect(isSkippedFrame(f), f).toBe(false);
    }
  });
  it('every per-kind group says why and where from', () => {
    for (const [k, v] of Object.entries(KIND_PLUMBING)) expect(v.why && v.source, k).toBeTruthy();
  });
});

describe('syscall wrappers (shortest name after one prefix)', () => {
  const cases: Array<[string, string]> = [
    ['SyS_pause', 'pause'],
    ['__se_sys_memfd_secret', 'memfd_secret'],
    ['__x64_sys_futex', 'sys_futex'],
    ['__arm64_sys_sendmsg', 'sys_sendmsg'],
    ['__do_sys_mount', 'mount'],
    ['ksys_write', 'write'],
    ['find_inlist_lock.constprop.0', 'find_inlist_lock'],
    ['tcp_sendmsg', 'tcp_sendmsg'],
  ];
  for (const [raw, want] of cases) it(`${raw} -> ${want}`, () => expect(canonicalFunc(raw)).toBe(want));
});

describe('frames as scripts/decode_stacktrace.sh prints them', () => {
  it('reads "name (file:line)" and the unresolved "name (??:?)"', () => {
    // From a report posted to linux-kernel, run through decode_stacktrace.sh by its author.
    const f = parseFrame('[   32.045715][    T1] ret_from_fork (??:?)'.replace(/^\[[^\]]*\]\[[^\]]*\] /, ' '));
    expect(f && f !== 'questionable' ? f.func : f).toBe('ret_from_fork');
    expect(parseFrame(' RAX: ffffffffffffffda RBX: 0000000000000001 RCX: 000000000047b7a0')).toBeNull();
  });
});

describe('inlined frames never name a crash (syzbot titles the raw console)', () => {
  it('recognises the symbolizer lines', () => {
    expect(isInlineFrameLine(' do_splice_from fs/splice.c:941 [inline]')).toBe(true);
    expect(isInlineFrameLine('RIP: 0010:ext4_write_inline_data fs/ext4/inline.c:235 [inline]')).toBe(true);
    expect(isInlineFrameLine(' ext4_write_inline_data_end+0x2a0/0x2b0 fs/ext4/inline.c:768')).toBe(false);
  });
  it('names the real frame after an inlined RIP', () => {
    const a = analyzeLog(corpus('crash/lkml-kernel-bug-ext4-inline-truncated.log'));
    expect(a.function).toBe('ext4_write_inline_data_end');
  });
});

describe('a symbolized header repeated for each inlined callee is one report', () => {
  const heldout = (f: string) => readHeldout(1).find((c) => c.file === f)!.log;
  it('"BUG: KASAN: ... in instrument_atomic_read ... [inline]" twice, then the real header', () => {
    const a = analyzeLog(heldout('syzbot-kasan-null-gfs2-drop-inode.log'));
    expect(a.reports.length).toBe(1);
    expect(a.title).toBe('KASAN: null-ptr-deref Read in gfs2_drop_inode');
  });
  it('"WARNING: CPU: 1 PID: 5825 at mm/vma.c:808 vma_merge_existing_range mm/vma.c:808 [inline]"', () => {
    const a = analyzeLog(heldout('syzbot-warning-vma-modify.log'));
    expect(a.reports.map((r) => r.title)).toEqual(['WARNING in vma_modify']);
  });
  it('lockdep\'s "at:" lines: the first one that is not an inlined callee', () => {
    const a = analyzeLog(heldout('syzbot-deadlock-put-mnt-ns.log'));
    expect(a.title).toBe('possible deadlock in put_mnt_ns');
  });
});

describe('conventions of pkg/report, pinned with round-2 reports (fixtures/crash-corpus-heldout-2)', () => {
  const round2 = (f: string) => readHeldout(2).find((c) => c.file === f)!.log;
  it('a trace goes on below the registers of an interrupt taken in the kernel', () => {
    // <IRQ> ... </IRQ> <TASK> asm_sysvec_irq_work, "RIP: 0010:__schedule+0x1c8/0x5240", registers,
    // then the task's own frames down to the syscall.
    expect(analyzeLog(round2('syzbot-soft-lockup-sys-bpf.log')).title).toBe('BUG: soft lockup in sys_bpf');
  });
  it('a circular dependency: the second "at:" when the first is plumbing (__local_bh_disable_ip)', () => {
    expect(analyzeLog(round2('syzbot-deadlock-drm-vblank-disable-and-save.log')).function).toBe('drm_vblank_disable_and_save');
  });
  it('"WARNING: inconsistent lock state" is named by its call trace, not by the lock\'s "at:"', () => {
    expect(analyzeLog(round2('syzbot-inconsistent-lock-sock-hash-delete-elem.log')).function).toBe('sock_hash_delete_elem');
  });
  it('a JIT image in a title is bpf_prog_ADDR', () => {
    expect(analyzeLog(round2('syzbot-paging-bpf-prog-addr.log')).title).toBe(
      'BUG: unable to handle kernel paging request in bpf_prog_ADDR',
    );
  });
  it('a stall under a signal is named exit_to_user_mode_loop, the frame above the syscall entry', () => {
    expect(analyzeLog(round2('syzbot-rcu-stall-exit-to-user-mode-loop.log')).function).toBe('exit_to_user_mode_loop');
  });
});

describe('report kinds name the caller, not the helper', () => {
  it('WARNING: refcount bug in the 6.17+ header form ("WARNING: lib/refcount.c:19 at 0x0, CPU#1")', () => {
    const a = analyzeLog(corpus('syzkaller/754.log'));
    expect(a.title).toBe('WARNING: refcount bug in __vma_enter_locked');
  });
  it('WARNING: locking bug for lockdep\'s "Invalid wait context", past dump_backtrace and the lock frames (arm64)', () => {
    const a = analyzeLog(corpus('crash/osv-cve-2024-50249-invalid-wait-context-arm64.log'));
    expect(a).toMatchObject({ title: 'WARNING: locking bug in cpc_write', function: 'cpc_write', type: 'lockdep' });
  });
  it('an ODEBUG report whose every frame is plumbing is titled "in corrupted", as on the dashboard', () => {
    const a = analyzeLog(corpus('syzkaller/218.log'));
    expect(a.title).toBe('WARNING: ODEBUG bug in corrupted');
    expect(a.function).toBeNull();
    expect(a.reports[0].corrupted).toBe(true);
  });
  it('WARNING: zero-size vmalloc', () => {
    expect(analyzeLog(corpus('syzkaller/686.log')).title).toBe('WARNING: zero-size vmalloc in bpf_check');
  });
});

describe("titles in the kernel's and syzkaller's words", () => {
  it('old kernels\' "INFO: suspicious RCU usage" keeps INFO', () => {
    expect(analyzeLog(corpus('syzkaller/34.log')).title).toMatch(/^INFO: suspicious RCU usage in /);
  });
  it('Dentry still in use: "in unmount", without filesystem and device', () => {
    const a = analyzeLog('BUG: Dentry ffff880026e4ad70{i=0,n=/}  still in use (1) [unmount of ramfs ramfs]');
    expect(a.title).toBe('BUG: Dentry still in use in unmount');
  });
  it('SLUB debug report, whole and with its header lost ("INFO: Allocated in")', () => {
    const text = corpus('crash/lkml-slub-objects-remaining-arm64.log');
    const whole = analyzeLog(text);
    expect(whole.reports).toHaveLength(1);
    expect(whole.title).toBe('BUG: Objects remaining in test_module_slab on __kmem_cache_shutdown()');
    const fragment = analyzeLog(text.split('\n').slice(29).join('\n'));
    expect(fragment).toMatchObject({
      crashed: true,
      title: 'INFO: Allocated in test_version_show',
      function: 'test_version_show',
    });
    expect(fragment.reports[0].corrupted).toBe(true);
  });
});
