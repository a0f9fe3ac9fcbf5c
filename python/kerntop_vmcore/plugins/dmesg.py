"""The whole kernel log, as dmesg prints it. Reads the ring buffer through VMCOREINFO when there is
no debuginfo, so even a dump without a matching vmlinux shows why it crashed."""


def run(ctx):
    text = ctx.log_text()
    ctx.write("dmesg.txt", text)
    lines = text.splitlines()
    return {"lines": len(lines), "bytes": len(text.encode()), "source": ctx.cache.get("log_source"), "file": "dmesg.txt"}
