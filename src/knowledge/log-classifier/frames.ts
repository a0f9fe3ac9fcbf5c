// Stack frames in kernel reports, and which of them to skip when naming the guilty function.
// The skip table follows the idea of syzkaller's pkg/report (linuxStackParams.skipPatterns): the first
// frame that is not reporting machinery, a sanitizer, an allocator, a lock, a string/copy helper or
// generic teardown code is the one a person should look at.

export interface Frame {
  /** Function name as printed (with .isra/.cold suffixes). */
  raw: string;
  /** Canonical name: suffixes after the first '.' removed, syscall wrappers reduced. */
  func: string;
  /** Named by the report's header line rather than found in a stack. */
  header?: boolean;
}

// x86/arm64/riscv/powerpc frame lines, raw or symbolized:
//   " dump_stack+0x1b2/0x281", " [<ffffffff81234567>] foo+0x12/0x34 [mod]",
//   " __dump_stack lib/dump_stack.c:17 [inline]", " [c00000000fe2b3c30] [c0000000001a2b3c] foo+0x1c/0x30"
const FRAME_RE =
  /^\s*(?:\[<?(?:0x)?[0-9a-f]+>?\]\s*){0,2}(?:(\?)\s+)?([A-Za-z_$][\w.$]*)(?:\+0x[0-9a-f]+\/0x[0-9a-f]+|\s+(?:[\w.+-]+\/)*[\w.+-]+\.(?:c|h|S|rs|s):\d+|\s+\[inline\])/;
// 32-bit arm: "[<c0123abc>] (foo) from [<c0123def>] (bar+0x1c/0x30)"
const ARM_FRAME_RE = /^\s*\[<[0-9a-f]+>\]\s*\(([A-Za-z_$][\w.$]*)(?:\+0x[0-9a-f]+\/0x[0-9a-f]+)?\)/;
// Frames the unwinder is unsure of.
const QUESTIONABLE_RE = /\(unreliable\)/;

/** The faulting instruction pointer line of an oops: x86 RIP/EIP/IP, arm64 "pc :", arm "PC is at", riscv "epc :", powerpc "NIP". */
const IP_RE =
  /^\s*(?:R|E)?IP:?\s+(?:\d{4}:)?(?:\[<[0-9a-f]+>\]\s*){0,2}([A-Za-z_$][\w.$]*)\+0x|^\s*(?:pc|epc|NIP|PC is at|ip)\s*:?\s*(?:\[<?[0-9a-f]+>?\]\s*)?([A-Za-z_$][\w.$]*)\+0x/;

// Syscall wrappers: the shortest name left after removing one of these is kept (as syzkaller does).
const SYSCALL_PREFIXES = [
  'SYSC_', 'SyS_', 'compat_SYSC_', 'compat_SyS_', '__x64_sys_', '__ia32_sys_', '__arm64_sys_', '__riscv_sys_',
  '__x64_compat_sys_', '__ia32_compat_sys_', '__arm64_compat_sys_', '__se_compat_sys_', '__do_compat_sys_',
  '____sys_', '___sys_', '__sys_', '__se_sys_', '__do_sys_', 'compat_sys_', 'ksys_',
];

export function canonicalFunc(raw: string): string {
  const dot = raw.indexOf('.');
  let f = dot > 0 ? raw.slice(0, dot) : raw;
  let best = f;
  for (const p of SYSCALL_PREFIXES) {
    if (f.startsWith(p) && f.length > p.length) {
      const cand = 'sys_' + f.slice(p.length);
      if (cand.length < best.length) best = cand;
    }
  }
  f = best;
  return f;
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
 * Frames never named as guilty, whatever the report: each row is a regex tested (unanchored) on the
 * canonical function name, with the reason it is skipped. Pinned row by row in the unit tests.
 */
export const SKIP_FRAMES: ReadonlyArray<{ re: RegExp; why: string; example: string }> = [
  { re: /__sanitizer|__asan|hwasan|kasan|__msan|kmsan|kcsan|__tsan|__ubsan|ubsan_|kfence|check_memory_region|read_word_at_a_time|print_address_description/, why: 'sanitizer runtime', example: '__hwasan_check_x0_67043363' },
  { re: /panic|dump_stack|show_stack|show_regs|show_trace|__warn|warn_slowpath|warn_alloc|report_bug|fixup_bug|handle_bug|do_error|_trap|invalid_op|do_invalid_op|die$|^die_|oops_|__die|bad_area|no_context|page_fault_oops|kernelmode_fixup_or_oops|exc_|^asm_|^sysvec_|^error_entry/, why: 'reporting and trap entry', example: 'report_bug' },
  { re: /debug_object|timer_is_static_object|work_is_static_object|lockdep|^_*lock_acquire|^lock_release|lock_class|reacquire_held_locks|print_usage_bug|mark_lock|check_prev_add|validate_chain|print_circular_bug|check_noncircular/, why: 'lock and object debugging', example: 'lock_acquire' },
  { re: /spin_lock|spin_trylock|spin_unlock|_raw_read_lock|_raw_read_trylock|_raw_write_lock|_raw_write_trylock|^raw_spin|^queued_|^native_queued|^do_raw_|^__down|^down$|^down_read|^down_write|^up_read|^up_write|^up$|mutex_lock|mutex_trylock|mutex_unlock|mutex_remove_waiter|^osq_lock|^osq_unlock|rwsem_|^__mutex|^rt_mutex|^percpu_down|^percpu_up/, why: 'locking primitive', example: 'mutex_lock_nested' },
  { re: /^__wake_up|refcount_add|refcount_sub|refcount_inc|refcount_dec|refcount_set|refcount_read|refcount_warn|^kref_/, why: 'wakeup and reference counting', example: 'refcount_warn_saturate' },
  { re: /memcpy|memcmp|memset|memchr|memmove|strcmp|strncmp|strcpy|strlcpy|strncpy|strscpy|strlen|strnstr|strnlen|strchr|copy_to_user|copy_from_user|_copy_to_iter|_copy_from_iter|^put_user|^get_user|^__put_user|^__get_user|might_fault|might_sleep|might_resched|__might_|_indirect_thunk_|^string$|^pointer$|snprintf|scnprintf|kasprintf|kvasprintf/, why: 'string and copy helpers', example: 'memcpy' },
  { re: /^_*k[mzc]?alloc|^_*kv[mzc]?alloc|^_*v[mz]alloc|^_*krealloc|^_*kmem_cache_alloc|^_*alloc_pages|^__alloc_frozen_pages|_noprof$|^_*vmalloc|^kmemdup|^kstrdup/, why: 'allocators (the caller asked for the memory)', example: '__alloc_frozen_pages_noprof' },
  { re: /printk|^dev_info|^dev_notice|^dev_warn|^dev_err|^dev_alert|^dev_crit|^dev_emerg|^_dev_|^__dev_printk|^vprintk|^console_/, why: 'printing', example: '_printk' },
  { re: /^list_add|^list_del|^__list_add|^__list_del|list_replace|list_move|list_splice|^__list_/, why: 'list helpers (the caller corrupted the list)', example: '__list_del_entry_valid' },
  { re: /^del_timer|^flush_work|__cancel_work_timer|cancel_work_sync|try_to_grab_pending|flush_workqueue|drain_workqueue|destroy_workqueue|^finish_wait|kthread_stop|kobject_del|kobject_put|kobject_uevent_env|add_uevent_var|get_device_parent|^device_add$|^device_del$|device_unregister|device_destroy|device_for_each_child|rollback_registered|unregister_netdev|sysfs_remove|device_remove_file/, why: 'generic teardown paths', example: 'device_del' },
  { re: /^stack_trace_save|^save_stack|^arch_stack_walk|^__save_stack_trace|^unwind_|^ret_from_fork|^entry_SYSCALL|^do_syscall_|^do_fast_syscall|^syscall_exit|^el0_|^el1_|^ret_fast_syscall|^__irq_exit|^irq_exit|^__sysvec_|^common_interrupt|^handle_exception/, why: 'unwinding and entry code', example: 'entry_SYSCALL_64_after_hwframe' },
];

const SKIP_ALL_RE = new RegExp(SKIP_FRAMES.map((r) => r.re.source).join('|'));
// A function a sanitizer names in its header ("KASAN: use-after-free in __lock_acquire") is the
// access site itself: only sanitizer runtime, string/copy helpers and allocators are passed over.
const HEADER_SKIP_RE = new RegExp(SKIP_FRAMES.filter((r) => /sanitizer|string|allocators/.test(r.why)).map((r) => r.re.source).join('|'));

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
 * syzkaller's linuxStallFrameExtractor.
 */
export const STALL_ANCHORS: ReadonlyArray<RegExp> = [
  /process_one_work/, /do_syscall_/, /do_fast_syscall_/, /sysenter_dispatch/, /tracesys_phase2/, /netif_receive_skb/,
  /do_softirq/, /call_timer_fn/, /_run_timers/, /run_timer_softirq/, /run_ksoftirqd/, /smpboot_thread_fn/, /^kthread$/,
  /start_secondary/, /cpu_startup_entry/, /ret_from_fork/, /vfs_write/, /vfs_read/, /vfs_iter_read/, /vfs_iter_write/,
  /do_iter_read/, /do_iter_write/, /vfs_ioctl/, /blkdev_driver_ioctl/, /blkdev_ioctl/, /^call_read_iter/, /^call_write_iter/,
  /do_iter_readv_writev/, /^call_mmap/, /mmap_region/, /do_mmap/, /do_dentry_open/, /vfs_open/, /^sock_sendmsg/,
  /^sock_recvmsg/, /^sock_release/, /^__sock_release/, /__sys_setsockopt/, /kernel_setsockopt/, /sock_common_setsockopt/,
  /__sys_listen/, /kernel_listen/, /sk_common_release/, /^sock_mmap/, /__sys_accept/, /kernel_accept/, /^sock_do_ioctl/,
  /^sock_ioctl/, /^compat_sock_ioctl/, /^nfnetlink_rcv_msg/, /^sys_(?:socketpair|connect|ioctl)$/, /__do_fault/,
  /handle_mm_fault/, /do_page_fault/, /^page_fault$/, /__fput/, /task_work_run/, /exit_to_usermode/, /exit_to_user_mode/,
];

export function isStallAnchor(f: Frame): boolean {
  return STALL_ANCHORS.some((a) => a.test(f.func) || a.test(f.raw));
}

/** Hung tasks: group the common victims (rtnl_lock, synchronize_rcu), else skip scheduler and wait frames. */
export function hungTaskExtractor(frames: Frame[]): Frame | null {
  for (const f of frames) {
    if (f.func.startsWith('rtnl_lock')) return f;
    if (/^synchronize_(?:rcu|srcu|net|sched)/.test(f.func)) return { raw: f.raw, func: 'synchronize_rcu' };
  }
  const skip = /sched|_lock|_slowlock|down|completion|kthread|wait|synchronize|context_switch|__switch_to|cancel_delayed_work|^io_schedule|^rwsem|^percpu_rwsem|folio|filemap_get|^lock_page|^__lock_page|^bit_wait|^rq_qos|^__mutex/;
  for (const f of frames) if (!skip.test(f.func)) return f;
  return null;
}
