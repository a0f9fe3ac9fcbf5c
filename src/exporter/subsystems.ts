// Which kernel-log classes the exporter always reports (a zero counter is a series an alert can
// rate() over from the first scrape). Derived from the log classifier's own tables.
import { CRASH_FORMATS } from '../knowledge/log-classifier/index.js';
import { HEADERLESS_OOPS } from '../knowledge/log-classifier/formats.js';
import type { lineEventKind } from '../knowledge/log-classifier/line-rules.js';

type LineKind = NonNullable<ReturnType<typeof lineEventKind>>['subsystem'];
/** Single-line findings of the classifier (line-rules.ts), besides its crash-report formats. */
const LINE_KINDS: readonly LineKind[] = ['io_error', 'fs_error', 'mce'];

export const KERNEL_LOG_CLASSES: readonly string[] = [
  ...new Set<string>([...CRASH_FORMATS.map((f) => f.subsystem), HEADERLESS_OOPS.subsystem, ...LINE_KINDS]),
].sort();
