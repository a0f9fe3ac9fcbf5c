"""The collector's stdout protocol: one JSON object per line. The schema is
src/jobs/vmcore/protocol.ts; test/unit/vmcore-protocol.test.ts runs what this module writes through
it. Plugin progress (plugin.start, plugin.end) is built only here."""

import json


def line(obj):
    """One protocol line; values JSON cannot hold (drgn objects, paths) become their str()."""
    return json.dumps(obj, default=str) + "\n"


def plugin_start(name):
    return {"type": "plugin.start", "name": name}


def plugin_end(name, ok, time_s, files, notes, error=None, skipped=False, traceback=None, data=None):
    """ok: run(ctx) returned data; skipped: not run at all (error says why); else failed with error."""
    ev = {"type": "plugin.end", "name": name, "ok": bool(ok)}
    if ok:
        ev["data"] = data
    if skipped:
        ev["skipped"] = True
    if error is not None:
        ev["error"] = error
    if traceback is not None:
        ev["traceback"] = traceback
    ev.update(time_s=round(time_s, 3), files=list(files), notes=list(notes))
    return ev
