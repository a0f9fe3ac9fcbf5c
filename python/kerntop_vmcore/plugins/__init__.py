"""The plugin table. Each plugin is a module with NAME, DESCRIPTION, KIND ("default", "optional"
or "experimental" — sos's default, optional and ExperimentalPlugin), NEEDS_DEBUGINFO, and
run(ctx) -> dict. A plugin that needs no debuginfo still runs, in part, from VMCOREINFO alone.
src/jobs/vmcore/plugins-select.ts mirrors this table (a unit test keeps the two equal)."""

from . import (dmesg, kernel_info, meminfo, modules, mounts, panic, sched_debug, slabinfo, stacks,
               tasks, vmstat)

# Order is run order: the sections a report shows first are collected first.
PLUGINS = [kernel_info, panic, dmesg, tasks, modules, sched_debug, meminfo, slabinfo, mounts, stacks, vmstat]
BY_NAME = {p.NAME: p for p in PLUGINS}


def describe():
    return [
        {"name": p.NAME, "description": p.DESCRIPTION, "kind": p.KIND, "needs_debuginfo": p.NEEDS_DEBUGINFO}
        for p in PLUGINS
    ]
