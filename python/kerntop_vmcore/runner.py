"""Opens one vmcore, loads debuginfo, runs the chosen plugins one by one and reports each as a JSON
line on stdout. A failing plugin is recorded (error and traceback) and the next one runs."""

import json
import os
import platform
import signal
import sys
import time
import traceback

from . import PROTOCOL_VERSION, protocol, vmcoreinfo

_proto = None


def emit(obj):
    _proto.write(protocol.line(obj))
    _proto.flush()


class PluginTimeout(Exception):
    pass


class Context:
    def __init__(self, prog, has_debuginfo, info, options, out_dir):
        self.prog = prog
        self.has_debuginfo = has_debuginfo
        self.vmcoreinfo = info
        self.options = options
        self.out_dir = out_dir
        self.cache = {}
        self.plugin = None
        self.files = []
        self.notes = []

    def _write(self, rel, text):
        path = os.path.join(self.out_dir, rel)
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as f:
            f.write(text)
        self.files.append(rel)

    def write(self, name, text):
        self._write(os.path.join("plugins", self.plugin, name), text)

    def write_root(self, rel, text):
        self._write(rel, text)

    def note(self, msg):
        self.notes.append(str(msg))

    def try_set(self, d, key, fn):
        try:
            d[key] = fn()
        except Exception as e:
            self.note("%s: %s: %s" % (key, type(e).__name__, e))

    def log_text(self):
        if "log_text" not in self.cache:
            text, source, err = None, None, None
            if self.has_debuginfo:
                try:
                    from drgn.helpers.linux.printk import get_dmesg

                    text = get_dmesg(self.prog).decode("utf-8", "replace")
                    source = "drgn get_dmesg()"
                except Exception as e:
                    err = "get_dmesg: %s" % e
            if text is None:
                recs = vmcoreinfo.RawReader(self.prog, self.vmcoreinfo).printk_records()
                text = vmcoreinfo.format_records(recs)
                source = "printk ring read through VMCOREINFO (no debuginfo)"
                if err:
                    self.note(err)
            self.cache["log_text"] = text
            self.cache["log_source"] = source
        return self.cache["log_text"]


def _classify_open_error(e):
    msg = str(e)
    if isinstance(e, PermissionError):
        return "permission"
    if isinstance(e, FileNotFoundError):
        return "not_found"
    if "unrecognized QEMU memory dump" in msg or "VMCOREINFO" in msg.upper():
        return "no_vmcoreinfo"
    if "KDUMP_ATTR_ARCH_NAME" in msg:
        return "kdump_arch"
    if "not an ELF core" in msg or "not a kdump" in msg.lower():
        return "not_core"
    return "open_failed"


def _find_module_debuginfo(names, dirs):
    """{module name: path} of NAME.ko files under the given directories (kernel names '-' or '_')."""
    wanted = {}
    for n in names:
        wanted[n + ".ko"] = n
        wanted[n.replace("_", "-") + ".ko"] = n
        wanted[n + ".ko.debug"] = n
    found = {}
    for d in dirs:
        if not os.path.isdir(d):
            continue
        for root, _dirs, files in os.walk(d):
            for f in files:
                n = wanted.get(f)
                if n and n not in found:
                    found[n] = os.path.join(root, f)
    return found


def _load_debuginfo(prog, cfg):
    import drgn

    t0 = time.monotonic()
    ev = {"type": "debuginfo", "vmlinux": cfg.get("vmlinux"), "modules_loaded": [], "modules_missing": []}
    try:
        prog.load_debug_info([cfg["vmlinux"]])
    except drgn.MissingDebugInfoError as e:
        ev["warning"] = str(e)
    try:
        prog["init_task"]
    except KeyError:
        ev.update(ok=False, error="the vmlinux loaded but holds no kernel symbols (init_task not found)",
                  time_s=round(time.monotonic() - t0, 3))
        return False, ev
    from . import compat

    try:
        names = [m.name.string_().decode() for m in compat.for_each_module(prog)]
    except Exception as e:
        names = []
        ev["warning"] = "could not list modules: %s" % e
    found = _find_module_debuginfo(names, cfg.get("module_debuginfo_dirs") or [])
    if found:
        try:
            prog.load_debug_info(list(found.values()))
        except drgn.MissingDebugInfoError as e:
            ev["warning"] = str(e)
        except Exception as e:
            ev["warning"] = "module debuginfo: %s" % e
    ev["modules_loaded"] = sorted(found)
    ev["modules_missing"] = sorted(set(names) - set(found))
    ev.update(ok=True, time_s=round(time.monotonic() - t0, 3))
    return True, ev


def _on_alarm(_sig, _frame):
    raise PluginTimeout()


def _die_with_parent():
    """PR_SET_PDEATHSIG: the kernel kills the collector if kerntop dies, even by SIGKILL."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:
        pass
    if os.getppid() == 1:  # the parent is already gone
        os._exit(1)


def main(argv):
    global _proto
    _die_with_parent()
    # The protocol owns the real stdout; anything else printed (by plugins, drgn, warnings) goes to stderr.
    _proto = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    os.umask(0o077)  # dumps hold secrets: files 0600, directories 0700
    t_start = time.monotonic()
    cfg = json.load(sys.stdin if len(argv) < 2 or argv[1] == "-" else open(argv[1]))
    try:
        import drgn
    except ImportError as e:
        emit({"type": "fatal", "kind": "no_drgn", "message": "drgn does not import in %s: %s" % (sys.executable, e)})
        return 2
    from . import compat
    from . import plugins

    emit({"type": "hello", "protocol": PROTOCOL_VERSION, "drgn_version": compat.VERSION, "python": platform.python_version(),
          "python_executable": sys.executable, "libkdumpfile": bool(getattr(drgn, "_with_libkdumpfile", False)),
          "helpers": compat.HELPERS, "pid": os.getpid()})
    prog = drgn.Program()
    t0 = time.monotonic()
    try:
        prog.set_core_dump(cfg["vmcore"])
    except Exception as e:
        emit({"type": "open", "ok": False, "kind": _classify_open_error(e), "error": "%s: %s" % (type(e).__name__, e),
              "time_s": round(time.monotonic() - t0, 3)})
        emit({"type": "done", "time_s": round(time.monotonic() - t_start, 3)})
        return 2
    emit({"type": "open", "ok": True, "time_s": round(time.monotonic() - t0, 3)})
    has_debuginfo = False
    if cfg.get("vmlinux"):
        try:
            has_debuginfo, ev = _load_debuginfo(prog, cfg)
        except Exception as e:
            ev = {"type": "debuginfo", "ok": False, "vmlinux": cfg["vmlinux"], "error": "%s: %s" % (type(e).__name__, e)}
        emit(ev)
    info = vmcoreinfo.parse(cfg.get("vmcoreinfo") or "")
    ctx = Context(prog, has_debuginfo, info, cfg.get("options") or {}, cfg["out_dir"])
    if has_debuginfo:
        ctx.cache["modules_without_debuginfo"] = ev.get("modules_missing", [])
    timeout = int(cfg.get("plugin_timeout_s") or 300)
    signal.signal(signal.SIGALRM, _on_alarm)
    table = {p["name"]: p for p in plugins.describe()}
    for name in cfg.get("plugins") or []:
        info = table.get(name)
        emit(protocol.plugin_start(name))
        t0 = time.monotonic()
        ctx.plugin, ctx.files, ctx.notes = name, [], []
        if info is None:
            end = dict(ok=False, error="no plugin named %s" % name)
        elif info["needs_debuginfo"] and not has_debuginfo:
            end = dict(ok=False, skipped=True, error="needs the matching vmlinux (no debuginfo loaded)")
        else:
            signal.alarm(timeout)
            try:
                end = dict(ok=True, data=plugins.load(name).run(ctx))
            except PluginTimeout:
                end = dict(ok=False, error="timed out after %d s" % timeout)
            except Exception as e:
                end = dict(ok=False, error="%s: %s" % (type(e).__name__, e), traceback=traceback.format_exc())
            finally:
                signal.alarm(0)
        emit(protocol.plugin_end(name, time_s=time.monotonic() - t0, files=ctx.files, notes=ctx.notes, **end))
    emit({"type": "done", "time_s": round(time.monotonic() - t_start, 3)})
    return 0
