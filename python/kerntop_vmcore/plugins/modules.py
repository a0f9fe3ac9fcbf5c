"""Loaded modules (crash's mod / lsmod): name, size, state, reference count and taint letters."""

from .. import compat, taints


def run(ctx):
    prog = ctx.prog
    letters = ctx.cache.get("taint_letters") or compat.taint_letters(prog) or {b: v[1] for b, v in taints.TAINTS.items()}
    mods = []
    for mod in compat.for_each_module(prog):
        m = {"name": mod.name.string_().decode("utf-8", "replace"), "address": hex(mod.value_())}
        ctx.try_set(m, "size", lambda: compat.module_size(mod))
        ctx.try_set(m, "state", lambda: mod.state.format_(type_name=False).replace("MODULE_STATE_", "").lower())
        ctx.try_set(m, "refcnt", lambda: mod.refcnt.counter.value_() if compat.has_member(mod, "refcnt") else None)
        try:
            mask = mod.taints.value_()
        except Exception:
            mask = 0
        m["taint_mask"] = mask
        m["taints"] = "".join(t["letter"] for t in taints.decode(mask, letters))
        mods.append(m)
    lines = ["%-24s %10s  %-8s %6s  %s" % ("MODULE", "SIZE", "STATE", "REFS", "TAINTS")]
    for m in mods:
        lines.append("%-24s %10s  %-8s %6s  %s" % (
            m["name"], m.get("size", "?"), m.get("state", "?"), m.get("refcnt", "?"), m["taints"] or "-"))
    ctx.write("lsmod.txt", "\n".join(lines) + "\n")
    missing = ctx.cache.get("modules_without_debuginfo", [])
    return {"modules": mods, "count": len(mods), "tainting": [m["name"] for m in mods if m["taint_mask"]],
            "without_debuginfo": missing}
