"""The kernel stack of every task (crash's foreach bt). Large on busy machines, so optional (-e stacks)."""

from .panic import format_frame, frame_dict


def run(ctx):
    prog = ctx.prog
    from drgn.helpers.linux.pid import for_each_task
    from drgn.helpers.linux.sched import task_state_to_char

    out = []
    n = failed = 0
    for task in for_each_task(prog):
        n += 1
        out.append("PID: %d  COMMAND: \"%s\"  STATE: %s" % (
            task.pid.value_(), task.comm.string_().decode("utf-8", "replace"), task_state_to_char(task)))
        try:
            for i, f in enumerate(prog.stack_trace(task)):
                out.append("  " + format_frame(frame_dict(i, f, prog)))
        except Exception as e:
            failed += 1
            out.append("  (no stack: %s)" % e)
        out.append("")
    ctx.write("stacks.txt", "\n".join(out) + "\n")
    return {"tasks": n, "failed": failed}
