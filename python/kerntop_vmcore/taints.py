"""Kernel taint bits: kernel's own names (include/linux/panic.h) and meanings
(Documentation/admin-guide/tainted-kernels.rst). Letters are read from the dump's taint_flags[] when
it has one; this table supplies the names and the letters for kernels without it."""

# bit: (name, letter when set, meaning)
TAINTS = {
    0: ("PROPRIETARY_MODULE", "P", "proprietary module was loaded"),
    1: ("FORCED_MODULE", "F", "module was force loaded"),
    2: ("CPU_OUT_OF_SPEC", "S", "kernel running on an out of specification system"),
    3: ("FORCED_RMMOD", "R", "module was force unloaded"),
    4: ("MACHINE_CHECK", "M", "processor reported a Machine Check Exception"),
    5: ("BAD_PAGE", "B", "bad page referenced or some unexpected page flags"),
    6: ("USER", "U", "taint requested by userspace application"),
    7: ("DIE", "D", "kernel died recently, i.e. there was an OOPS or BUG"),
    8: ("OVERRIDDEN_ACPI_TABLE", "A", "ACPI table overridden by user"),
    9: ("WARN", "W", "kernel issued warning"),
    10: ("CRAP", "C", "staging driver was loaded"),
    11: ("FIRMWARE_WORKAROUND", "I", "workaround for bug in platform firmware applied"),
    12: ("OOT_MODULE", "O", "externally-built (out-of-tree) module was loaded"),
    13: ("UNSIGNED_MODULE", "E", "unsigned module was loaded"),
    14: ("SOFTLOCKUP", "L", "soft lockup occurred"),
    15: ("LIVEPATCH", "K", "kernel has been live patched"),
    16: ("AUX", "X", "auxiliary taint, defined for and used by distros"),
    17: ("RANDSTRUCT", "T", "kernel was built with the struct randomization plugin"),
    18: ("TEST", "N", "an in-kernel test has been run"),
    19: ("FWCTL", "J", "userspace used a mutating debug operation in fwctl"),
}


def decode(mask, letters=None):
    """[{bit, letter, name, meaning}] for each set bit; letters maps bit -> letter from the dump."""
    out = []
    for bit in range(64):
        if not mask & (1 << bit):
            continue
        name, letter, meaning = TAINTS.get(bit, ("BIT_%d" % bit, "?", "unknown taint bit"))
        if letters and bit in letters:
            letter = letters[bit]
        out.append({"bit": bit, "letter": letter, "name": name, "meaning": meaning})
    return out
