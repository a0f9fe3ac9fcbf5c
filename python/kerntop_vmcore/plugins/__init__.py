"""The plugin table is table.json beside this file, the one list both sides read: TypeScript
(src/jobs/vmcore/plugins-select.ts) to choose and show plugins, this package to run them. Each row
names a module here with run(ctx) -> dict; kind is "default", "optional" or "experimental" (sos's
default, optional and ExperimentalPlugin). A plugin that needs no debuginfo still runs, in part,
from VMCOREINFO alone. Modules load only when they run: listing the table needs no drgn."""

import importlib
import json
import os

TABLE_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "table.json")


def describe():
    """The table's rows in run order: the sections a report shows first are collected first."""
    with open(TABLE_PATH, encoding="utf-8") as f:
        return json.load(f)


def load(name):
    """The module that runs plugin NAME (imports drgn through compat, so only when it runs)."""
    return importlib.import_module("." + name, __name__)
