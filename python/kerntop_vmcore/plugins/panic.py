"""Why the kernel died and who was running: the ranked panic line from the log, the crashed task
(pid, comm, CPU, state) and its backtrace from the panic call down. The log text goes back to the
TypeScript side, whose log classifier names the report (class, title, guilty function)."""

import re

from .. import compat

# drgn's panic_message() ranking (drgn/helpers/linux/panic.py, 0.0.33+): the first matching class wins.
RANKED = [
    re.compile(r"Kernel panic - .*"),
    re.compile(r"BUG: kernel NULL pointer dereference.*|BUG: unable to handle.*|Unable to handle kernel.*"),
    re.compile(r"[Kk]ernel BUG at.*"),
    re.compile(r"Oops: .*"),
]
TS_PREFIX = re.compile(r"^\[\s*\d+\.\d+\]\s?")

# Frames of panic's own halt loop and printing, above the call that panicked.
PANIC_ENTRY = ("panic", "nmi_panic", "vpanic", "__panic")


def ranked_panic_line(log_text):
    lines = [TS_PREFIX.sub("", l) for l in log_text.splitlines()]
    for pattern in RANKED:
        for line in lines:
            m = pattern.search(line)
            if m:
                return m.group(0).strip()
    return None


def frame_dict(i, frame, prog):
    d = {"index": i, "pc": hex(frame.pc) if frame.pc is not None else None}
    name = None
    try:
        name = frame.name
    except Exception:
        pass
    try:
        sym = frame.symbol()
        d["symbol"] = sym.name
        d["offset"] = hex(frame.pc - sym.address)
        name = name or sym.name
    except Exception:
        pass
    d["function"] = name
    try:
        d["inline"] = bool(frame.is_inline)
    except Exception:
        pass
    try:
        filename, line, _col = frame.source()
        d["file"] = filename
        d["line"] = line
    except Exception:
        pass
    return d


def format_frame(d):
    where = " %s:%s" % (d["file"], d["line"]) if d.get("file") else ""
    off = "+%s" % d["offset"] if d.get("offset") and not d.get("inline") else ""
    inline = " (inlined)" if d.get("inline") else ""
    return "#%-2d %s%s%s%s" % (d["index"], d.get("function") or d.get("pc") or "?", off, inline, where)


def stack_from_panic(frames):
    """Drop the frames above the panic call (delay loop, printk); keep everything when none is panic."""
    for i, f in enumerate(frames):
        if f.get("function") in PANIC_ENTRY or f.get("symbol") in PANIC_ENTRY:
            return frames[i:]
    return frames


def run(ctx):
    prog = ctx.prog
    out = {}
    log_text = ctx.log_text()
    out["log_text"] = log_text
    out["log_source"] = ctx.cache.get("log_source")
    out["panic_line"] = compat.panic_message(prog) if ctx.has_debuginfo else None
    out["panic_line_source"] = "drgn panic_message()" if out["panic_line"] else "ranked log search"
    if not out["panic_line"]:
        out["panic_line"] = ranked_panic_line(log_text)
    if not ctx.has_debuginfo:
        out["degraded"] = "no matching debuginfo: reason from the log only; the crashed task's stack needs a vmlinux"
        ctx.write("panic.txt", "PANIC: %s\n\n%s\n" % (out["panic_line"], out["degraded"]))
        return out
    try:
        out["panic_cpu"] = prog["panic_cpu"].counter.value_()
    except Exception:
        pass
    from drgn.helpers.linux.sched import task_state_to_char

    task, cpu, how = compat.crashed_task(prog)
    crashed = {
        "pid": task.pid.value_(),
        "comm": task.comm.string_().decode("utf-8", "replace"),
        "cpu": cpu,
        "state": task_state_to_char(task),
        "task": hex(task.value_()),
        "found_by": how,
    }
    out["crashed"] = crashed
    frames = []
    trace = prog.stack_trace(task)
    for i, frame in enumerate(trace):
        frames.append(frame_dict(i, frame, prog))
    # A user-entered stack ends in a frame outside the kernel; it is not the kernel's.
    while frames and not frames[-1].get("function"):
        frames.pop()
    out["full_backtrace"] = frames
    out["backtrace"] = stack_from_panic(frames)
    text = ['PANIC: "%s"' % out["panic_line"],
            "PID: %d  COMMAND: \"%s\"  CPU: %d  STATE: %s  TASK: %s" % (
                crashed["pid"], crashed["comm"], crashed["cpu"], crashed["state"], crashed["task"]), ""]
    text += [format_frame(f) for f in out["backtrace"]]
    ctx.write("panic.txt", "\n".join(text) + "\n")
    ctx.write("bt_full.txt", "\n".join(format_frame(f) for f in frames) + "\n")
    return out
