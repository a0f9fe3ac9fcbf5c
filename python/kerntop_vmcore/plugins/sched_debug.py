"""Per-CPU runqueues in the layout of /sys/kernel/debug/sched/debug (kernel/sched/debug.c), written
both under plugins/sched_debug/ and at sys/kernel/debug/sched/debug, where sos puts the live file.
Fields differ across kernel versions: each one a kernel lacks is left out (and noted), never fatal."""

from .. import compat


def split_ns(ns):
    # SPLIT_NS(): nanoseconds printed as milliseconds with six decimals.
    ns = int(ns)
    sign = "-" if ns < 0 else ""
    ns = abs(ns)
    return "%s%d.%06d" % (sign, ns // 1_000_000, ns % 1_000_000)


class Section:
    def __init__(self, ctx, lines, fmt="  .%-30s: %s"):
        self.ctx = ctx
        self.lines = lines
        self.fmt = fmt
        self.missing = []

    def p(self, name, getter, ns=False):
        try:
            v = getter()
            v = v.value_() if hasattr(v, "value_") else v
        except Exception:
            self.missing.append(name)
            return None
        self.lines.append(self.fmt % (name, split_ns(v) if ns else v))
        return v


def _entity_vruntime_of_node(prog, node):
    from drgn import container_of

    return container_of(node, "struct sched_entity", "run_node").vruntime.value_()


def run(ctx):
    prog = ctx.prog
    from drgn.helpers.linux.cpumask import for_each_online_cpu
    from drgn.helpers.linux.pid import for_each_task
    from drgn.helpers.linux.sched import task_cpu, task_state_to_char

    lines = []
    missing = set()
    uts = prog["init_uts_ns"].name
    version = uts.version.string_().decode()
    lines.append("Sched Debug Version: v0.11, %s %s" % (uts.release.string_().decode(), version.split(" ")[0]))
    top = Section(ctx, lines, fmt="%-40s: %s")
    top.p("ktime", lambda: compat.boottime_ns(prog) - prog["tk_core"].timekeeper.offs_boot.value_(), ns=True)
    cpus = list(for_each_online_cpu(prog))
    top.p("sched_clk", lambda: max(compat.cpu_rq(prog, c).clock.value_() for c in cpus), ns=True)
    top.p("jiffies", lambda: compat.jiffies(prog))
    lines.append("")
    lines.append("sysctl_sched")
    sysctl = Section(ctx, lines, fmt="  .%-40s: %s")
    for name, ns in (("sysctl_sched_latency", True), ("sysctl_sched_min_granularity", True),
                     ("sysctl_sched_idle_min_granularity", True), ("sysctl_sched_wakeup_granularity", True),
                     ("sysctl_sched_base_slice", True), ("sysctl_sched_child_runs_first", False),
                     ("sysctl_sched_features", False), ("sysctl_sched_tunable_scaling", False)):
        sysctl.p(name, lambda name=name: prog[name], ns=ns)
    # Names a kernel does not have are expected (they were renamed across versions).
    tasks_by_cpu = {}
    for t in for_each_task(prog):
        try:
            tasks_by_cpu.setdefault(task_cpu(t), []).append(t)
        except Exception:
            pass
    try:
        khz = prog["cpu_khz"].value_()
    except Exception:
        khz = None
    summary = []
    for cpu in cpus:
        rq = compat.cpu_rq(prog, cpu)
        lines.append("")
        lines.append("cpu#%d, %d.%03d MHz" % (cpu, khz // 1000, khz % 1000) if khz else "cpu#%d" % cpu)
        s = Section(ctx, lines)
        nr = s.p("nr_running", lambda: rq.nr_running)
        s.p("nr_switches", lambda: rq.nr_switches)
        s.p("nr_uninterruptible", lambda: rq.nr_uninterruptible)
        s.p("next_balance", lambda: rq.next_balance, ns=True)
        curr_pid = s.p("curr->pid", lambda: rq.curr.pid)
        s.p("clock", lambda: rq.clock, ns=True)
        s.p("clock_task", lambda: rq.clock_task, ns=True)
        s.p("avg_idle", lambda: rq.avg_idle)
        s.p("max_idle_balance_cost", lambda: rq.max_idle_balance_cost)
        lines.append("")
        cfs = rq.cfs
        lines.append("cfs_rq[%d]:/" % cpu)
        c = Section(ctx, lines)
        c.p("exec_clock", lambda: cfs.exec_clock, ns=True)
        c.p("MIN_vruntime", lambda: _entity_vruntime_of_node(prog, cfs.tasks_timeline.rb_leftmost)
            if cfs.tasks_timeline.rb_leftmost else 1, ns=True)
        c.p("min_vruntime", lambda: cfs.min_vruntime, ns=True)
        c.p("nr_spread_over", lambda: cfs.nr_spread_over)
        c.p("nr_running", lambda: cfs.nr_running)
        c.p("h_nr_running", lambda: cfs.h_nr_running)
        c.p("idle_nr_running", lambda: cfs.idle_nr_running)
        c.p("idle_h_nr_running", lambda: cfs.idle_h_nr_running)
        c.p("load", lambda: cfs.load.weight)
        c.p("load_avg", lambda: cfs.avg.load_avg)
        c.p("runnable_avg", lambda: cfs.avg.runnable_avg)
        c.p("util_avg", lambda: cfs.avg.util_avg)
        c.p("util_est_enqueued", lambda: cfs.avg.util_est.enqueued)
        c.p("removed.load_avg", lambda: cfs.removed.load_avg)
        c.p("removed.util_avg", lambda: cfs.removed.util_avg)
        c.p("removed.runnable_avg", lambda: cfs.removed.runnable_avg)
        c.p("tg_load_avg_contrib", lambda: cfs.tg_load_avg_contrib)
        c.p("tg_load_avg", lambda: cfs.tg.load_avg.counter)
        c.p("throttled", lambda: cfs.throttled)
        c.p("throttle_count", lambda: cfs.throttle_count)
        lines.append("")
        rt = rq.rt
        lines.append("rt_rq[%d]:" % cpu)
        r = Section(ctx, lines)
        r.p("rt_nr_running", lambda: rt.rt_nr_running)
        r.p("rt_nr_migratory", lambda: rt.rt_nr_migratory)
        r.p("rt_throttled", lambda: rt.rt_throttled)
        r.p("rt_time", lambda: rt.rt_time, ns=True)
        r.p("rt_runtime", lambda: rt.rt_runtime, ns=True)
        lines.append("")
        dl = rq.dl
        lines.append("dl_rq[%d]:" % cpu)
        d = Section(ctx, lines)
        d.p("dl_nr_running", lambda: dl.dl_nr_running)
        d.p("dl_nr_migratory", lambda: dl.dl_nr_migratory)
        d.p("dl_bw->bw", lambda: rq.rd.dl_bw.bw)
        d.p("dl_bw->total_bw", lambda: rq.rd.dl_bw.total_bw)
        lines.append("")
        # Like the kernel (6.1), "runnable tasks" lists every task whose task_cpu() is this CPU.
        lines.append("runnable tasks:")
        lines.append(" S            task   PID         tree-key  switches  prio     wait-time             sum-exec        sum-sleep")
        lines.append("-" * 109)
        curr = rq.curr.value_()
        shown = 0
        for t in sorted(tasks_by_cpu.get(cpu, []), key=lambda t: t.pid.value_()):
            try:
                st = ">R" if t.value_() == curr else " " + task_state_to_char(t)
                stats = t.stats if compat.has_member(t, "stats") else t.se.statistics

                def stat(name):
                    try:
                        return stats.member_(name).value_()
                    except Exception:
                        return 0

                lines.append("%s %15s %5d %16s %9d %5d %16s %16s %16s" % (
                    st, t.comm.string_().decode("utf-8", "replace"), t.pid.value_(), split_ns(t.se.vruntime.value_()),
                    t.nvcsw.value_() + t.nivcsw.value_(), t.prio.value_(), split_ns(stat("wait_sum")),
                    split_ns(t.se.sum_exec_runtime.value_()), split_ns(stat("sum_sleep_runtime"))))
                shown += 1
            except Exception as e:
                ctx.note("task on cpu %d: %s" % (cpu, e))
        for sec in (s, c, r, d):
            missing.update(sec.missing)
        summary.append({"cpu": cpu, "nr_running": nr, "curr_pid": curr_pid, "tasks": shown})
    text = "\n".join(lines) + "\n"
    ctx.write("debug", text)
    ctx.write_root("sys/kernel/debug/sched/debug", text)
    missing.update(sysctl.missing)
    missing.update(top.missing)
    if missing:
        ctx.note("fields this kernel does not have (left out): %s" % ", ".join(sorted(missing)))
    return {"cpus": summary, "fields_left_out": sorted(missing)}
