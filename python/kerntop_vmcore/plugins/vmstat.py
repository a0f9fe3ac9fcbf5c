"""Every global vmstat counter (zone, node and NUMA items) by its kernel enum name, like
/proc/vmstat. Experimental: enum layouts move between kernel versions."""


def run(ctx):
    prog = ctx.prog
    rows = []
    for array, enum_type in (("vm_zone_stat", "enum zone_stat_item"), ("vm_node_stat", "enum node_stat_item"),
                             ("vm_numa_event", "enum numa_stat_item")):
        try:
            arr = prog[array]
            enumerators = prog.type(enum_type).enumerators
        except (KeyError, LookupError):
            continue
        for e in enumerators:
            if e.value < len(arr) and not e.name.startswith("NR_VM_"):
                v = arr[e.value]
                v = v.counter.value_() if hasattr(v, "counter") else v.value_()
                rows.append((e.name.lower(), v))
    ctx.write("vmstat", "".join("%s %d\n" % r for r in rows))
    return {"counters": len(rows)}
