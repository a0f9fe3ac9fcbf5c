import type { KmsgRecord } from '../kernel-log/record.js';
import type { Severity } from '../severity.js';
import { ACTION_TEXT, RECOVERY_ACTIONS, xidInfo, type XidActionCode, type XidClass } from './catalog.js';
import { normalizePci } from './pci.js';
import {
  parseBoardSerial,
  parseGpuAt,
  parseRateLimit,
  parseXidLine,
  RE_FALLEN_HEAD,
  RE_FALLEN_TAIL,
  type NvlinkDetail,
  type XidLine,
} from './parse.js';

export interface GpuInfo {
  pci: string;
  index?: number;
  name?: string;
  uuid?: string;
  serial?: string;
  /** The driver prints only 1 of every N of some errors for this GPU: log counts undercount. */
  rate_limit_every?: number;
}

/** One Xid as an operator sees it; the JSON form of `kerntop xid --json`. */
export interface XidEvent {
  xid: number;
  gpu: { pci: string | null; index?: number; name?: string; uuid?: string };
  pid?: number | null;
  process?: string | null;
  message: string;
  /** Short name of the Xid from the catalog. */
  name: string;
  class: XidClass;
  severity: Severity;
  /** The recommended action in words, and as a code. */
  action: string;
  action_code: XidActionCode;
  seq: number;
  ts_us: number;
  wall?: string;
  /** Wall-clock ms of the event: arrival for live records, else derived from the record. */
  time_ms?: number;
  form: 'xid' | 'fallen-off';
  gpu_instance?: number;
  compute_instance?: number;
  caused_by?: number;
  channel?: string;
  nvlink?: NvlinkDetail;
  recovery?: XidLine['recovery'];
}

/** Records seen within this many µs (or records, when times are unknown) count as one bus loss. */
const FALLEN_DEDUP_US = 10_000_000;
const FALLEN_DEDUP_RECORDS = 20;

interface RecordLike extends Pick<KmsgRecord, 'seq' | 'ts_us' | 'text'> {
  wall?: string;
  arrival_ms?: number;
  wall_ms?: number;
}

/**
 * Turns kernel log records into Xid events: parses the lines, learns PCI -> UUID from the driver's
 * "GPU at PCI" lines, joins what nvidia-smi knows (index, name), decodes Xid 154 and NVLink5 details,
 * and reports a bus loss printed without an Xid line as Xid 79 (once, even when the driver also
 * prints the Xid 79 line).
 */
export class XidTracker {
  readonly gpus = new Map<string, GpuInfo>();
  private lastGpuAt: string | null = null;
  private fallenHead: { pci: string | null; index: number } | null = null;
  private records = 0;
  private lastBusLoss = new Map<string, { ts_us: number; index: number; form: XidLine['form'] }>();

  constructor(gpus: GpuInfo[] = []) {
    for (const g of gpus) this.gpus.set(g.pci, { ...g });
  }

  /** Adds what nvidia-smi (or another source) knows about a GPU. */
  learn(g: GpuInfo): void {
    const cur = this.gpus.get(g.pci) ?? { pci: g.pci };
    for (const [k, v] of Object.entries(g)) if (v !== undefined) (cur as unknown as Record<string, unknown>)[k] = v;
    this.gpus.set(g.pci, cur);
  }

  process(rec: RecordLike): XidEvent[] {
    this.records++;
    const text = rec.text;
    if (text.indexOf('NVRM') < 0 && !(this.fallenHead && RE_FALLEN_TAIL.test(text))) {
      return [];
    }
    const out: XidEvent[] = [];
    // Multi-line records (lines joined by \x0a in /dev/kmsg) first as a whole: the three-line bus loss.
    const whole = text.includes('\n') ? parseXidLine(text) : null;
    if (whole && whole.form === 'fallen-off' && !/NVRM: Xid \(/.test(text)) {
      const ev = this.busLoss(whole, rec);
      if (ev) out.push(ev);
      return out;
    }
    for (const line of text.split('\n')) {
      const at = parseGpuAt(line);
      if (at) {
        this.learn({ pci: at.pci, uuid: at.uuid });
        this.lastGpuAt = at.pci;
        continue;
      }
      const serial = parseBoardSerial(line);
      if (serial && this.lastGpuAt) {
        this.learn({ pci: this.lastGpuAt, serial });
        continue;
      }
      const rl = parseRateLimit(line);
      if (rl) {
        this.learn({ pci: rl.pci, rate_limit_every: rl.every });
        continue;
      }
      // The three-line bus loss split over separate lines (dmesg/journalctl text of it).
      const head = RE_FALLEN_HEAD.exec(line);
      if (head) {
        this.fallenHead = { pci: normalizePci(head[1]), index: this.records };
        continue;
      }
      if (this.fallenHead && RE_FALLEN_TAIL.test(line) && !/NVRM: Xid \(/.test(line) && !/NVRM: GPU [0-9a-f]/i.test(line)) {
        const h = this.fallenHead;
        this.fallenHead = null;
        if (this.records - h.index <= 3) {
          const ev = this.busLoss(
            { xid: 79, pci: h.pci, message: 'GPU has fallen off the bus (no Xid line)', form: 'fallen-off' },
            rec,
          );
          if (ev) out.push(ev);
        }
        continue;
      }
      const x = parseXidLine(line);
      if (!x) continue;
      if (x.xid === 79 || x.form === 'fallen-off') {
        const ev = this.busLoss(x, rec);
        if (ev) out.push(ev);
        continue;
      }
      out.push(this.toEvent(x, rec));
    }
    return out;
  }

  private busLoss(x: XidLine, rec: RecordLike): XidEvent | null {
    const key = x.pci ?? 'unknown';
    const prev = this.lastBusLoss.get(key);
    const now = { ts_us: rec.ts_us, index: this.records, form: x.form };
    // The driver may print one bus loss both ways (an Xid 79 line and a no-Xid line): count it once.
    // Repeats in the same form are real repeats and are counted.
    if (prev && prev.form !== x.form) {
      const close =
        rec.ts_us > 0 && prev.ts_us > 0
          ? Math.abs(rec.ts_us - prev.ts_us) <= FALLEN_DEDUP_US
          : now.index - prev.index <= FALLEN_DEDUP_RECORDS;
      if (close) return null;
    }
    this.lastBusLoss.set(key, now);
    return this.toEvent(x, rec);
  }

  private toEvent(x: XidLine, rec: RecordLike): XidEvent {
    const info = xidInfo(x.xid);
    let severity = info.severity;
    let action = info.action;
    let advice = info.advice;
    if (x.recovery) {
      const ra = RECOVERY_ACTIONS[x.recovery.to];
      if (ra) {
        severity = ra.severity;
        action = ra.action;
        advice = `the driver now recommends: ${x.recovery.to_name ?? ra.name} (${ACTION_TEXT[ra.action]})`;
      }
    }
    if (x.nvlink) {
      // Fatal NVLink5 errors need a GPU reset; most non-fatal ones are counted and watched.
      if (x.nvlink.fatal) {
        severity = 'critical';
        action = 'reset_gpu';
        advice =
          x.nvlink.link >= 0
            ? `reset the GPU; check link ${x.nvlink.link}, its peer and cables`
            : 'reset the GPU; check the NVLink fabric';
      } else {
        severity = 'info';
        action = 'watch';
        advice = 'non-fatal: watch the count; check link signal integrity if it keeps growing';
      }
    }
    if (x.caused_by !== undefined && info.class !== 'application') {
      advice = `follow Xid ${x.caused_by}, which caused it`;
      action = 'follow_root_cause';
    }
    const g = x.pci ? this.gpus.get(x.pci) : undefined;
    const gpu: XidEvent['gpu'] = { pci: x.pci };
    if (g?.index !== undefined) gpu.index = g.index;
    if (g?.name) gpu.name = g.name;
    if (g?.uuid) gpu.uuid = g.uuid;
    const ev: XidEvent = {
      xid: x.xid,
      gpu,
      message: x.message,
      name: info.name,
      class: info.class,
      severity,
      action: advice,
      action_code: action,
      seq: rec.seq,
      ts_us: rec.ts_us,
      form: x.form,
    };
    if (x.pid !== undefined) ev.pid = x.pid;
    if (x.process !== undefined) ev.process = x.process;
    if (rec.wall) ev.wall = rec.wall;
    const t = rec.arrival_ms ?? rec.wall_ms ?? (rec.wall ? Date.parse(rec.wall) : undefined);
    if (t !== undefined && Number.isFinite(t)) ev.time_ms = t;
    if (x.gpu_instance !== undefined) ev.gpu_instance = x.gpu_instance;
    if (x.compute_instance !== undefined) ev.compute_instance = x.compute_instance;
    if (x.caused_by !== undefined) ev.caused_by = x.caused_by;
    if (x.channel) ev.channel = x.channel;
    if (x.nvlink) ev.nvlink = x.nvlink;
    if (x.recovery) ev.recovery = x.recovery;
    return ev;
  }
}

/** Label of a GPU for one line of text: "0000:01:00 (#0 NVIDIA H100)". */
export function gpuLabel(g: XidEvent['gpu']): string {
  const parts = [g.index !== undefined ? `#${g.index}` : '', g.name ?? ''].filter(Boolean).join(' ');
  return `${g.pci ?? 'unknown GPU'}${parts ? ` (${parts})` : ''}`;
}
