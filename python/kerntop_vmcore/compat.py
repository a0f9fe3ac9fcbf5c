"""One place that knows which drgn this is. Debian 12 ships drgn 0.0.22, which lacks helpers for
modules, taints, uptime, runqueues and panics; newer drgn has them. Each function here uses the
newer helper when it imports and reads the kernel's structures by hand otherwise."""

import importlib

import drgn
from drgn import Object, cast

VERSION = getattr(drgn, "__version__", "unknown")


def _try(module, name):
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


# Newer helpers, None where this drgn lacks them.
_for_each_module = _try("drgn.helpers.linux.module", "for_each_module")
_cpu_rq = _try("drgn.helpers.linux.sched", "cpu_rq")
_cpu_curr = _try("drgn.helpers.linux.sched", "cpu_curr")
_panic_message = _try("drgn.helpers.linux.panic", "panic_message")
_panic_task = _try("drgn.helpers.linux.panic", "panic_task")
_slab_cache_usage = _try("drgn.helpers.linux.slab", "slab_cache_usage")

HELPERS = {
    "for_each_module": _for_each_module is not None,
    "cpu_rq": _cpu_rq is not None,
    "cpu_curr": _cpu_curr is not None,
    "panic_message": _panic_message is not None,
    "panic_task": _panic_task is not None,
    "slab_cache_usage": _slab_cache_usage is not None,
}


def has_member(obj, name):
    try:
        obj.member_(name)
        return True
    except LookupError:
        return False


def for_each_module(prog):
    if _for_each_module is not None:
        yield from _for_each_module(prog)
        return
    from drgn.helpers.linux.list import list_for_each_entry

    yield from list_for_each_entry("struct module", prog["modules"].address_of_(), "list")


def module_size(mod):
    """Bytes of the module's resident image, as lsmod shows."""
    if has_member(mod, "mem"):  # 6.4+: per-type regions
        total = 0
        for i in range(len(mod.mem)):
            try:
                total += mod.mem[i].size.value_()
            except Exception:
                pass
        return total
    if has_member(mod, "core_layout"):  # 4.5 .. 6.3
        return mod.core_layout.size.value_()
    return mod.core_size.value_()  # older


def cpu_rq(prog, cpu):
    if _cpu_rq is not None:
        return _cpu_rq(prog, cpu)
    from drgn.helpers.linux.percpu import per_cpu

    return per_cpu(prog["runqueues"], cpu)


def c_string_at(prog, address, limit=4096):
    data = prog.read(address, limit)
    end = data.find(b"\0")
    return data[: end if end >= 0 else limit].decode("utf-8", "replace")


def taint_letters(prog):
    """{bit: letter} from the kernel's own taint_flags[] (or tnts[] before 4.10)."""
    for table in ("taint_flags", "tnts"):
        try:
            arr = prog[table]
        except KeyError:
            continue
        out = {}
        for i in range(len(arr)):
            entry = arr[i]
            c = entry.c_true.value_() if has_member(entry, "c_true") else entry.true.value_()
            out[i] = chr(c)
        return out
    return {}


def module_taint_bits(prog):
    """Bits that a module can carry (taint_flags[].module)."""
    try:
        arr = prog["taint_flags"]
    except KeyError:
        return set()
    return {i for i in range(len(arr)) if arr[i].module.value_()}


def jiffies(prog):
    # `jiffies` is a linker alias of jiffies_64 with no DWARF entry of its own.
    for name in ("jiffies_64", "jiffies"):
        try:
            return prog[name].value_()
        except KeyError:
            continue
    return None


def timekeeper(prog):
    return prog["tk_core"].timekeeper


def boottime_ns(prog):
    """CLOCK_BOOTTIME at the timekeeper's last update (drgn's uptime() reads the same)."""
    tk = timekeeper(prog)
    mono = tk.tkr_mono.base.value_() + (tk.tkr_mono.xtime_nsec.value_() >> tk.tkr_mono.shift.value_())
    return mono + tk.offs_boot.value_()


def realtime_s(prog):
    return timekeeper(prog).xtime_sec.value_()


def panic_message(prog):
    if _panic_message is None:
        return None
    try:
        return _panic_message(prog)
    except Exception:
        return None


def slab_cache_usage(s):
    return _slab_cache_usage(s)


def crashed_task(prog):
    """(task object, cpu, how it was found). Prefers drgn's panic_task() when present."""
    if _panic_task is not None:
        try:
            t = _panic_task(prog)
            if t is not None:
                from drgn.helpers.linux.sched import task_cpu

                return t, task_cpu(t), "panic_task()"
        except Exception:
            pass
    thread = prog.crashed_thread()
    task = thread.object
    from drgn.helpers.linux.sched import task_cpu

    return task, task_cpu(task), "crashed_thread()"
