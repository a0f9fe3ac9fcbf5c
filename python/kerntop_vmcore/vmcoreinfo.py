"""What can be read with VMCOREINFO alone, without any debuginfo: the utsname and the kernel log
(lockless printk ring buffer, Linux 5.10+). makedumpfile --dump-dmesg works the same way: the
kernel exports the symbol addresses and structure offsets it needs in VMCOREINFO."""

import struct


def parse(text):
    out = {}
    for line in (text or "").splitlines():
        key, sep, value = line.partition("=")
        if sep:
            out[key] = value
    return out


class RawReader:
    def __init__(self, prog, info):
        self.prog = prog
        self.info = info

    def sym(self, name):
        return int(self.info["SYMBOL(%s)" % name], 16)

    def off(self, name):
        return int(self.info["OFFSET(%s)" % name])

    def size(self, name):
        return int(self.info["SIZE(%s)" % name])

    def u64(self, addr):
        return struct.unpack("<Q", self.prog.read(addr, 8))[0]

    def u32(self, addr):
        return struct.unpack("<I", self.prog.read(addr, 4))[0]

    def u16(self, addr):
        return struct.unpack("<H", self.prog.read(addr, 2))[0]

    def utsname(self):
        base = self.sym("init_uts_ns") + self.off("uts_namespace.name")
        raw = self.prog.read(base, 6 * 65)
        fields = ["sysname", "nodename", "release", "version", "machine", "domainname"]
        out = {}
        for i, f in enumerate(fields):
            chunk = raw[i * 65 : (i + 1) * 65]
            out[f] = chunk.split(b"\0", 1)[0].decode("utf-8", "replace")
        return out

    def printk_records(self):
        """[(ts_ns, level, text)] in sequence order, read from the lockless ring buffer."""
        if "SYMBOL(prb)" not in self.info:
            raise LookupError("VMCOREINFO has no SYMBOL(prb): the kernel predates the lockless printk ring (5.10)")
        prb = self.u64(self.sym("prb"))
        desc_ring = prb + self.off("printk_ringbuffer.desc_ring")
        data_ring = prb + self.off("printk_ringbuffer.text_data_ring")
        count_bits = self.u32(desc_ring + self.off("prb_desc_ring.count_bits"))
        descs = self.u64(desc_ring + self.off("prb_desc_ring.descs"))
        infos = self.u64(desc_ring + self.off("prb_desc_ring.infos"))
        head_id = self.u64(desc_ring + self.off("prb_desc_ring.head_id"))
        tail_id = self.u64(desc_ring + self.off("prb_desc_ring.tail_id"))
        size_bits = self.u32(data_ring + self.off("prb_data_ring.size_bits"))
        data = self.u64(data_ring + self.off("prb_data_ring.data"))
        count = 1 << count_bits
        data_size = 1 << size_bits
        desc_size = self.size("prb_desc")
        info_size = self.size("printk_info")
        sv_off = self.off("prb_desc.state_var")
        lpos_off = self.off("prb_desc.text_blk_lpos")
        begin_off = self.off("prb_data_blk_lpos.begin")
        next_off = self.off("prb_data_blk_lpos.next")
        ts_off = self.off("printk_info.ts_nsec")
        len_off = self.off("printk_info.text_len")
        id_mask = (1 << 62) - 1
        records = []
        i = tail_id
        # ids are 62-bit counters; walk from the oldest to the newest descriptor.
        for _ in range(count):
            idx = i % count
            desc = descs + idx * desc_size
            sv = self.u64(desc + sv_off)
            state = (sv >> 62) & 3
            if (sv & id_mask) == (i & id_mask) and state in (1, 2):  # committed, finalized
                begin = self.u64(desc + lpos_off + begin_off)
                nxt = self.u64(desc + lpos_off + next_off)
                info = infos + idx * info_size
                text_len = self.u16(info + len_off)
                # facility (u8) then a byte holding flags:5 and level:3 follow text_len.
                level = self.prog.read(info + len_off + 3, 1)[0] >> 5
                ts = self.u64(info + ts_off)
                text = ""
                if not begin & 1 and begin != nxt:
                    if (begin >> size_bits) == (nxt >> size_bits):
                        pos = begin & (data_size - 1)
                    else:
                        pos = 0  # the block wrapped: it starts at the beginning of the data ring
                    raw = self.prog.read(data + pos + 8, min(text_len, data_size))
                    text = raw.decode("utf-8", "replace")
                records.append((ts, level, text))
            if i == head_id:
                break
            i = (i + 1) & id_mask
        return records


def format_records(records):
    lines = []
    for ts, _level, text in records:
        prefix = "[%5d.%06d] " % (ts // 1_000_000_000, (ts % 1_000_000_000) // 1000)
        for part in text.split("\n"):
            lines.append(prefix + part)
    return "\n".join(lines) + ("\n" if lines else "")
