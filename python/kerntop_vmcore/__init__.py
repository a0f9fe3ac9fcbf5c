"""kerntop's crash-dump collector: drgn plugins run over one vmcore, reported as JSON lines.

The TypeScript job (src/jobs/vmcore/job.ts) starts `python3 -m kerntop_vmcore CONFIG.json`, reads one
JSON object per stdout line, and builds the sos-style archive around the files the plugins write.
"""

PROTOCOL_VERSION = 1
