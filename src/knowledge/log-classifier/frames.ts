// Stack frames in kernel reports: parsing them, and which of them to pass over when naming the
// guilty function (the plumbing groups live in plumbing.ts, with their reasons and sources).

import { PLUMBING_FRAMES, SYSCALL_PREFIXES } from './plumbing.js';

export interface Frame {
  /** Function name as printed (with .isra/.cold suffixes). */
  raw: string;
  /** Canonical name: suffixes after the first '.' removed, syscall wrappers reduced. */
  func: string;
  /** Named by the report's header line rather than found in a stack. */
  header?: boolean;
}

/**
 * Frames the symbolizer added for inlined callees (" foo file.c:12 [inline]"). syzbot titles its
 * reports from the raw console output, before symbolization (pkg/report Parse, then Symbolize), so
 * inlined frames never name a crash there; they do not here either.
 */
export function isInlineFrameLine(text: string): boolean {
  const i = text.lastIndexOf('[inline]');
  return i > 0 && text.slice(i + 8).trim() === '';
}

// x86/arm64/riscv/powerpc frame lines, raw or symbolized:
//   " dump_stack+0x1b2/0x281", " [<ffffffff81234567>] foo+0x12/0x34 [mod]",
//   " __dump_stack lib/dump_stack.c:17 [inline]", " [c00000000fe2b3c30] [c0000000001a2b3c] foo+0x1c/0x30",
//   scripts/decode_stacktrace.sh output " ext4_foo (fs/ext4/inode.c:123)", unresolved " ret_from_fork (??:?)"
const FRAME_RE =
  /^\s*(?:\[<?(?:0x)?[0-9a-f]+>?\]\s*){0,2}(?:(\?)\s+)?([A-Za-z_$][\w.$]*)(?:\+0x[0-9a-f]+\/0x[0-9a-f]+|\s+(?:[\w.+-]+\/)*[\w.+-]+\.(?:c|h|S|rs|s):\d+|\s+\[inline\]|\s+\((?:\?\?:\?|(?:[\w.+-]+\/)*[\w.+-]+\.(?:c|h|S|rs|s):\d+)[) ])/;
// 32-bit arm: "[<c0123abc>] (foo) from [<c0123def>] (bar+0x1c/0x30)"
const ARM_FRAME_RE = /^\s*\[<[0-9a-f]+>\]\s*\(([A-Za-z_$][\w.$]*)(?:\+0x[0-9a-f]+\/0x[0-9a-f]+)?\)/;
// Frames the unwinder is unsure of.
const QUESTIONABLE_RE = /\(unreliable\)/;

/** The faulting instruction pointer line of an oops: x86 RIP/EIP/IP, arm64 "pc :", arm "PC is at", riscv "epc :", powerpc "NIP". */
const IP_RE =
  /^\s*(?:R|E)?IP:?\s+(?:\d{4}:)?(?:\[<[0-9a-f]+>\]\s*){0,2}([A-Za-z_$][\w.$]*)\+0x|^\s*(?:pc|epc|NIP|PC is at|ip)\s*:?\s*(?:\[<?[0-9a-f]+>?\]\s*)?([A-Za-z_$][\w.$]*)\+0x/;

export function canonicalFunc(raw: string): string {
  const dot = raw.indexOf('.');
  const f = dot > 0 ? raw.slice(0, dot) : raw;
  let best = f;
  for (const p of SYSCALL_PREFIXES) {
    if (f.startsWith(p) && f.length > p.length && f.length - p.length < best.length) best = f.slice(p.length);
  }
  return best;
}

/** Parses a stack frame line; null when the line is not a frame or the unwinder marked it unreliable ("? foo"). */
export function parseFrame(text: string): Frame | null | 'questionable' {
  // Fast reject: every frame form has "+0x", ".c:"/".h:" or "[inline]" or "] (".
  if (text.indexOf('+0x') < 0 && text.indexOf(':') < 0 && text.indexOf('[inline]') < 0) return null;
  const m = FRAME_RE.exec(text);
  if (m) {
    if (m[1] || QUESTIONABLE_RE.test(text)) return 'questionable';
    const name = m[2];
    // Register dumps ("RAX: ...") and "Code:" lines never match FRAME_RE since they lack +0x/.c:NN.
    return { raw: name, func: canonicalFunc(name) };
  }
  const a = ARM_FRAME_RE.exec(text);
  if (a) return { raw: a[1], func: canonicalFunc(a[1]) };
  return null;
}

/** The function in an instruction-pointer line ("RIP: 0010:foo+0x8/0xb"), or null. */
export function parseIpLine(text: string): Frame | null {
  if (text.indexOf('+0x') < 0) return null;
  const m = IP_RE.exec(text);
  if (!m) return null;
  const name = m[1] ?? m[2];
  return { raw: name, func: canonicalFunc(name) };
}

/**
 * Frames never named as guilty, whatever the report: one row per plumbing group of plumbing.ts
 * (pattern tested unanchored on the canonical name, the reason, one real example).
 */
export const SKIP_FRAMES: ReadonlyArray<{ re: RegExp; why: string; example: string }> = PLUMBING_FRAMES.map((g) => ({
  re: g.re,
  why: g.why,
  example: g.examples[0],
}));

const SKIP_ALL_RE = new RegExp(SKIP_FRAMES.map((r) => r.re.source).join('|'));
// A function a sanitizer names in its header ("KASAN: use-after-free in __lock_acquire") is the
// access site itself: only sanitizer runtime, string/copy helpers and allocators are passed over.
const HEADER_SKIP_RE = new RegExp(
  PLUMBING_FRAMES.filter((g) => g.group === 'sanitizer' || g.group === 'copy' || g.group === 'allocator')
    .map((g) => g.re.source)
    .join('|'),
);

/** True when a header-named frame is never the guilty one (see HEADER_SKIP_RE). */
export function isSkippedHeaderFrame(func: string, extra?: RegExp): boolean {
  return HEADER_SKIP_RE.test(func) || (extra !== undefined && extra.test(func));
}

/** True when a frame is never the guilty one (global table plus the format's own extra patterns). */
export function isSkippedFrame(func: string, extra?: RegExp): boolean {
  return SKIP_ALL_RE.test(func) || (extra !== undefined && extra.test(func));
}

/**
 * Stalls and lockups: the loop sits at a random point; a stable identity is the frame just above a
 * dispatch point (syscall entry, work item, softirq, timer, file or socket operation). After
 * google/syzkaller pkg/report/linux.go linuxStallFrameExtractor and linuxStallAnchorFrames.
 */
export const STALL_ANCHORS: ReadonlyArray<RegExp> = [
  // generic dispatchers: work items, syscall entry, softirqs, timers, kthreads
  /process_one_work/,
  /do_syscall_/,
  /do_fast_syscall_/,
  /sysenter_dispatch/,
  /tracesys_phase2/,
  /el0_svc_handler/,
  /invoke_syscall/,
  /ret_fast_syscall/,
  /netif_receive_skb/,
  /do_softirq/,
  /call_timer_fn/,
  /_run_timers/,
  /run_timer_softirq/,
  /hrtimer_run/,
  /run_ksoftirqd/,
  /smpboot_thread_fn/,
  /^kthread$/,
  /start_secondary/,
  /cpu_startup_entry/,
  /ret_from_fork/,
  // discriminating file, ioctl and mmap operations: the frame above names the driver or protocol
  /vfs_write/,
  /vfs_read/,
  /vfs_iter_read/,
  /vfs_iter_write/,
  /do_iter_read/,
  /do_iter_write/,
  /call_read_iter/,
  /call_write_iter/,
  /new_sync_read/,
  /new_sync_write/,
  /vfs_ioctl/,
  /ksys_ioctl/,
  /compat_ioctl/,
  /blkdev_driver_ioctl/,
  /blkdev_ioctl/,
  /do_iter_readv_writev/,
  /^call_mmap/,
  /mmap_region/,
  /do_mmap/,
  /do_dentry_open/,
  /vfs_open/,
  // socket operations
  /^sock_sendmsg/,
  /^sock_recvmsg/,
  /^sock_release/,
  /^__sock_release/,
  /^setsockopt$/,
  /__sys_setsockopt/,
  /kernel_setsockopt/,
  /sock_common_setsockopt/,
  /^listen$/,
  /__sys_listen/,
  /kernel_listen/,
  /sk_common_release/,
  /^sock_mmap/,
  /^accept$/,
  /__sys_accept/,
  /kernel_accept/,
  /^sock_do_ioctl/,
  /^sock_ioctl/,
  /^compat_sock_ioctl/,
  /^nfnetlink_rcv_msg/,
  /^(?:sys_)?(?:socketpair|connect|ioctl)$/,
  // page faults and the return-to-user callbacks
  /__do_fault/,
  /handle_mm_fault/,
  /do_page_fault/,
  /^page_fault$/,
  /__fput/,
  /task_work_run/,
  // Only the old name: exit_to_user_mode_loop (5.8+) is the frame syzkaller names for a stall
  // in a signal or task-work callback (arch_do_signal_or_restart, get_signal below it).
  /exit_to_usermode/,
  /smp_call_function/,
  /tasklet_action/,
  /tasklet_hi_action/,
];

export function isStallAnchor(f: Frame): boolean {
  return STALL_ANCHORS.some((a) => a.test(f.func) || a.test(f.raw));
}

/**
 * Hung tasks: the victims of one stuck lock hang all over the kernel, so the common buckets come
 * first (rtnl_lock, and every synchronize_rcu flavour as "synchronize_rcu"), then scheduler, wait
 * and lock frames are passed over. After syzkaller's linuxHangTaskFrameExtractor.
 */
const HUNG_SKIP_RE =
  /sched|_lock|_slowlock|down|rwsem|completion|kthread|wait|synchronize|context_switch|__switch_to|cancel_delayed_work|rcu_barrier/;
export function hungTaskExtractor(frames: Frame[]): Frame | null {
  for (const f of frames) {
    if (f.func.includes('rtnl_lock')) return f;
    if (/synchronize_(?:rcu|srcu|net|sched)/.test(f.func)) return { raw: f.raw, func: 'synchronize_rcu' };
  }
  for (const f of frames) if (!HUNG_SKIP_RE.test(f.func)) return f;
  return null;
}
