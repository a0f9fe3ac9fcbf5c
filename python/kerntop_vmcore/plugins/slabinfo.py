"""The slab caches holding the most memory (top N by bytes in slabs), from SLUB's per-node slab and
object counts; drgn's slab_cache_usage() when this drgn has it."""

from .. import compat


def _cache_usage(prog, s, page):
    from drgn.helpers.linux.nodemask import for_each_online_node

    order = s.oo.x.value_() >> 16  # OO_SHIFT
    slabs = objects = 0
    for nid in for_each_online_node(prog):
        n = s.node[nid]
        if not n:
            continue
        slabs += n.nr_slabs.counter.value_()
        objects += n.total_objects.counter.value_()
    return {"slabs": slabs, "objects": objects, "bytes": slabs * (page << order), "order": order}


def _usage_with_helper(s, page):
    # drgn 0.0.33+: counts every slab, including per-CPU partial ones SLUB's node counters miss.
    u = compat.slab_cache_usage(s)
    order = s.oo.x.value_() >> 16
    return {"slabs": u.num_slabs, "objects": u.num_objs, "bytes": u.num_slabs * (page << order), "order": order}


def run(ctx):
    prog = ctx.prog
    from drgn.helpers.linux.slab import for_each_slab_cache

    top_n = int(ctx.options.get("slab_top_n", 20))
    page = int(ctx.vmcoreinfo.get("PAGESIZE", 4096))
    caches = []
    failed = 0
    for s in for_each_slab_cache(prog):
        c = {"name": s.name.string_().decode("utf-8", "replace"), "objsize": s.object_size.value_(),
             "size": s.size.value_()}
        try:
            c.update(_usage_with_helper(s, page) if compat.HELPERS["slab_cache_usage"] else _cache_usage(prog, s, page))
        except Exception as e:
            failed += 1
            if failed == 1:
                ctx.note("slab counts (SLUB nr_slabs/total_objects): %s" % e)
            continue
        caches.append(c)
    caches.sort(key=lambda c: c["bytes"], reverse=True)
    top = caches[:top_n]
    lines = ["%-28s %8s %10s %8s %5s %12s" % ("CACHE", "OBJSIZE", "OBJECTS", "SLABS", "ORDER", "BYTES")]
    for c in top:
        lines.append("%-28s %8d %10d %8d %5d %12d" % (c["name"], c["objsize"], c["objects"], c["slabs"], c["order"], c["bytes"]))
    ctx.write("slabinfo_top.txt", "\n".join(lines) + "\n")
    return {"caches": len(caches), "top": top, "total_bytes": sum(c["bytes"] for c in caches), "uncounted": failed}
