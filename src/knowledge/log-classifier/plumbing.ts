// Which stack frames are plumbing: code every report of a kind passes through, which is never the
// place a person should look. One group per reason, each with where the convention comes from:
//  - the kernel's own sources (which helper prints or checks what: lib/refcount.c, lib/list_debug.c,
//    lib/debugobjects.c, kernel/locking/lockdep.c, arch/*/kernel/stacktrace.c, ...);
//  - google/syzkaller pkg/report/linux.go (Apache-2.0), linuxStackParams.skipPatterns and the
//    per-format skip lists, whose titles the syzbot dashboard and LKML use. Restated here in our own
//    groups; the patterns are tested on canonical function names (see canonicalFunc in frames.ts).
// The guilty frame of a report is the first frame of the right stack part that no group matches.

export interface PlumbingGroup {
  /** Short name of the group (the unit tests pin one example per group). */
  group: string;
  /** Why frames of this group are never the culprit. */
  why: string;
  /** Where the convention comes from. */
  source: string;
  re: RegExp;
  /** Real frame names from kernel reports that the group must match. */
  examples: string[];
}

const SYZ = 'google/syzkaller pkg/report/linux.go skipPatterns';

export const PLUMBING_FRAMES: readonly PlumbingGroup[] = [
  {
    group: 'sanitizer',
    why: 'sanitizer runtime: it detected the bad access, the caller made it',
    source: `${SYZ}; mm/kasan, mm/kmsan, kernel/kcsan, mm/kfence`,
    re: /__sanitizer|__asan|hwasan|kasan|__msan|kmsan|kcsan|__tsan|__ubsan|ubsan_|kfence|check_memory_region|check_heap_object|^check_object|read_word_at_a_time|_once_.*nocheck|print_address_description/,
    examples: ['__asan_report_load8_noabort', 'kasan_check_range', 'kmsan_internal_check_memory'],
  },
  {
    group: 'reporting',
    why: 'the report itself: panic, WARN/BUG trap and stack dumping (arm64 prints dump_backtrace and show_stack first)',
    source: `${SYZ}; arch/arm64/kernel/stacktrace.c, lib/dump_stack.c, kernel/panic.c`,
    re: /panic|dump_stack|show_stack|walk_stack|dump_backtrace|show_regs|show_trace|__warn|warn_slowpath|warn_alloc|warn_bogus|report_bug|fixup_bug|handle_bug|print_report|do_error|_trap$|do_trap|invalid_op|die$|^die_|oops_|__die|bad_area|no_context|page_fault_oops|kernelmode_fixup_or_oops|^exc_|^asm_|^sysvec_|^error_entry|print_tainted|^get_taint$|hex_dump_to_buffer|print_hex_dump|assertfail|__fortify_report|perf_trace|program_check_exception|program_check_common/,
    examples: ['dump_backtrace', 'show_stack', 'report_bug', '__warn'],
  },
  {
    group: 'unwinder',
    why: 'stack walking and saving (the unwinder, not the crash)',
    source: `${SYZ}; kernel/stacktrace.c`,
    re: /^stack_trace_save|^stack_trace_consume_entry|^save_stack|^arch_stack_walk|^__save_stack_trace|^unwind_/,
    examples: ['arch_stack_walk', 'stack_trace_save'],
  },
  {
    group: 'lockdep',
    why: 'lockdep and lock tracking: the report is about the caller taking the lock',
    source: `${SYZ}; kernel/locking/lockdep.c (register_lock_class, __lock_acquire, check_wait_context, print_*_bug)`,
    re: /lockdep|^_*lock_acquire|^_*lock_release|lock_class|assign_lock_key|mark_lock|validate_chain|check_prev_add|check_deadlock|check_wait_context|check_noncircular|print_circular_bug|print_deadlock_bug|print_usage_bug|print_lock_invalid_wait_context|print_unlock|imbalance_bug|hlock_class|(?:reacquire|mark)_held_locks|debug_check_no_locks|^lock_acquired$|^lock_contended$/,
    examples: ['__lock_acquire', 'lock_acquire', 'register_lock_class', 'lock_release', 'assign_lock_key'],
  },
  {
    group: 'rcu-read-side',
    why: 'RCU read-side markers: they only tell lockdep a section began',
    source: 'include/linux/rcupdate.h, include/linux/srcu.h (rcu_lock_acquire feeds lockdep)',
    re: /^rcu_lock_acquire|^rcu_lock_release|^rcu_read_(?:un)?lock(?:_bh|_sched)?$|^__rcu_read_(?:un)?lock$|^srcu_lock_acquire|^srcu_read_(?:un)?lock$/,
    examples: ['rcu_lock_acquire', 'rcu_read_lock'],
  },
  {
    group: 'irq-flags',
    why: 'interrupt-flag tracing and bottom-half toggles',
    source: `${SYZ} ((trace|lockdep)_(hard|soft)irq, bh_enable)`,
    re: /(?:trace|lockdep)_(?:hard|soft)irqs?_|^trace_irq_(?:en|dis)able|bh_enable|bh_disable|^__local_bh_|^local_bh_/,
    examples: ['trace_hardirqs_off', 'lockdep_hardirqs_on_prepare', '__local_bh_enable_ip'],
  },
  {
    group: 'locking',
    why: 'locking primitives and their slow paths: the caller holds or waits for the lock',
    source: `${SYZ}; kernel/locking/qspinlock.c, spinlock_debug.c, mutex.c, rwsem.c`,
    re: /spin_lock|spin_trylock|spin_unlock|read_lock|read_trylock|write_lock|write_trylock|read_unlock|write_unlock|^raw_spin|^_raw_|^__raw_|^queued_|^native_queued|^__pv_queued|^do_raw_|raw_spin_rq|^__down|^down$|^down_read|^down_write|^down_trylock|^up_read|^up_write|^up$|^mutex_|^__mutex|^rt_mutex|owner_on_cpu|^osq_lock|^osq_unlock|rwsem_|^percpu_down|^percpu_up|^__cmpwait|seqprop_assert|^__wake_up/,
    examples: [
      'queued_spin_lock_slowpath',
      'do_raw_spin_lock',
      '_raw_spin_lock_irqsave',
      'mutex_lock_nested',
      'rwsem_down_write_slowpath',
    ],
  },
  {
    group: 'atomics',
    why: 'atomic and bit operations (instrumented wrappers included)',
    source: `${SYZ} (atomic(64)?_..., (set|clear|change|test)_bit); include/linux/atomic/atomic-instrumented.h`,
    re: /^(?:raw_|arch_)?atomic(?:64|_long)?_(?:dec|inc|read|set|or|xor|and|add|sub|fetch|xchg|cmpxchg|try)|(?:set|clear|change|test)_bit|^instrument_/,
    examples: ['atomic_long_sub_and_test', '_test_bit', 'instrument_atomic_read_write'],
  },
  {
    group: 'refcount',
    why: 'reference-count helpers: lib/refcount.c warns, the caller got or put the wrong count',
    source: `${SYZ} (^refcount_, ^kref_, ref_tracker); lib/refcount.c refcount_warn_saturate`,
    re: /^_*refcount_|^kref_|ref_tracker/,
    examples: ['refcount_warn_saturate', '__refcount_sub_and_test', 'refcount_inc_checked', 'kref_put'],
  },
  {
    group: 'lists',
    why: 'list and rbtree helpers with their debug checks: the caller corrupted the structure',
    source: `${SYZ} (list_add, list_del, ^rb_, ^__rb_, ^klist_); lib/list_debug.c __list_*_valid_or_report`,
    re: /^list_add|^list_del|^__list_add|^__list_del|list_replace|list_move|list_splice|^__list_|_valid_or_report$|^rb_|^__rb_|^klist_|^hlist_/,
    examples: ['__list_del_entry_valid', '__list_add_valid', 'rb_erase', 'klist_dec_and_del'],
  },
  {
    group: 'debugobjects',
    why: 'debugobjects: lib/debugobjects.c found the object in a wrong state, its owner did it',
    source: `${SYZ} (debug_object, work_is_static_object); lib/debugobjects.c debug_print_object, debug_check_no_obj_freed`,
    re: /debug_object|debug_print_object|debug_check_no_obj_freed|_is_static_object|^debug_(?:timer|work|hrtimer|rcu_head)_|^debug_activate|^debug_deactivate|^debug_assert_init/,
    examples: ['debug_print_object', 'debug_check_no_obj_freed', 'work_is_static_object', 'debug_rcu_head_queue'],
  },
  {
    group: 'allocator',
    why: 'allocators and the free path: the caller asked for or gave back the memory',
    source: `${SYZ} (k?v?(m|z|c)alloc, kmem_cache, slab_, ^kv?free$, alloc_page, folio allocation)`,
    re: /^_*k[mzc]?alloc|^_*kv[mzc]?alloc|^_*v[mz]alloc|^_*krealloc|kmem_cache|^_*alloc_pages|alloc_page|^__alloc_frozen_pages|_noprof$|^_*vmalloc|^kmemdup|^kstrdup|memdup|allocate_slab|slab_|^kv?free$|^kfree_sensitive$|^kvfree_call_rcu|^kfree_rcu|^free_unref_page|^__free_pages|^free_pages_prepare|^folio_(?:alloc|unlock)|^filemap_alloc_folio|^__filemap_get_folio|^find_or_create_page|^do_read_cache_folio|^read_cache_page|^pagecache_get_page|^grab_cache_page_write_begin|^kfree_skb|^ida_free$/,
    examples: ['kmalloc_slab', 'kfree', '__alloc_frozen_pages_noprof', 'kvfree_call_rcu', 'slab_free_hook'],
  },
  {
    group: 'copy',
    why: 'string, memory and user-copy helpers: the caller passed the bad buffer',
    source: `${SYZ} (memcpy, strlen, copy_to_user, copy_(to|from)_iter, copy_page_(to|from)_iter)`,
    re: /memcpy|memcmp|memset|memchr|memmove|strcmp|strncmp|strcpy|strlcpy|strncpy|strscpy|strlen|strstr|strnstr|strnlen|strchr|strdup|strndup|copy_to_user|copy_from_user|copy_to_iter|copy_from_iter|copy_page_to_iter|copy_page_from_iter|copy_folio_to_iter|^copyin$|^copyout$|^put_user|^get_user|^__put_user|^__get_user|might_fault|might_sleep|might_resched|__might_|_indirect_thunk_|^string$|^pointer$|snprintf|scnprintf|kasprintf|kvasprintf|va_format|^__phys_addr$|^crc\d+|crc_itu_t|^read[bwlq]$|^write[bwlq]$|^logic_(?:in|out)/,
    examples: ['_copy_to_iter', 'copy_from_iter', 'memcpy', 'strlen'],
  },
  {
    group: 'printing',
    why: 'printing',
    source: SYZ,
    re: /printk|^dev_info|^dev_notice|^dev_warn|^dev_err|^dev_alert|^dev_crit|^dev_emerg|^_dev_|^__dev_printk|^vprintk|^console_/,
    examples: ['_printk', 'dev_err'],
  },
  {
    group: 'workqueue-timer',
    why: 'work-queue and timer plumbing: they run or cancel the item, the item is the culprit',
    source: `${SYZ} (flush_work, queue_work, insert_work, del_timer, lock_timer_base, __timer_delete_sync, __mod_timer); kernel/workqueue.c, kernel/time/timer.c`,
    re: /^del_timer|^flush_work|^__flush_work|__cancel_work|cancel_work_sync|cancel_delayed_work_sync|try_to_grab_pending|flush_workqueue|drain_workqueue|destroy_workqueue|queue_work|insert_work|__queue_delayed_work|queue_delayed_work_on|^finish_wait|kthread_stop|lock_timer_base|^_*timer_delete|^__try_to_del_timer_sync|^try_to_del_timer_sync|^__mod_timer|^mod_timer$|sk_stop_timer_sync|^execute_in_process_context$|^complete$|wait_for_completion/,
    examples: ['__flush_work', 'lock_timer_base', '__timer_delete_sync', 'queue_work_on'],
  },
  {
    group: 'device-core',
    why: 'generic device-core and kobject teardown: the driver that owns the object is the culprit',
    source: `${SYZ} (kobject_, device_del, device_release, devres_release_all, ^put_device$, ...); lib/kobject.c, drivers/base/core.c`,
    re: /kobject_|add_uevent_var|get_device_parent|^device_add$|^device_del$|device_unregister|device_destroy|^device_release$|devres_release_all|hwrng_unregister|i2c_del_adapter|__unregister_client|device_for_each_child|rollback_registered|unregister_netdev|sysfs_remove|device_remove_file|tty_unregister_device|^put_device$|dummy_urb_enqueue|usb_kill_urb|usb_kill_anchored_urbs|usb_control_msg|usb_hcd_submit_urb|usb_submit_urb|^iput$|^iput_final$|^ihold$|^fast_dput$|^dput$|drop_nlink|cleanup_srcu_struct|rhashtable_lookup|extract_(?:user|iter)_to_sg|xas_(?:start|load|find)|^find_lock_entries$|^truncate_inode_pages_range$|^(?:un)?lock_page/,
    examples: ['kobject_put', 'device_release', 'put_device', 'usb_kill_urb'],
  },
  {
    group: 'entry',
    why: 'syscall, interrupt and exception entry code (arm64 el0/el1 paths included)',
    source: `${SYZ} (do_mem_abort, el1_abort, el1h_64_sync); arch/x86/entry, arch/arm64/kernel/entry-common.c`,
    re: /^ret_from_fork|^entry_SYSCALL|^do_syscall_|^do_fast_syscall|^syscall_exit|^x64_sys_call$|^el0_|^el1_|^el1h_64_|^el0t_64_|^do_el0_svc|^invoke_syscall|^__invoke_syscall|^ret_fast_syscall|^__irq_exit|^irq_exit|^__sysvec_|^common_interrupt|^handle_exception|do_(?:kernel|translation)_fault|^do_mem_abort/,
    examples: ['entry_SYSCALL_64_after_hwframe', 'el0_svc', 'do_mem_abort', 'invoke_syscall'],
  },
];

/**
 * Syscall wrappers: one prefix is removed, the shortest result is kept ("__se_sys_memfd_secret" ->
 * "memfd_secret", "__x64_sys_futex" -> "sys_futex", "SyS_pause" -> "pause"). Source: google/syzkaller
 * pkg/report/linux.go stripFramePrefixes with stackParams.stripFrames (shortest wins).
 */
export const SYSCALL_PREFIXES: readonly string[] = [
  'SYSC_',
  'SyS_',
  'sys_',
  '__x64_',
  '__ia32_',
  '__arm64_',
  '__riscv_',
  '____sys_',
  '___sys_',
  '__sys_',
  '__se_',
  '__se_sys_',
  '__do_sys_',
  'compat_SYSC_',
  'compat_SyS_',
  'ksys_',
];

/**
 * Per kind of report, frames that are plumbing only there, with the reason. Used by the rows of
 * CRASH_FORMATS (formats.ts) as their `skip`.
 */
export const KIND_PLUMBING = {
  refcountWarning: {
    re: /refcount|kobject_/,
    why: 'the refcount helper and kobject release warn; name the caller',
    source: 'syzkaller linux.go "WARNING: refcount bug" warningStackFmt("refcount", "kobject_")',
  },
  lockdepWarning: {
    re: /^lock_sock|^release_sock/,
    why: 'lock_sock/release_sock take the socket lock for every protocol',
    source: 'syzkaller linux.go "WARNING: locking bug" and "BUG: Invalid wait context"',
  },
  odebugWarning: {
    re: /debug_|rcu|hrtimer_|timer_|work_|percpu_|vunmap|vfree|__free_|kobject_|kmem_|kfree/,
    why: 'every user of debugobjects (timers, works, RCU heads, frees) passes through',
    source: 'syzkaller linux.go "WARNING: ODEBUG bug" warningStackFmt(...)',
  },
  kmallocWarning: {
    re: /kmalloc|kcalloc|kzalloc|krealloc|vmalloc|slab|kmem|kvmalloc/,
    why: 'the allocator warns about the size it was asked for',
    source: 'syzkaller linux.go "WARNING: kmalloc bug"',
  },
  usercopy: { re: /usercopy|__check/, why: 'hardened usercopy checks', source: 'syzkaller linux.go "bad usercopy"' },
  kobjectWarning: {
    re: /kobject_/,
    why: 'lib/kobject.c warns for its caller',
    source: 'syzkaller linux.go "WARNING: kobject bug"',
  },
  procWarning: {
    re: /^proc_/,
    why: 'fs/proc/generic.c registration helpers',
    source: 'syzkaller linux.go "WARNING: proc registration bug"',
  },
  usbSubmitUrb: {
    re: /usb_submit_urb|usb_start_wait_urb|usb_bulk_msg|usb_interrupt_msg|usb_control_msg/,
    why: 'USB core submission helpers',
    source: 'syzkaller linux.go "WARNING in %v/usb_submit_urb"',
  },
  kernelBug: {
    re: /^skb_/,
    why: 'skb wrappers hold BUG_ON()s for their callers',
    source: 'syzkaller linux.go "kernel BUG at" skip ^skb_',
  },
  kmsan: {
    re: /alloc_skb|netlink_ack|netlink_rcv_skb|_encrypt$|^(?:crypto|cipher|drbg|rng)_/,
    why: 'generic skb and crypto code is where uninit data is used, not where it came from',
    source: 'syzkaller linux.go KMSAN format',
  },
  kasanHwTags: {
    re: /kernel_fault|tag_check|mem_abort|^el1_|^el1h_/,
    why: 'arm64 MTE fault path in KASAN_HW_TAGS reports',
    source: 'syzkaller linux.go KASAN format',
  },
  lockdepDeadlock: {
    re: /^lock_sock|^release_sock|^process_one_work$|^flush_workqueue$|^drain_workqueue$|^destroy_workqueue$/,
    why: 'these take locks on behalf of every socket or work item',
    source: 'syzkaller linux.go "possible deadlock" skip list',
  },
  preemptible: {
    re: /dump_stack|preemption|preempt|debug_|processor_id|this_cpu/,
    why: 'the preemption check itself',
    source: 'syzkaller linux.go "BUG: using %v() in preemptible code"',
  },
  rcuStall: {
    re: /apic_timer_interrupt|rcu|hrtimer|tick_|update_process_times|nmi_|irq_/,
    why: 'timer interrupt and RCU core that detect the stall',
    source: 'syzkaller linux.go "INFO: rcu detected stall" skip apic_timer_interrupt, rcu',
  },
  suspiciousRcu: {
    re: /rcu|kmem|slab|kmalloc|vmalloc|kcalloc|kzalloc/,
    why: 'RCU core and allocators that check the RCU state',
    source: 'syzkaller linux.go "suspicious RCU usage"',
  },
  badPage: {
    re: /(?:free|put|get|update|release)_page|free_unref|^_*folio|truncate_inode_pages|page_frag_free|alloc|vmap|page_owner/,
    why: 'page release and allocation paths',
    source: 'syzkaller linux.go "BUG: Bad page state"',
  },
} as const satisfies Record<string, { re: RegExp; why: string; source: string }>;
