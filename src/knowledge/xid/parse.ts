import { normalizePci } from './pci.js';

/** Details of an NVLink5 Xid (144-150): `UNIT Severity XCn iN Link NN (0xINTRINFO 0xERRORSTATUS ...)`. */
export interface NvlinkDetail {
  unit: string;
  /** As printed: Fatal, Nonfatal, Non-fatal, Link Fatal ... */
  severity_word: string;
  fatal: boolean;
  xc: number;
  instance: number;
  /** -1 when the error is not tied to one link. */
  link: number;
  intrinfo?: number;
  error_status?: number;
  /** Sub-unit selector, bits 20-25 of intrinfo. */
  subunit?: number;
  words: string[];
}

export interface XidLine {
  xid: number;
  /** Normalized dddd:bb:dd, or null if the line names none. */
  pci: string | null;
  /** MIG attribution: GPU instance and compute instance ids. */
  gpu_instance?: number;
  compute_instance?: number;
  /** null when the driver printed '<unknown>'; absent when the line has no pid= at all. */
  pid?: number | null;
  process?: string | null;
  /** The text after the code (and after pid=/name=). */
  message: string;
  channel?: string;
  caused_by?: number;
  nvlink?: NvlinkDetail;
  /** Xid 154: the recovery action the driver now recommends. */
  recovery?: { from: number; from_name?: string; to: number; to_name?: string };
  /** 'xid' for an Xid line; 'fallen-off' for the bus-loss lines that carry no Xid (reported as 79). */
  form: 'xid' | 'fallen-off';
}

// `NVRM: Xid (` [PCI:]addr [GPU-I:nn] [GPU-CI:nn] `): ` code [, rest]
const RE_XID =
  /NVRM: Xid \((?:PCI:)?([0-9a-fA-F]{1,8}:[0-9a-fA-F]{1,2}:[0-9a-fA-F]{1,2}(?:\.[0-7])?)(?:\s+GPU-I:\s*(\d+))?(?:\s+GPU-CI:\s*(\d+))?\):\s*(\d+)\s*(?:,\s*(.*))?$/;
const RE_PID = /^pid=('?<unknown>'?|\d+)\s*(?:,\s*|$)/;
const RE_NAME = /^name=(.*?)(?:,\s+|,$|$)/;
const RE_CAUSED = /\s*caused by previous Xid (\d+)\.?\s*$/;
const RE_CHANNEL = /(?:^|[\s,])(?:Ch|channel|Channel ID|Channel|ChID)\s+(0x[0-9a-fA-F]+|[0-9a-fA-F]{4,8})\b/;
const RE_NVLINK =
  /^(?:([A-Z][A-Z0-9_/]*)\s+)((?:Link\s+)?(?:Fatal|Nonfatal|Non-fatal|NonFatal|Non fatal|Correctable|Uncorrectable))\s+XC(\d+)\s+i(\d+)\s+Link\s+(-?\d+)\s*(?:\(([^)]*)\))?/i;
const RE_RECOVERY =
  /recovery action changed from (0x[0-9a-fA-F]+|\d+)(?:\s*\(([^)]*)\))? to (0x[0-9a-fA-F]+|\d+)(?:\s*\(([^)]*)\))?/i;

// Bus-loss lines without an Xid: one line, or the three-line form joined in one record.
const RE_FALLEN_ONE = /NVRM: GPU ([0-9a-fA-F]{1,8}:[0-9a-fA-F]{1,2}:[0-9a-fA-F]{1,2}(?:\.[0-7])?): GPU has fallen off the bus/;
const RE_FALLEN_MULTI =
  /NVRM: The NVIDIA GPU ([0-9a-fA-F]{1,8}:[0-9a-fA-F]{1,2}:[0-9a-fA-F]{1,2}(?:\.[0-7])?)[\s\S]*?fallen off the bus/;
/** First line of the three-line form, when a text log split it into separate lines. */
export const RE_FALLEN_HEAD = /NVRM: The NVIDIA GPU ([0-9a-fA-F]{1,8}:[0-9a-fA-F]{1,2}:[0-9a-fA-F]{1,2}(?:\.[0-7])?)\s*$/;
export const RE_FALLEN_TAIL = /fallen off the bus/;

const RE_GPU_AT = /NVRM: GPU at PCI:([0-9a-fA-F]{1,8}:[0-9a-fA-F]{1,2}:[0-9a-fA-F]{1,2}(?:\.[0-7])?):\s*(GPU-[0-9a-fA-F-]{8,})/;
const RE_SERIAL = /NVRM: GPU Board Serial Number:\s*(\S+)/;
const RE_RATELIMIT = /NVRM: Rate limiting (.*?) prints for GPU at PCI:([0-9a-fA-F:.]+)\s*\(printing 1 of every (\d+)\)/;

function parseNum(s: string): number {
  return s.startsWith('0x') || s.startsWith('0X') ? parseInt(s.slice(2), 16) : Number(s);
}

export function parseNvlinkDetail(message: string): NvlinkDetail | undefined {
  const m = RE_NVLINK.exec(message);
  if (!m) return undefined;
  const words = (m[6] ?? '').trim().split(/\s+/).filter(Boolean);
  const sev = m[2].replace(/\s+/g, ' ');
  const d: NvlinkDetail = {
    unit: m[1],
    severity_word: sev,
    fatal: (/fatal/i.test(sev) && !/non/i.test(sev)) || /uncorrectable/i.test(sev),
    xc: Number(m[3]),
    instance: Number(m[4]),
    link: Number(m[5]),
    words,
  };
  if (words[0] && /^0x[0-9a-f]+$/i.test(words[0])) {
    d.intrinfo = parseInt(words[0].slice(2), 16);
    d.subunit = (d.intrinfo >>> 20) & 0x3f;
  }
  if (words[1] && /^0x[0-9a-f]+$/i.test(words[1])) d.error_status = parseInt(words[1].slice(2), 16);
  return d;
}

/** Parses one line of NVRM text into an Xid (or a bus-loss line as Xid 79); null otherwise. */
export function parseXidLine(line: string): XidLine | null {
  if (line.indexOf('NVRM') < 0) return null;
  const m = RE_XID.exec(line);
  if (m) {
    const out: XidLine = { xid: Number(m[4]), pci: normalizePci(m[1]), message: '', form: 'xid' };
    if (m[2] !== undefined) out.gpu_instance = Number(m[2]);
    if (m[3] !== undefined) out.compute_instance = Number(m[3]);
    let rest = (m[5] ?? '').trim();
    const p = RE_PID.exec(rest);
    if (p) {
      out.pid = /unknown/.test(p[1]) ? null : Number(p[1]);
      rest = rest.slice(p[0].length);
      const n = RE_NAME.exec(rest);
      if (n) {
        const name = n[1].trim();
        out.process = name === '<unknown>' || name === "'<unknown>'" ? null : name;
        rest = rest.slice(n[0].length);
      }
    }
    out.message = rest.trim();
    const c = RE_CAUSED.exec(out.message);
    if (c) out.caused_by = Number(c[1]);
    const ch = RE_CHANNEL.exec(out.message);
    if (ch) out.channel = ch[1];
    if (out.xid >= 144 && out.xid <= 150) {
      const d = parseNvlinkDetail(out.message);
      if (d) out.nvlink = d;
    }
    if (out.xid === 154) {
      const r = RE_RECOVERY.exec(out.message);
      if (r) {
        out.recovery = { from: parseNum(r[1]), to: parseNum(r[3]) };
        if (r[2]) out.recovery.from_name = r[2];
        if (r[4]) out.recovery.to_name = r[4];
      }
    }
    return out;
  }
  const f = RE_FALLEN_ONE.exec(line) ?? RE_FALLEN_MULTI.exec(line);
  if (f) return { xid: 79, pci: normalizePci(f[1]), message: 'GPU has fallen off the bus (no Xid line)', form: 'fallen-off' };
  return null;
}

/** `NVRM: GPU at PCI:0000:9b:00: GPU-509665ad-...`: printed once per GPU before its first Xid. */
export function parseGpuAt(line: string): { pci: string; uuid: string } | null {
  const m = RE_GPU_AT.exec(line);
  if (!m) return null;
  const pci = normalizePci(m[1]);
  return pci ? { pci, uuid: m[2].toLowerCase().replace(/^gpu-/, 'GPU-') } : null;
}

export function parseBoardSerial(line: string): string | null {
  const m = RE_SERIAL.exec(line);
  return m ? m[1] : null;
}

/** The driver's own rate limit: counts taken from the log undercount by this factor. */
export function parseRateLimit(line: string): { pci: string; what: string; every: number } | null {
  const m = RE_RATELIMIT.exec(line);
  if (!m) return null;
  const pci = normalizePci(m[2]);
  return pci ? { pci, what: m[1], every: Number(m[3]) } : null;
}
