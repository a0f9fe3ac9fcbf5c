// The kernel log classifier: crash reports (panics, oopses, sanitizer reports, lockups, stalls, hung
// tasks, OOM kills, machine checks) with syzkaller-style titles and guilty functions, plus errors
// and warnings. One implementation for whole logs (analyzeLog) and the live feed (LogStream, in
// sources/kmsg/log-stream.ts, which turns its findings into events).
export type { CrashReport, LogLineHit, LogAnalysis } from './types.js';
export { analyzeLog, LogAnalyzer } from './analyze.js';
export { decodeLine } from './decode.js';
export { CRASH_FORMATS, type CrashFormat, type CrashClass } from './formats.js';
export { BENIGN_LINES, IO_ERROR_RULES, FS_ERROR_RULES, HW_WARNING_RULES } from './line-rules.js';
export { SKIP_FRAMES } from './frames.js';
