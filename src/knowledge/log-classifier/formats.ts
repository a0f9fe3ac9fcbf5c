// Crash-report formats, one row each: the header line that opens a report, the class, the title
// template and where the guilty function comes from. After the table of google/syzkaller
// pkg/report/linux.go (linuxOopses), re-stated for our classes and extended with lockups, OOM kills
// and machine checks. Every row is pinned by a real log line in test/unit/log-classifier-tables.test.ts.

/** Report classes; names are what the kernel calls the thing. */
export type CrashClass =
  | 'panic'
  | 'oops'
  | 'kernel_bug'
  | 'warning'
  | 'kasan'
  | 'kmsan'
  | 'kcsan'
  | 'kfence'
  | 'ubsan'
  | 'soft_lockup'
  | 'hard_lockup'
  | 'rcu_stall'
  | 'hung_task'
  | 'workqueue_lockup'
  | 'gpf'
  | 'null_deref'
  | 'paging_request'
  | 'double_fault'
  | 'stack_corruption'
  | 'lockdep'
  | 'atomic_sleep'
  | 'memory_leak'
  | 'oom_kill'
  | 'mce'
  | 'divide_error'
  | 'invalid_opcode'
  | 'netdev_refcount';

/** Where to look for the guilty function, in order; the first frame that is not skipped wins. */
export type StackPart =
  | 'header' // the function named in the header line itself (group "func")
  | 'ip' // the faulting instruction pointer (RIP:, pc :, PC is at, NIP)
  | 'trace' // the frames after the next "Call Trace:" / "backtrace:" line
  | 'frames' // frames from the current position, no keyword needed
  | { after: RegExp } // move to the first line matching; its group "func" counts as a frame
  | { at: RegExp }; // the first line matching, whose group "func" is the frame (lockdep "at: foo")

export interface StackSpec {
  parts: StackPart[];
  /** Tried when parts found no frame. */
  parts2?: StackPart[];
  /** Format-specific frames to skip, on top of the global table. */
  skip?: RegExp;
  extractor?: 'stall' | 'hung';
  /** The header's function is the access site (sanitizer reports): only a narrow skip list applies to it. */
  trustHeader?: boolean;
}

export interface CrashFormat {
  id: string;
  class: CrashClass;
  /** Row of the live summary (KernelEvent.subsystem). */
  subsystem: 'soft_lockup' | 'hard_lockup' | 'rcu_stall' | 'hung_task' | 'oops' | 'warning' | 'panic' | 'oom_kill' | 'mce';
  /** Tested against the decoded line text. Named groups feed the title and the report fields. */
  header: RegExp;
  /** Title template: {name} is a named group from header/details, {FUNC} the guilty function. */
  title: string;
  stack?: StackSpec;
  /** Named-group regexes searched over the report's lines (first match wins per group). */
  details?: RegExp[];
  /** Does not open a new report when one is open (it belongs to it): "invalid opcode" after "kernel BUG at". */
  continuation?: boolean;
  /** Only a report if kernel report lines (CPU:/Call Trace:/RIP:) follow within a few lines. */
  needsEvidence?: boolean;
  /** The title is known to be a fragment of a lost report. */
  corrupted?: boolean;
  /** Lines that look like this header but are not kernel reports. */
  suppress?: RegExp;
  /** A real header line of this format (pinned by a unit test). */
  example: string;
}

import { KIND_PLUMBING as K } from './plumbing.js';

const F = '(?<func>[A-Za-z_$][\\w.$]*)';
const re = (src: string, flags = '') => new RegExp(src.replace(/\{FUNC\}/g, F), flags);

const IP_TRACE: StackSpec = { parts: ['ip', 'trace'], parts2: ['frames'] };
const ACCESS_DETAIL = /(?<access>Read|Write) (?:of size|at addr)/;
const PREFIX = '^\\s*(?:Oops: )?';
const KMSAN_ORIGIN = /^(?:Local variable .* created at:|Uninit was created at:)/;
const LEAK_STACK: StackSpec = {
  parts: [{ after: /^\s*backtrace(?: \(crc [0-9a-f]+\))?:/ }, 'frames'],
  skip: /kmemleak|kmalloc|kcalloc|kzalloc|vmalloc|mmap|kmem|slab|alloc|create_object|idr_get|list_lru_init|kasprintf|kvasprintf|pcpu_create|strdup|strndup|memdup/,
};

export const CRASH_FORMATS: readonly CrashFormat[] = [
  // --- sanitizers -------------------------------------------------------------------------------
  {
    id: 'kasan-invalid-free',
    class: 'kasan',
    subsystem: 'oops',
    header: re(`${PREFIX}BUG: KASAN: (?:double-free or invalid-free|invalid-free|double-free) in {FUNC}`),
    title: 'KASAN: invalid-free in {FUNC}',
    stack: { parts: ['header', 'trace'], skip: /kmem_|slab_|kfree|vunmap|vfree|__free_|free_pages/ },
    example: 'BUG: KASAN: double-free or invalid-free in kfree+0x10a/0x220 mm/slab.c:3787',
  },
  {
    id: 'kasan',
    class: 'kasan',
    subsystem: 'oops',
    header: re(`${PREFIX}BUG: KASAN: (?<type>[a-z-]+) in {FUNC}`),
    title: 'KASAN: {type} {access} in {FUNC}',
    details: [ACCESS_DETAIL],
    stack: { parts: ['header', 'trace'], trustHeader: true, skip: K.kasanHwTags.re },
    example: 'BUG: KASAN: use-after-free in __lock_acquire+0x2eb9/0x3b50 kernel/locking/lockdep.c:3378',
  },
  {
    id: 'kasan-no-func',
    class: 'kasan',
    subsystem: 'oops',
    header: re(`${PREFIX}BUG: KASAN: (?<type>[a-z-]+)(?: on address| at addr)`),
    // No function: the address is all the report has (syzkaller "KASAN: %v %v").
    title: 'KASAN: {type} {access}',
    details: [ACCESS_DETAIL],
    example: 'BUG: KASAN: wild-memory-access on address 1ffffffff0000000',
  },
  {
    id: 'kmsan-usb-infoleak',
    class: 'kmsan',
    subsystem: 'oops',
    header: re(`${PREFIX}BUG: KMSAN: kernel-usb-infoleak in`),
    title: 'KMSAN: kernel-usb-infoleak in {FUNC}',
    stack: { parts: ['frames', { after: KMSAN_ORIGIN }, 'frames'], skip: new RegExp(`${K.usbSubmitUrb.re.source}|alloc_skb`) },
    example: 'BUG: KMSAN: kernel-usb-infoleak in usb_submit_urb+0x7ef/0x1f50 drivers/usb/core/urb.c:430',
  },
  {
    id: 'kmsan',
    class: 'kmsan',
    subsystem: 'oops',
    header: re(`${PREFIX}BUG: KMSAN: (?<type>[a-z-]+) in {FUNC}`),
    title: 'KMSAN: {type} in {FUNC}',
    // The stack follows the header directly (older kernels put "Call Trace:" in between); when all
    // of it is plumbing, the origin stack after "Uninit was created at:" names the bug.
    stack: { parts: ['frames', { after: KMSAN_ORIGIN }, 'frames'], skip: K.kmsan.re },
    example: 'BUG: KMSAN: uninit-value in __arch_swab32 arch/x86/include/uapi/asm/swab.h:10 [inline]',
  },
  {
    id: 'kcsan',
    class: 'kcsan',
    subsystem: 'oops',
    header: re(`${PREFIX}BUG: KCSAN: (?<rest>(?<type>[a-z-]+) in {FUNC}.*)`),
    title: 'KCSAN: {rest}',
    stack: { parts: ['header'] },
    example: 'BUG: KCSAN: data-race in __ext4_update_other_inode_time / inode_update_timestamps',
  },
  {
    id: 'kfence',
    class: 'kfence',
    subsystem: 'oops',
    header: re(`${PREFIX}BUG: KFENCE: (?<type>[a-z -]+?) in {FUNC}`),
    title: 'KFENCE: {type} in {FUNC}',
    stack: { parts: ['header', 'frames'], trustHeader: true },
    example: 'BUG: KFENCE: use-after-free read in test_use_after_free_read+0xb3/0x143',
  },
  {
    id: 'ubsan',
    class: 'ubsan',
    subsystem: 'oops',
    header: re(`^\\s*(?:UBSAN|UBSAN:)[: ]\\s*(?<type>[A-Za-z][\\w -]*?) in (?<src>\\S+)`),
    title: 'UBSAN: {type} in {FUNC}',
    stack: { parts: ['trace'], parts2: ['frames'], skip: /ubsan|overflow|handle_/ },
    example: 'UBSAN: array-index-out-of-bounds in net/netfilter/ipset/ip_set_list_set.c:389:8',
  },
  // --- bad memory access ------------------------------------------------------------------------
  {
    id: 'null-deref',
    class: 'null_deref',
    subsystem: 'oops',
    header:
      /^\s*BUG: (?:unable to handle kernel NULL pointer dereference|kernel NULL pointer dereference|Kernel NULL pointer dereference)/,
    title: 'BUG: unable to handle kernel NULL pointer dereference in {FUNC}',
    stack: IP_TRACE,
    example: 'BUG: kernel NULL pointer dereference, address: 0000000000000000',
  },
  {
    id: 'paging-request',
    class: 'paging_request',
    subsystem: 'oops',
    header:
      /^\s*BUG: (?:unable to handle kernel paging request|unable to handle page fault for address|Unable to handle kernel data access|Unable to handle kernel instruction fetch)/,
    title: 'BUG: unable to handle kernel paging request in {FUNC}',
    stack: IP_TRACE,
    example: 'BUG: unable to handle page fault for address: ffffffffff600000',
  },
  {
    id: 'bad-access-corrupted',
    class: 'paging_request',
    subsystem: 'oops',
    header: /^\s*BUG: (?:unable to handle kernel|Unable to handle kernel)\s*$/,
    title: 'BUG: unable to handle kernel',
    corrupted: true,
    stack: IP_TRACE,
    example: 'BUG: unable to handle kernel',
  },
  {
    id: 'arm-null-deref',
    class: 'null_deref',
    subsystem: 'oops',
    header: /^\s*Unable to handle kernel NULL pointer dereference/,
    title: 'BUG: unable to handle kernel NULL pointer dereference in {FUNC}',
    stack: IP_TRACE,
    example: 'Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000',
  },
  {
    id: 'arm-paging-request',
    class: 'paging_request',
    subsystem: 'oops',
    header: /^\s*Unable to handle kernel (?<what>paging request|access to user memory)/,
    title: 'BUG: unable to handle kernel {what} in {FUNC}',
    stack: IP_TRACE,
    example: 'Unable to handle kernel paging request at virtual address dead000000000108',
  },
  {
    id: 'arm-bad-access',
    class: 'paging_request',
    subsystem: 'oops',
    header:
      /^\s*Unable to handle kernel (?:execute from non-executable memory|read from unreadable memory|write to read-only memory)/,
    title: 'BUG: unable to handle kernel paging request in {FUNC}',
    stack: IP_TRACE,
    example: 'Unable to handle kernel write to read-only memory at virtual address ffff800008f6d000',
  },
  {
    id: 'gpf',
    class: 'gpf',
    subsystem: 'oops',
    header: /^\s*(?:Oops: )?general protection fault\b/,
    // A user process's fault is logged by the kernel but is not a kernel bug: "traps: a[1] general
    // protection fault ip:... error:0 in libc.so"; it never starts the line, so the anchor keeps it out.
    suppress: /\berror:\s*\d+ in /,
    title: 'general protection fault in {FUNC}',
    stack: IP_TRACE,
    example: 'general protection fault, probably for non-canonical address 0xdffffc0000000001: 0000 [#1] PREEMPT SMP KASAN',
  },
  {
    id: 'stack-segment',
    class: 'gpf',
    subsystem: 'oops',
    header: /^\s*(?:Oops: )?stack segment: /,
    title: 'stack segment fault in {FUNC}',
    stack: IP_TRACE,
    example: 'stack segment: 0000 [#1] PREEMPT SMP KASAN',
  },
  {
    id: 'double-fault',
    class: 'double_fault',
    subsystem: 'oops',
    header: /^\s*(?:PANIC: double fault|traps: PANIC: double fault)/,
    title: 'PANIC: double fault in {FUNC}',
    stack: { parts: ['ip'], parts2: ['trace'] },
    continuation: true,
    example: 'PANIC: double fault, error_code: 0x0',
  },
  {
    id: 'stack-guard',
    class: 'stack_corruption',
    subsystem: 'oops',
    header: /^\s*BUG: (?:TASK |IRQ )?stack guard page was hit at/,
    title: 'BUG: stack guard page was hit in {FUNC}',
    stack: { parts: ['ip'], parts2: ['trace'] },
    example: 'BUG: stack guard page was hit at 000000007e6c4a5e (stack is 00000000aa3c0ff0..00000000c0e75b3b)',
  },
  {
    id: 'stack-overflow-irq',
    class: 'stack_corruption',
    subsystem: 'oops',
    header: /^\s*(?:do_IRQ: stack overflow|Thread overran stack, or stack corrupted|kernel stack overflow)/,
    title: 'kernel stack overflow in {FUNC}',
    stack: IP_TRACE,
    example: 'Thread overran stack, or stack corrupted',
  },
  {
    id: 'divide-error',
    class: 'divide_error',
    subsystem: 'oops',
    header: /^\s*(?:Oops: )?divide(?: error|_error): /,
    title: 'divide error in {FUNC}',
    stack: IP_TRACE,
    example: 'divide error: 0000 [#1] PREEMPT SMP KASAN',
  },
  // --- BUG_ON / invalid opcode -------------------------------------------------------------------
  {
    id: 'kernel-bug-usercopy',
    class: 'kernel_bug',
    subsystem: 'oops',
    header: /^\s*kernel BUG at mm\/usercopy\.c/,
    title: 'BUG: bad usercopy in {FUNC}',
    stack: { parts: ['trace'], parts2: ['frames'], skip: /usercopy|__check/ },
    example: 'kernel BUG at mm/usercopy.c:102!',
  },
  {
    id: 'kernel-bug-list',
    class: 'kernel_bug',
    subsystem: 'oops',
    header: /^\s*kernel BUG at lib\/list_debug\.c/,
    title: 'BUG: corrupted list in {FUNC}',
    // The RIP is lib/list_debug.c's check; the caller in the trace corrupted the list.
    stack: { parts: ['trace'], parts2: ['frames'], skip: /list_debug|_valid/ },
    example: 'kernel BUG at lib/list_debug.c:53!',
  },
  {
    id: 'kernel-bug',
    class: 'kernel_bug',
    subsystem: 'oops',
    header: /^\s*(?:------------\[ cut here \]------------ *)?[Kk]ernel BUG at (?<src>\S+?)!?\s*$|^\s*kernel BUG at (?<src2>\S+)/,
    title: 'kernel BUG in {FUNC}',
    stack: { ...IP_TRACE, skip: K.kernelBug.re },
    example: 'kernel BUG at drivers/misc/lkdtm/bugs.c:78!',
  },
  {
    id: 'invalid-opcode',
    class: 'invalid_opcode',
    subsystem: 'oops',
    header: /^\s*(?:Oops: )?invalid opcode: /,
    title: 'invalid opcode in {FUNC}',
    stack: IP_TRACE,
    continuation: true,
    example: 'invalid opcode: 0000 [#1] SMP',
  },
  {
    id: 'int3',
    class: 'oops',
    subsystem: 'oops',
    header: /^\s*(?:Oops: )?int3: /,
    title: 'int3 in {FUNC}',
    stack: IP_TRACE,
    example: 'int3: 0000 [#1] PREEMPT SMP KASAN',
  },
  {
    id: 'arm-internal-error',
    class: 'oops',
    subsystem: 'oops',
    header: /^\s*Internal error: (?<what>[^:]+):/,
    title: 'Internal error in {FUNC}',
    stack: IP_TRACE,
    continuation: true,
    example: 'Internal error: Oops: 96000006 [#1] PREEMPT SMP',
  },
  {
    id: 'arm-unhandled-fault',
    class: 'oops',
    subsystem: 'oops',
    header: /^\s*(?<what>Unhandled fault|Alignment trap):/,
    title: '{what} in {FUNC}',
    stack: IP_TRACE,
    example: 'Unhandled fault: imprecise external abort (0x1406) at 0x00000000',
  },
  {
    id: 'oops-bare',
    class: 'oops',
    subsystem: 'oops',
    header:
      /^\s*Oops(?: - BUG)?: [0-9a-f]+ \[#\d+\]|^\s*Oops\[#\d+\]|^\s*Oops: (?!general|divide|invalid|stack|int3)[^[]*\[#\d+\]/,
    title: 'Oops in {FUNC}',
    stack: IP_TRACE,
    continuation: true,
    example: 'Oops: 0002 [#2] SMP',
  },
  // --- lockups, stalls, hangs --------------------------------------------------------------------
  {
    id: 'soft-lockup',
    class: 'soft_lockup',
    subsystem: 'soft_lockup',
    header:
      /^\s*(?:watchdog: |NMI watchdog: )?BUG: soft lockup(?: - CPU#(?<cpu>\d+) stuck for \d+s! \[(?<comm>.*):(?<pid>\d+)\])?/,
    title: 'BUG: soft lockup in {FUNC}',
    stack: { parts: ['ip', 'trace'], parts2: ['frames'], extractor: 'stall' },
    example: 'watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [swapper/0:1]',
  },
  {
    id: 'hard-lockup',
    class: 'hard_lockup',
    subsystem: 'hard_lockup',
    header: /^\s*(?:watchdog: |NMI watchdog: )?(?:Watchdog detected hard LOCKUP on cpu (?<cpu>\d+)|BUG: hard lockup)/,
    title: 'hard lockup in {FUNC}',
    stack: { parts: ['ip', 'trace'], parts2: ['frames'], extractor: 'stall' },
    example: 'NMI watchdog: Watchdog detected hard LOCKUP on cpu 1',
  },
  {
    id: 'rcu-tasks-stall',
    class: 'rcu_stall',
    subsystem: 'rcu_stall',
    header: /^\s*(?:rcu: )?INFO: rcu_tasks(?:_trace|_rude)? detected stalls on tasks/,
    title: 'INFO: rcu detected stall in {FUNC}',
    stack: { parts: ['trace'], extractor: 'stall' },
    example: 'INFO: rcu_tasks detected stalls on tasks:',
  },
  {
    id: 'rcu-stall',
    class: 'rcu_stall',
    subsystem: 'rcu_stall',
    header: /^\s*(?:rcu: )?INFO: rcu_(?:preempt|sched|bh|tasks)\w* (?:self-)?detected(?: expedited)? stalls?/,
    title: 'INFO: rcu detected stall in {FUNC}',
    stack: {
      parts: [{ after: /apic_timer_interrupt|timer_interrupt|arch_timer_handler|hrtimer_interrupt/ }, 'ip', 'frames'],
      parts2: [{ after: /NMI backtrace for cpu|Sending NMI|Task dump for CPU|rcu: Stack dump/ }, 'ip', 'frames'],
      skip: /apic_timer_interrupt|rcu|hrtimer|tick_|update_process_times|nmi_|irq_/,
      extractor: 'stall',
    },
    example: 'rcu: INFO: rcu_preempt self-detected stall on CPU',
  },
  {
    id: 'hung-task',
    class: 'hung_task',
    subsystem: 'hung_task',
    header: /^\s*INFO: task (?<comm>.*):(?<pid>\d+) blocked for more than \d+ seconds/,
    title: 'INFO: task hung in {FUNC}',
    stack: { parts: ['trace'], extractor: 'hung' },
    example: 'INFO: task kworker/u4:1:33 blocked for more than 120 seconds.',
  },
  {
    id: 'task-cant-die',
    class: 'hung_task',
    subsystem: 'hung_task',
    header: /^\s*INFO: task (?<comm>.*):(?<pid>\d+) can't die for more than \d+ seconds/,
    title: "INFO: task can't die in {FUNC}",
    stack: { parts: ['trace'], extractor: 'hung' },
    example: "INFO: task syz-executor0:7262 can't die for more than 120 seconds.",
  },
  {
    id: 'workqueue-lockup',
    class: 'workqueue_lockup',
    subsystem: 'soft_lockup',
    header: /^\s*BUG: workqueue lockup\b/,
    title: 'BUG: workqueue lockup',
    example: 'BUG: workqueue lockup - pool cpus=0 node=0 flags=0x0 nice=0 stuck for 32s!',
  },
  // --- locking and context -----------------------------------------------------------------------
  // Lockdep reports, each kind named where syzkaller names it (pkg/report/linux.go): a circular
  // dependency by the first of the two "at:" lines that is not plumbing (the lock being taken,
  // then the one held), recursion, irq inversion and the old "INFO:" safe -> unsafe order by the
  // first "at:" line as it is, the new "WARNING:" safe -> unsafe order by the stack after
  // "which became ... at:". "at:" lines that only name an
  // inlined callee are passed over (report.ts), as the raw console has none.
  {
    id: 'lockdep-deadlock',
    class: 'lockdep',
    subsystem: 'oops',
    header: /^\s*(?:\[ )?(?:WARNING|INFO): possible circular locking dependency detected/,
    title: 'possible deadlock in {FUNC}',
    stack: {
      parts: [
        { after: /is trying to acquire/ },
        { at: re('(?:, )?at: (?:\\[<[0-9a-f]+>\\]\\s*)?{FUNC}') },
        { at: re('(?:, )?at: (?:\\[<[0-9a-f]+>\\]\\s*)?{FUNC}') },
        'frames',
      ],
      parts2: ['trace'],
      skip: K.lockdepDeadlock.re,
    },
    example: 'WARNING: possible circular locking dependency detected',
  },
  {
    id: 'lockdep-recursive',
    class: 'lockdep',
    subsystem: 'oops',
    header:
      /^\s*(?:\[ )?(?:(?:WARNING|INFO): (?:possible recursive locking detected|possible irq lock inversion dependency detected)|INFO: (?:SOFT|HARD)IRQ-safe -> (?:SOFT|HARD)IRQ-unsafe lock order detected)/,
    title: 'possible deadlock in {FUNC}',
    stack: {
      parts: [
        { after: /is trying to acquire|just changed the state of lock/ },
        { at: re('(?:, )?at: (?:\\[<[0-9a-f]+>\\]\\s*)?{FUNC}') },
      ],
      parts2: ['trace'],
    },
    example: 'WARNING: possible recursive locking detected',
  },
  {
    id: 'lockdep-irq-order',
    class: 'lockdep',
    subsystem: 'oops',
    header: /^\s*WARNING: (?:SOFT|HARD)IRQ-safe -> (?:SOFT|HARD)IRQ-unsafe lock order detected/,
    title: 'possible deadlock in {FUNC}',
    stack: { parts: [{ after: /which became \S+ at:/ }, 'frames'], parts2: ['trace'], skip: K.lockdepDeadlock.re },
    example: 'WARNING: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected',
  },
  {
    // The new form ("WARNING:") is named by its call trace, the old one ("INFO: ... ]") by the
    // "at:" line after "takes".
    id: 'lockdep-inconsistent',
    class: 'lockdep',
    subsystem: 'oops',
    header: /^\s*WARNING: inconsistent lock state/,
    title: 'inconsistent lock state in {FUNC}',
    stack: {
      parts: ['trace'],
      parts2: [{ after: /takes:?$|takes\b/ }, { at: re('(?:, )?at: (?:\\[<[0-9a-f]+>\\]\\s*)?{FUNC}') }],
    },
    example: 'WARNING: inconsistent lock state',
  },
  {
    id: 'lockdep-inconsistent-old',
    class: 'lockdep',
    subsystem: 'oops',
    header: /^\s*(?:\[ )?INFO: inconsistent lock state/,
    title: 'inconsistent lock state in {FUNC}',
    stack: {
      parts: [{ after: /takes:?$|takes\b/ }, { at: re('(?:, )?at: (?:\\[<[0-9a-f]+>\\]\\s*)?{FUNC}') }],
      parts2: ['trace'],
    },
    example: '[ INFO: inconsistent lock state ]',
  },
  {
    id: 'lockdep-suspicious-rcu',
    class: 'lockdep',
    subsystem: 'warning',
    // Old kernels print "INFO:", new ones "WARNING:"; the title keeps the kernel's word, as syzkaller does.
    header: /^\s*(?:\[ )?(?<kind>WARNING|INFO): suspicious RCU usage/,
    title: '{kind}: suspicious RCU usage in {FUNC}',
    stack: { parts: ['trace'], skip: K.suspiciousRcu.re },
    example: 'WARNING: suspicious RCU usage',
  },
  {
    id: 'lockdep-bad-unlock',
    class: 'lockdep',
    subsystem: 'oops',
    header: /^\s*(?:\[ )?(?<kind>WARNING|BUG): bad unlock balance detected!/,
    title: '{kind}: bad unlock balance in {FUNC}',
    stack: {
      parts: [{ after: /is trying to release lock/ }, { at: re('(?:at: |\\] )(?:\\[<[0-9a-f]+>\\]\\s*)?{FUNC}') }],
      parts2: ['trace'],
    },
    example: 'WARNING: bad unlock balance detected!',
  },
  {
    id: 'lockdep-held-lock-freed',
    class: 'lockdep',
    subsystem: 'oops',
    header: /^\s*(?:\[ )?(?<kind>WARNING|BUG): held lock freed!/,
    title: '{kind}: held lock freed in {FUNC}',
    stack: { parts: [{ at: re('at: (?:\\[<[0-9a-f]+>\\]\\s*)?{FUNC}') }], parts2: ['trace'] },
    example: 'WARNING: held lock freed!',
  },
  {
    id: 'lockdep-returning-to-user',
    class: 'lockdep',
    subsystem: 'oops',
    header: /^\s*(?:\[ )?(?<kind>WARNING|BUG): lock held when returning to user space/,
    title: '{kind}: lock held when returning to user space in {FUNC}',
    stack: { parts: [{ after: /leaving the kernel with locks still held/ }, { at: re('at: (?:\\[<[0-9a-f]+>\\]\\s*)?{FUNC}') }] },
    example: 'WARNING: lock held when returning to user space!',
  },
  {
    id: 'lockdep-still-has-locks',
    class: 'lockdep',
    subsystem: 'oops',
    header: /^\s*(?:\[ )?BUG: .*still has locks held!/,
    title: 'BUG: still has locks held in {FUNC}',
    stack: { parts: [{ at: re('at: (?:\\[<[0-9a-f]+>\\]\\s*)?{FUNC}') }], parts2: ['trace'] },
    example: 'BUG: syz-executor/1234 still has locks held!',
  },
  {
    id: 'lockdep-nonstatic-key',
    class: 'lockdep',
    subsystem: 'oops',
    header: /^\s*INFO: trying to register non-static key/,
    title: 'INFO: trying to register non-static key in {FUNC}',
    stack: { parts: ['trace'], skip: /stack|lock|IRQ/ },
    example: 'INFO: trying to register non-static key.',
  },
  {
    // lockdep's "[ BUG: Invalid wait context ]" (kernel/locking/lockdep.c print_lock_invalid_wait_context);
    // syzkaller files it with lockdep's own WARNINGs as "WARNING: locking bug in".
    id: 'lockdep-invalid-wait-context',
    class: 'lockdep',
    subsystem: 'warning',
    header: /^\s*(?:\[ )?BUG: Invalid wait context/,
    title: 'WARNING: locking bug in {FUNC}',
    stack: { parts: ['trace'], skip: K.lockdepWarning.re },
    example: '[ BUG: Invalid wait context ]',
  },
  {
    id: 'lockdep-limits',
    class: 'lockdep',
    subsystem: 'oops',
    header:
      /^\s*BUG: (?<what>MAX_LOCKDEP_\w+ too low!|MAX_LOCK_DEPTH too low!|MAX_STACK_TRACE_ENTRIES too low!|looking up invalid subclass: \d+|lock_chain_count|key .* has not been registered)/,
    title: 'BUG: {what}',
    example: 'BUG: MAX_LOCKDEP_CHAINS too low!',
  },
  {
    id: 'spinlock-bug',
    class: 'lockdep',
    subsystem: 'oops',
    header:
      /^\s*BUG: (?:spinlock|rwlock) (?<kind>lockup suspected|already unlocked|recursion|bad magic|wrong owner|wrong CPU|cpu recursion)/,
    title: 'BUG: spinlock {kind} in {FUNC}',
    stack: { parts: ['trace'], skip: /spin_|_lock/ },
    example: 'BUG: spinlock bad magic on CPU#0, swapper/0/1',
  },
  {
    id: 'atomic-sleep',
    class: 'atomic_sleep',
    subsystem: 'oops',
    header: /^\s*BUG: sleeping function called from invalid context/,
    title: 'BUG: sleeping function called from invalid context in {FUNC}',
    stack: { parts: ['trace'], skip: /might_sleep|might_fault|__might|_cond_resched|preempt/ },
    example: 'BUG: sleeping function called from invalid context at kernel/locking/mutex.c:283',
  },
  {
    id: 'scheduling-while-atomic',
    class: 'atomic_sleep',
    subsystem: 'oops',
    header: /^\s*BUG: scheduling while atomic/,
    title: 'BUG: scheduling while atomic in {FUNC}',
    stack: { parts: ['trace'], skip: /schedule|__schedule|preempt/ },
    example: 'BUG: scheduling while atomic: swapper/0/0/0x00000002',
  },
  {
    id: 'preemptible-smp-processor-id',
    class: 'atomic_sleep',
    subsystem: 'oops',
    header: /^\s*BUG: using (?<what>smp_processor_id\(\)|__this_cpu_\w+\(\)) in preemptible/,
    title: 'BUG: using {what} in preemptible code in {FUNC}',
    stack: { parts: ['trace'], skip: K.preemptible.re },
    example: 'BUG: using smp_processor_id() in preemptible [00000000] code: syz-executor/1234',
  },
  {
    id: 'workqueue-leaked-lock',
    class: 'atomic_sleep',
    subsystem: 'oops',
    header: /^\s*BUG: workqueue leaked lock or atomic/,
    title: 'BUG: workqueue leaked lock or atomic in {FUNC}',
    stack: { parts: [{ at: re('last function: {FUNC}') }] },
    example: 'BUG: workqueue leaked lock or atomic: kworker/0:1/0x00000000/12',
  },
  // --- memory ------------------------------------------------------------------------------------
  {
    id: 'memory-leak',
    class: 'memory_leak',
    subsystem: 'oops',
    header: /^\s*BUG: memory leak\s*$/,
    title: 'memory leak in {FUNC}',
    stack: LEAK_STACK,
    example: 'BUG: memory leak',
  },
  {
    id: 'memory-leak-object',
    class: 'memory_leak',
    subsystem: 'oops',
    header: /^\s*unreferenced object 0x[0-9a-f]+ \(size \d+\):/,
    title: 'memory leak in {FUNC}',
    stack: LEAK_STACK,
    // kmemleak prints "BUG: memory leak" and then the object: one report.
    continuation: true,
    example: 'unreferenced object 0xffff88810e2a8000 (size 2048):',
  },
  {
    id: 'kmemleak-summary',
    class: 'memory_leak',
    subsystem: 'oops',
    header: /^\s*kmemleak: \d+ new suspected memory leaks/,
    title: 'memory leak',
    example: 'kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)',
  },
  {
    id: 'bad-page-state',
    class: 'oops',
    subsystem: 'oops',
    header:
      /^\s*BUG: (?<what>Bad page state|Bad page map|Bad rss-counter state|non-zero pgtables_bytes on freeing mm|non-zero nr_ptes on freeing mm|non-zero nr_pmds on freeing mm|Bad page cache)/,
    title: 'BUG: {what}',
    example: 'BUG: Bad page state in process syz-executor  pfn:5a2e8',
  },
  {
    id: 'slub-object',
    class: 'oops',
    subsystem: 'oops',
    header: /^\s*BUG (?<cache>kmalloc-\d+|[\w-]+) \((?:Not tainted|Tainted: [A-Z ]+)\): (?<what>[^\n]+?)\s*$/,
    // KASAN's own page-dump line, not a slab error.
    suppress: /kasan: bad access detected/,
    title: 'BUG: {what}',
    example: 'BUG kmalloc-64 (Not tainted): Object already free',
  },
  {
    // SLUB debug (and old KASAN) allocation/free tracks: inside a "BUG kmalloc-64" report they are
    // part of it; alone, the report's header was lost (syzkaller "INFO: %v in %v", corrupted).
    id: 'slub-track',
    class: 'oops',
    subsystem: 'oops',
    header: re('^\\s*INFO: (?<what>Freed|Allocated) in {FUNC}'),
    // Only the function: the rest of the line is age, CPU and PID of this one object.
    title: 'INFO: {what} in {FUNC}',
    stack: { parts: ['header'] },
    corrupted: true,
    continuation: true,
    example: 'INFO: Allocated in test_version_show+0x98/0xf0 age=8188 cpu=6 pid=172',
  },
  {
    id: 'oom-kill',
    class: 'oom_kill',
    subsystem: 'oom_kill',
    header: /^\s*(?<invoker>.+?) invoked oom-killer: /,
    title: 'OOM kill of {victim}',
    details: [/(?:Out of memory|Memory cgroup out of memory): Kill(?:ed)? process (?<victim_pid>\d+) \((?<victim>[^)]*)\)/],
    stack: {
      parts: ['trace'],
      skip: /oom|out_of_memory|dump_header|alloc|page|__folio|mem_cgroup|try_charge|charge_memcg|^filemap_fault|handle_mm_fault|^do_user_addr_fault|^do_anonymous|^do_pte_missing|^do_fault/,
    },
    example: 'stress-ng invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=1000',
  },
  {
    id: 'oom-kill-line',
    class: 'oom_kill',
    subsystem: 'oom_kill',
    header: /^\s*(?:Out of memory|Memory cgroup out of memory): Kill(?:ed)? process (?<victim_pid>\d+) \((?<victim>[^)]*)\)/,
    title: 'OOM kill of {victim}',
    continuation: true,
    example:
      'Out of memory: Killed process 1234 (stress-ng) total-vm:1049084kB, anon-rss:1034564kB, file-rss:4kB, shmem-rss:0kB, UID:0 pgtables:2076kB oom_score_adj:1000',
  },
  // --- hardware ----------------------------------------------------------------------------------
  {
    id: 'mce',
    class: 'mce',
    subsystem: 'mce',
    header:
      /^\s*(?:mce: )?\[Hardware Error\]: (?:CPU (?<cpu>\d+): )?Machine Check(?: Exception)?: (?<code>\S+)(?: Bank (?<bank>\d+))?/,
    title: 'machine check exception in bank {bank}',
    example: 'mce: [Hardware Error]: CPU 0: Machine Check Exception: 5 Bank 4: b200000000070f0f',
  },
  {
    id: 'apei-fatal',
    class: 'mce',
    subsystem: 'mce',
    header: /^\s*(?:\{\d+\})?\[Hardware Error\]: event severity: (?<sev>fatal|recoverable)/,
    title: 'hardware error: {sev}',
    example: '{1}[Hardware Error]: event severity: fatal',
  },
  // --- networking --------------------------------------------------------------------------------
  {
    id: 'unregister-netdevice',
    class: 'netdev_refcount',
    subsystem: 'oops',
    header: /^\s*unregister_netdevice: waiting for (?<dev>\S+) to become free/,
    title: 'unregister_netdevice: waiting for {dev} to become free',
    // Printed every 10 s from another task: inside a report it is interleaved output, not a new report.
    continuation: true,
    example: 'unregister_netdevice: waiting for lo to become free. Usage count = 1',
  },
  {
    id: 'vfs-busy-inodes',
    class: 'oops',
    subsystem: 'oops',
    header: /^\s*VFS: Busy inodes after unmount/,
    title: 'VFS: Busy inodes after unmount',
    example: 'VFS: Busy inodes after unmount of sda1. Self-destruct in 5 seconds.  Have a nice day...',
  },
  {
    id: 'dentry-in-use',
    class: 'oops',
    subsystem: 'oops',
    // Filesystem type and block device left out of the title (loop0/1/2 would split one bug), as
    // syzkaller does since it titles this "in unmount".
    header: /^\s*BUG: Dentry .* still in use \(\d+\) \[(?<op>unmount) of (?<fs>[^\]]+)\]/,
    title: 'BUG: Dentry still in use in {op}',
    example: 'BUG: Dentry ffff880026e4ad70{i=0,n=/}  still in use (1) [unmount of ramfs ramfs]',
  },
  // --- panics (after the specific kinds: many reports end in one) --------------------------------
  {
    id: 'panic-stack-protector',
    class: 'stack_corruption',
    subsystem: 'panic',
    header: re('^\\s*Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: (?:[0-9a-f]{6,}|{FUNC})'),
    title: 'kernel panic: stack is corrupted in {FUNC}',
    stack: { parts: ['header', 'trace'], skip: /stack_chk/ },
    example: 'Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: __schedule+0x1bd3/0x1be0',
  },
  {
    id: 'panic-stack-end',
    class: 'stack_corruption',
    subsystem: 'panic',
    header: /^\s*Kernel panic - not syncing: corrupted stack end/,
    title: 'kernel panic: corrupted stack end in {FUNC}',
    // The stack runs on after the interrupt frame's register dump: 'frames' picks it up again.
    stack: { parts: ['trace', 'frames'], skip: /schedule|retint_kernel/, extractor: 'stall' },
    example: 'Kernel panic - not syncing: corrupted stack end detected inside scheduler',
  },
  {
    id: 'panic-fatal-exception',
    class: 'panic',
    subsystem: 'panic',
    header:
      /^\s*Kernel panic - not syncing: (?<msg>Fatal exception(?: in interrupt)?|panic_on_warn set|hung_task: blocked tasks|softlockup: hung tasks|hard LOCKUP|Hard LOCKUP|RCU Stall)/,
    // Printed after an Oops/WARNING/lockup: alone, it means that report's header was lost.
    title: 'kernel panic: {msg}',
    corrupted: true,
    continuation: true,
    example: 'Kernel panic - not syncing: Fatal exception',
  },
  {
    id: 'panic',
    class: 'panic',
    subsystem: 'panic',
    header: /^\s*Kernel panic - not syncing: ?(?<msg>.*)$/,
    title: 'kernel panic: {msg}',
    stack: { parts: ['trace'] },
    continuation: true,
    example: 'Kernel panic - not syncing: sysrq triggered crash',
  },
  {
    id: 'rust-panic',
    class: 'panic',
    subsystem: 'panic',
    header: /^\s*rust_kernel: panicked at (?<msg>.*)$/,
    title: 'kernel panic: rust panicked at {msg}',
    example: "rust_kernel: panicked at 'called `Option::unwrap()` on a `None` value', rust/kernel/lib.rs:12:5",
  },
  // --- WARN() ------------------------------------------------------------------------------------
  {
    id: 'warning-odebug',
    class: 'warning',
    subsystem: 'warning',
    // Old and 6.17+ WARNING headers ("WARNING: lib/debugobjects.c:612 at debug_print_object+0x..., CPU#0").
    header: /^\s*WARNING: .*lib\/debugobjects\.c.* (?:debug_print|debug_check|at)/,
    title: 'WARNING: ODEBUG bug in {FUNC}',
    stack: { parts: ['ip', 'trace'], parts2: ['trace'], skip: K.odebugWarning.re },
    example: 'WARNING: CPU: 1 PID: 6193 at lib/debugobjects.c:508 debug_print_object+0x16a/0x250 lib/debugobjects.c:505',
  },
  {
    id: 'warning-refcount',
    class: 'warning',
    subsystem: 'warning',
    header: /^\s*WARNING: .*lib\/refcount\.c.* (?:refcount_|at)/,
    title: 'WARNING: refcount bug in {FUNC}',
    stack: { parts: ['ip', 'trace'], parts2: ['trace'], skip: K.refcountWarning.re },
    example: 'WARNING: CPU: 0 PID: 1 at lib/refcount.c:28 refcount_warn_saturate+0x13d/0x1a0',
  },
  {
    id: 'warning-kobject',
    class: 'warning',
    subsystem: 'warning',
    header: /^\s*WARNING: .*lib\/kobject\.c.* (?:kobject_|at)/,
    title: 'WARNING: kobject bug in {FUNC}',
    stack: { parts: ['ip', 'trace'], parts2: ['trace'], skip: K.kobjectWarning.re },
    example: 'WARNING: CPU: 0 PID: 4096 at lib/kobject.c:712 kobject_put+0x1c5/0x260',
  },
  {
    id: 'warning-lockdep',
    class: 'warning',
    subsystem: 'warning',
    header: /^\s*WARNING: .*kernel\/locking\/lockdep\.c.*(?:lock_| at )/,
    title: 'WARNING: locking bug in {FUNC}',
    stack: { parts: ['ip', 'trace'], parts2: ['trace'], skip: K.lockdepWarning.re },
    example: 'WARNING: CPU: 1 PID: 3961 at kernel/locking/lockdep.c:3175 __lock_acquire+0x1163/0x1f90',
  },
  {
    id: 'warning-usercopy',
    class: 'warning',
    subsystem: 'warning',
    header: /^\s*WARNING: .*mm\/usercopy\.c.* (?:usercopy_warn|at)/,
    title: 'WARNING: bad usercopy in {FUNC}',
    stack: { parts: ['ip', 'trace'], parts2: ['trace'], skip: K.usercopy.re },
    example: 'WARNING: CPU: 0 PID: 3122 at mm/usercopy.c:81 usercopy_warn+0xdb/0x100 mm/usercopy.c:76',
  },
  {
    id: 'warning-kmalloc',
    class: 'warning',
    subsystem: 'warning',
    header: /^\s*WARNING: .*mm\/.*\.c.* k?.?malloc/,
    title: 'WARNING: kmalloc bug in {FUNC}',
    stack: { parts: ['ip', 'trace'], parts2: ['trace'], skip: K.kmallocWarning.re },
    example: 'WARNING: CPU: 1 PID: 3584 at mm/slab_common.c:996 kmalloc_slab+0x65/0xc0',
  },
  {
    id: 'warning-vmalloc-zero',
    class: 'warning',
    subsystem: 'warning',
    header: /^\s*WARNING: .*mm\/vmalloc\.c.*__vmalloc_node/,
    title: 'WARNING: zero-size vmalloc in {FUNC}',
    stack: { parts: ['ip', 'trace'], parts2: ['trace'] },
    example: 'WARNING: CPU: 1 PID: 15973 at mm/vmalloc.c:3108 __vmalloc_node_range+0x1036/0x1300 mm/vmalloc.c:3108',
  },
  {
    id: 'warning-proc-register',
    class: 'warning',
    subsystem: 'warning',
    header: /^\s*WARNING: .*fs\/proc\/generic\.c.* (?:proc_register|at)/,
    title: 'WARNING: proc registration bug in {FUNC}',
    stack: { parts: ['ip', 'trace'], parts2: ['trace'], skip: K.procWarning.re },
    example: 'WARNING: CPU: 0 PID: 5090 at fs/proc/generic.c:372 proc_register+0x34c/0x480 fs/proc/generic.c:372',
  },
  {
    id: 'warning-usb-submit-urb',
    class: 'warning',
    subsystem: 'warning',
    header: /^\s*WARNING: .* usb_submit_urb/,
    title: 'WARNING in {FUNC}/usb_submit_urb',
    stack: { parts: ['ip', 'trace'], parts2: ['trace'], skip: K.usbSubmitUrb.re },
    example: 'WARNING: CPU: 1 PID: 9 at drivers/usb/core/urb.c:504 usb_submit_urb+0xed2/0x18a0 drivers/usb/core/urb.c:502',
  },
  {
    id: 'warning',
    class: 'warning',
    subsystem: 'warning',
    // "WARNING: CPU: 0 PID: 45 at drivers/misc/lkdtm/bugs.c:85 lkdtm_WARNING+0x8/0xb"; old kernels
    // "WARNING: at fs/foo.c:12 foo()"; 6.17+ "WARNING: drivers/x.c:85 at lkdtm_WARNING+0x8/0xb, CPU#0: sh/45".
    header: re(
      '^\\s*WARNING: (?:(?:CPU: (?<cpu>\\d+) (?:UID: \\d+ )?PID: (?<pid>\\d+) )?at (?<src>\\S+)(?: \\[[\\w]+\\])? {FUNC}|(?<src2>\\S+:\\d+) at (?<func2>[A-Za-z_$][\\w.$]*)[^,]*, CPU#(?<cpu2>\\d+): (?<comm>.+)/(?<pid2>\\d+)|(?<src3>\\S+:\\d+) at 0x[0-9a-f]+, CPU#(?<cpu3>\\d+): (?<comm3>.+)/(?<pid3>\\d+))',
    ),
    title: 'WARNING in {FUNC}',
    stack: { parts: ['header', 'ip', 'trace'], parts2: ['frames'] },
    example: 'WARNING: CPU: 0 PID: 45 at drivers/misc/lkdtm/bugs.c:85 lkdtm_WARNING+0x8/0xb',
  },
  {
    id: 'warning-cpu-only',
    class: 'warning',
    subsystem: 'warning',
    header: /^\s*WARNING: CPU: (?<cpu>\d+) (?:UID: \d+ )?PID: (?<pid>\d+) at (?<src>\S+)\s*$/,
    title: 'WARNING in {FUNC}',
    stack: IP_TRACE,
    example: 'WARNING: CPU: 1 PID: 8351 at net/core/dev.c:7040',
  },
  {
    id: 'warning-stack-regs',
    class: 'warning',
    subsystem: 'warning',
    header: /^\s*WARNING: kernel stack (?:regs|frame pointer) at [0-9a-f]+ in [^ ]* has bad (?:'(?<reg>[^']+)' )?value/,
    title: 'WARNING: kernel stack regs has bad value',
    example: "WARNING: kernel stack regs at ffff8801c9a8f5d8 in syz-executor:5404 has bad 'bp' value 0000000000000001",
  },
  // --- fallbacks: accepted only when a kernel report body follows ---------------------------------
  {
    id: 'bug-generic',
    class: 'oops',
    subsystem: 'oops',
    header: /^\s*BUG: (?<what>.+?)\s*$/,
    suppress: /^\s*BUG: (?:no syscalls can create resource)|ODEBUG:|Boot_DEBUG:/,
    title: 'BUG: {what}',
    stack: IP_TRACE,
    needsEvidence: true,
    example: 'BUG: failure at mm/slub.c:1234/slab_err()!',
  },
  {
    id: 'warning-generic',
    class: 'warning',
    subsystem: 'warning',
    header: /^\s*WARNING: (?<what>.+?)\s*$/,
    title: 'WARNING: {what}',
    stack: IP_TRACE,
    needsEvidence: true,
    example: 'WARNING: kernel not compiled with CPU_SRSO',
  },
];

/**
 * A report whose header line was lost (console overrun, a syslog excerpt pasted from the middle):
 * found from its end, an orphan "---[ end trace ]---" after an instruction-pointer line and a
 * register dump or stack trace. Not matched per line; the classifier looks back when the end
 * marker arrives with no report open. The title is marked corrupted (the header is missing).
 */
export const HEADERLESS_OOPS: CrashFormat = {
  id: 'oops-headerless',
  class: 'oops',
  subsystem: 'oops',
  header: /^---\[ end trace/,
  title: 'Oops in {FUNC}',
  stack: IP_TRACE,
  corrupted: true,
  example: '---[ end trace 47864f2e99ae2e14 ]---',
};

/** An instruction-pointer line, symbolized or not ("EIP: 0060:[<c03a8a13>]", "RIP: 0010:foo+0x1/0x2", "pc : foo+0x4/0x30"). */
export const IP_LINE_RE = /^\s*(?:[RE]?IP:? +(?:[0-9a-f]{4}:)?(?:\[<|[A-Za-z_])|(?:pc|epc|NIP) *: |[PE]C is at|EIP is at)/;
/** Lines that confirm a register dump or a stack trace near an IP line. */
export const OOPS_BODY_EVIDENCE_RE =
  /Call Trace:|Call trace:|^\s*(?:Backtrace|Stack):|^\s*[RE]?[ABCD]X: [0-9a-f]{8}|^\s*R[SB]P: |^\s*x\d+ *: [0-9a-f]{16}|^\s*r\d+ *: [0-9a-f]{8}|^\s*\[<[0-9a-f]+>\]/;

/**
 * Cheap prefilter: a line can open a report only if it starts (after blanks and a known prefix such
 * as "watchdog: ") with one of these words, or names the OOM killer. Anchored, so most lines fail
 * at their first character; keeps the per-line cost of the table near one regex test.
 */
export const HEADER_PREFILTER =
  /^\s*(?:(?:NMI )?watchdog: |rcu: |mce: |\{\d+\}|Oops: |traps: |\[ )?(?:BUG|WARNING|INFO: |Oops|Kernel panic|kernel BUG|Kernel BUG|PANIC|general protection|stack segment|Unable to handle|UBSAN|Out of memory|Memory cgroup out|Watchdog detected|unreferenced object|kmemleak: |\[Hardware Error\]|divide|invalid opcode|int3: |Internal error|Unhandled fault|Alignment trap|unregister_netdevice: waiting|VFS: Busy|rust_kernel: panicked|do_IRQ: stack|Thread overran|kernel stack overflow|------------\[ cut here)/;

/** True when the line may open a report (see HEADER_PREFILTER). */
export function mayBeHeader(text: string): boolean {
  return HEADER_PREFILTER.test(text) || text.indexOf('invoked oom-killer') > 0;
}
