"""utsname, banner, taints (letters and names), uptime, crash time, command line, CPUs."""

import datetime

from .. import compat, taints
from ..vmcoreinfo import RawReader


def _uts(prog):
    name = prog["init_uts_ns"].name
    return {f: name.member_(f).string_().decode("utf-8", "replace")
            for f in ("sysname", "nodename", "release", "version", "machine", "domainname")}


def _tainted_string(mask, letters_by_bit):
    # The kernel's print_tainted(): "Tainted: G        W  " -- one column per known flag.
    if not mask:
        return "Not tainted"
    cols = []
    nbits = max(len(letters_by_bit), 1)
    for bit in range(nbits):
        if mask & (1 << bit):
            cols.append(letters_by_bit.get(bit, "?"))
        else:
            cols.append("G" if bit == 0 else " ")
    return "Tainted: " + "".join(cols).rstrip()


def run(ctx):
    prog = ctx.prog
    out = {}
    if ctx.has_debuginfo:
        out["uts"] = _uts(prog)
        out["banner"] = compat.c_string_at(prog, prog["linux_banner"].address_of_().value_()).rstrip("\n")
        mask = prog["tainted_mask"].value_()
        letters = compat.taint_letters(prog) or {b: v[1] for b, v in taints.TAINTS.items()}
        out["taints"] = {
            "mask": mask,
            "string": _tainted_string(mask, letters),
            "letters": "".join(t["letter"] for t in taints.decode(mask, letters)),
            "flags": taints.decode(mask, letters),
        }
        ctx.cache["taint_letters"] = letters
        ctx.try_set(out, "uptime_s", lambda: round(compat.boottime_ns(prog) / 1e9, 3))
        out["uptime_source"] = "timekeeper (tk_core) at its last update"
        ctx.try_set(out, "jiffies", lambda: compat.jiffies(prog))
        ctx.try_set(out, "cmdline", lambda: prog["saved_command_line"].string_().decode("utf-8", "replace"))
        try:
            from drgn.helpers.linux.cpumask import for_each_online_cpu, for_each_possible_cpu

            out["cpus_online"] = len(list(for_each_online_cpu(prog)))
            out["cpus_possible"] = len(list(for_each_possible_cpu(prog)))
        except Exception as e:
            ctx.note("cpus: %s" % e)
        try:
            from drgn.helpers.linux.boot import kaslr_offset

            out["kaslr_offset"] = hex(kaslr_offset(prog))
        except Exception as e:
            ctx.note("kaslr_offset: %s" % e)
        try:
            wall = compat.realtime_s(prog)
        except Exception as e:
            wall = None
            ctx.note("wall clock: %s" % e)
    else:
        reader = RawReader(prog, ctx.vmcoreinfo)
        out["uts"] = reader.utsname()
        out["degraded"] = "no matching debuginfo: utsname read through VMCOREINFO; taints and uptime need a vmlinux"
        wall = None
    crashtime = ctx.vmcoreinfo.get("CRASHTIME")
    if crashtime:
        out["crash_time"] = {"epoch_s": int(crashtime), "source": "VMCOREINFO CRASHTIME (set by the kdump kernel)"}
    elif wall:
        out["crash_time"] = {"epoch_s": wall, "source": "timekeeper wall clock at its last update before the dump"}
    if "crash_time" in out:
        out["crash_time"]["iso"] = datetime.datetime.fromtimestamp(
            out["crash_time"]["epoch_s"], datetime.timezone.utc).isoformat()

    lines = []
    u = out["uts"]
    lines.append("RELEASE:   %s" % u["release"])
    lines.append("VERSION:   %s" % u["version"])
    lines.append("MACHINE:   %s" % u["machine"])
    lines.append("NODENAME:  %s" % u["nodename"])
    if "banner" in out:
        lines.append("BANNER:    %s" % out["banner"])
    if "taints" in out:
        t = out["taints"]
        lines.append("TAINTED:   %s (mask 0x%x)" % (t["string"], t["mask"]))
        for f in t["flags"]:
            lines.append("           %s  TAINT_%s  %s" % (f["letter"], f["name"], f["meaning"]))
    if "uptime_s" in out:
        lines.append("UPTIME:    %.3f s" % out["uptime_s"])
    if "crash_time" in out:
        lines.append("DATE:      %s (%s)" % (out["crash_time"]["iso"], out["crash_time"]["source"]))
    if "cmdline" in out:
        lines.append("CMDLINE:   %s" % out["cmdline"])
    if "cpus_online" in out:
        lines.append("CPUS:      %d online, %d possible" % (out["cpus_online"], out["cpus_possible"]))
    if "degraded" in out:
        lines.append("NOTE:      %s" % out["degraded"])
    ctx.write("kernel_info.txt", "\n".join(lines) + "\n")
    ctx.write("uname", "%s %s %s %s %s\n" % (u["sysname"], u["nodename"], u["release"], u["version"], u["machine"]))
    return out
