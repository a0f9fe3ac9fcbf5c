"""Mounted filesystems of the initial mount namespace, in /proc/mounts order and form."""


def run(ctx):
    from drgn.helpers.linux.fs import for_each_mount, mount_dst, mount_fstype, mount_src

    rows = []
    for mnt in for_each_mount(ctx.prog):
        rows.append({"source": mount_src(mnt).decode("utf-8", "replace"),
                     "target": mount_dst(mnt).decode("utf-8", "replace"),
                     "fstype": mount_fstype(mnt).decode("utf-8", "replace")})
    ctx.write("mounts.txt", "".join("%s %s %s\n" % (r["source"], r["target"], r["fstype"]) for r in rows))
    return {"mounts": rows}
