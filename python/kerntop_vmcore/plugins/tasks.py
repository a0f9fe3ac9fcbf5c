"""A ps of every task (crash's ps: '>' marks the task running on a CPU) and the stacks of tasks in
uninterruptible sleep (D), which are the usual suspects of a hang."""

from .. import compat
from .panic import format_frame, frame_dict

D_STACKS_MAX = 200


def run(ctx):
    prog = ctx.prog
    from drgn.helpers.linux.pid import for_each_task
    from drgn.helpers.linux.sched import task_cpu, task_state_to_char

    running = set()
    from drgn.helpers.linux.cpumask import for_each_online_cpu

    for cpu in for_each_online_cpu(prog):
        try:
            running.add(compat.cpu_rq(prog, cpu).curr.value_())
        except Exception as e:
            ctx.note("runqueue of cpu %d: %s" % (cpu, e))
    rows = []
    by_state = {}
    d_tasks = []
    for task in for_each_task(prog):
        try:
            st = task_state_to_char(task)
            row = {
                "pid": task.pid.value_(),
                "ppid": task.real_parent.pid.value_() if task.real_parent else 0,
                "cpu": task_cpu(task),
                "state": st,
                "comm": task.comm.string_().decode("utf-8", "replace"),
                "task": hex(task.value_()),
                "on_cpu": task.value_() in running,
                "kthread": not bool(task.mm),
            }
        except Exception as e:
            ctx.note("task %s: %s" % (hex(task.value_()), e))
            continue
        rows.append(row)
        by_state[st] = by_state.get(st, 0) + 1
        if st == "D":
            d_tasks.append((row, task))
    rows.sort(key=lambda r: r["pid"])
    lines = ["   PID    PPID  CPU  TASK                ST  COMM"]
    for r in rows:
        comm = "[%s]" % r["comm"] if r["kthread"] else r["comm"]
        lines.append("%s%6d  %6d  %3d  %s  %-2s  %s" % (
            ">" if r["on_cpu"] else " ", r["pid"], r["ppid"], r["cpu"], r["task"], r["state"], comm))
    ctx.write("ps.txt", "\n".join(lines) + "\n")
    d_out = []
    stack_lines = []
    for row, task in d_tasks[:D_STACKS_MAX]:
        try:
            frames = [frame_dict(i, f, prog) for i, f in enumerate(prog.stack_trace(task))]
        except Exception as e:
            frames = []
            ctx.note("stack of pid %d: %s" % (row["pid"], e))
        d_out.append(dict(row, stack=[f.get("function") for f in frames]))
        stack_lines.append("PID: %d  COMMAND: \"%s\"  CPU: %d" % (row["pid"], row["comm"], row["cpu"]))
        stack_lines += ["  " + format_frame(f) for f in frames]
        stack_lines.append("")
    ctx.write("d_state_stacks.txt", "\n".join(stack_lines) + ("\n" if stack_lines else "no task in D state\n"))
    return {
        "total": len(rows),
        "by_state": by_state,
        "running": [r for r in rows if r["on_cpu"]],
        "d_state": d_out,
        "d_state_truncated": len(d_tasks) > D_STACKS_MAX,
    }
