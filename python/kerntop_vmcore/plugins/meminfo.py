"""Memory at the crash, as crash's `kmem -i` prints it: total, free, used, shared, buffers, cached,
slab, huge pages, swap, commit limit and committed. Counters are the global vmstat values (per-CPU
deltas not folded in, as /proc/meminfo)."""

from .. import compat


def _atomic(obj):
    return obj.counter.value_() if compat.has_member(obj, "counter") else obj.value_()


def human(nbytes):
    for unit, div in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if nbytes >= div:
            v = nbytes / div
            return ("%d %s" if v == int(v) else "%.1f %s") % (v, unit)
    return "%d" % nbytes


def run(ctx):
    prog = ctx.prog
    page = prog["PAGE_SIZE"].value_() if _has(prog, "PAGE_SIZE") else int(ctx.vmcoreinfo.get("PAGESIZE", 4096))

    def zone_stat(name):
        return _atomic(prog["vm_zone_stat"][prog[name].value_()])

    def node_stat(name):
        return _atomic(prog["vm_node_stat"][prog[name].value_()])

    rows = {}
    notes = []

    def get(key, fn):
        try:
            rows[key] = int(fn())
        except Exception as e:
            notes.append("%s: %s" % (key, e))

    get("total", lambda: _atomic(prog["_totalram_pages"]) if _has(prog, "_totalram_pages") else prog["totalram_pages"].value_())
    get("free", lambda: zone_stat("NR_FREE_PAGES"))
    if "total" in rows and "free" in rows:
        rows["used"] = rows["total"] - rows["free"]
    get("shared", lambda: node_stat("NR_SHMEM"))
    get("buffers", lambda: _blockdev_pages(prog))
    get("swapcache", lambda: node_stat("NR_SWAPCACHE"))
    try:
        rows["cached"] = node_stat("NR_FILE_PAGES") - rows.get("swapcache", 0) - rows.get("buffers", 0)
    except Exception as e:
        notes.append("cached: %s" % e)
    get("slab", lambda: node_stat("NR_SLAB_RECLAIMABLE_B") + node_stat("NR_SLAB_UNRECLAIMABLE_B"))
    get("huge_total", lambda: _huge(prog, "nr_huge_pages"))
    get("huge_free", lambda: _huge(prog, "free_huge_pages"))
    get("swap_total", lambda: prog["total_swap_pages"].value_())
    get("swap_free", lambda: _atomic(prog["nr_swap_pages"]))
    if "swap_total" in rows and "swap_free" in rows:
        rows["swap_used"] = rows["swap_total"] - rows["swap_free"]
    get("commit_limit", lambda: _commit_limit(prog, rows, page))
    get("committed", lambda: _percpu_counter_sum(prog, prog["vm_committed_as"]))

    def line(label, key, of=None, of_label=None):
        if key not in rows:
            return "%13s   %9s" % (label, "?")
        pages = rows[key]
        pct = "----" if of is None else ("%3d%% of %s" % (100 * pages // rows[of], of_label) if rows.get(of) else "  0%% of %s" % of_label)
        return "%13s  %9d  %11s  %s" % (label, pages, human(pages * page), pct)

    lines = ["                 PAGES        TOTAL      PERCENTAGE",
             line("TOTAL MEM", "total"), line("FREE", "free", "total", "TOTAL MEM"),
             line("USED", "used", "total", "TOTAL MEM"), line("SHARED", "shared", "total", "TOTAL MEM"),
             line("BUFFERS", "buffers", "total", "TOTAL MEM"), line("CACHED", "cached", "total", "TOTAL MEM"),
             line("SLAB", "slab", "total", "TOTAL MEM"), "",
             line("TOTAL HUGE", "huge_total"), line("HUGE FREE", "huge_free", "huge_total", "TOTAL HUGE"), "",
             line("TOTAL SWAP", "swap_total"), line("SWAP USED", "swap_used", "swap_total", "TOTAL SWAP"),
             line("SWAP FREE", "swap_free", "swap_total", "TOTAL SWAP"), "",
             line("COMMIT LIMIT", "commit_limit"), line("COMMITTED", "committed", "commit_limit", "TOTAL LIMIT")]
    ctx.write("kmem_i.txt", "\n".join(lines) + "\n")
    for n in notes:
        ctx.note(n)
    return {"page_size": page, "pages": rows, "left_out": notes}


def _has(prog, name):
    try:
        prog[name]
        return True
    except KeyError:
        return False


def _blockdev_pages(prog):
    # nr_blockdev_pages(): page cache of every block device inode.
    from drgn.helpers.linux.list import list_for_each_entry

    total = 0
    sb = prog["blockdev_superblock"]
    for inode in list_for_each_entry("struct inode", sb.s_inodes.address_of_(), "i_sb_list"):
        total += inode.i_mapping.nrpages.value_()
    return total


def _huge(prog, field):
    total = 0
    n = prog["hugetlb_max_hstate"].value_()
    for i in range(n):
        h = prog["hstates"][i]
        total += h.member_(field).value_() << h.order.value_()
    return total


def _percpu_counter_sum(prog, counter):
    from drgn.helpers.linux.cpumask import for_each_online_cpu
    from drgn.helpers.linux.percpu import per_cpu_ptr

    total = counter.count.value_()
    for cpu in for_each_online_cpu(prog):
        total += per_cpu_ptr(counter.counters, cpu)[0].value_()
    return max(total, 0)


def _commit_limit(prog, rows, page):
    kbytes = prog["sysctl_overcommit_kbytes"].value_()
    if kbytes:
        allowed = kbytes * 1024 // page
    else:
        ratio = prog["sysctl_overcommit_ratio"].value_()
        allowed = (rows["total"] - rows.get("huge_total", 0)) * ratio // 100
    return allowed + rows.get("swap_total", 0)
