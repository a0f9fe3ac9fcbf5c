import type { KmsgRecord } from './record.js';

/**
 * A /dev/kmsg record as parsed, with what the KmsgRecord type has no slot for: header fields the
 * parser does not know (the ABI says to ignore them; we keep them) and dictionary keys other than
 * SUBSYSTEM/DEVICE (kernels before 5.10 allowed arbitrary ones).
 */
export interface ParsedKmsgRecord extends KmsgRecord {
  extra?: Record<string, string>;
  dict?: Record<string, string>;
}

const HEX: Record<string, number> = {};
for (let i = 0; i < 16; i++) {
  HEX[i.toString(16)] = i;
  HEX[i.toString(16).toUpperCase()] = i;
}

/**
 * Undo the kernel's escaping: every byte < 0x20, >= 0x7f and the backslash itself is written as \xNN,
 * so multi-byte UTF-8 arrives as several escapes and must be decoded as bytes, not per escape.
 * A backslash not followed by two hex digits (never produced by the kernel) is kept as it is.
 */
export function unescapeKmsg(s: string): string {
  let i = s.indexOf('\\');
  if (i < 0) return s;
  let out = '';
  let last = 0;
  while (i >= 0) {
    if (s.charCodeAt(i + 1) === 0x78 /* x */ && HEX[s[i + 2]] !== undefined && HEX[s[i + 3]] !== undefined) {
      // Gather a run of consecutive escapes and decode the bytes together (UTF-8 sequences span escapes).
      const bytes: number[] = [];
      let j = i;
      while (
        s.charCodeAt(j) === 0x5c &&
        s.charCodeAt(j + 1) === 0x78 &&
        HEX[s[j + 2]] !== undefined &&
        HEX[s[j + 3]] !== undefined
      ) {
        bytes.push(HEX[s[j + 2]] * 16 + HEX[s[j + 3]]);
        j += 4;
      }
      out += s.slice(last, i);
      out += bytes.every((b) => b < 0x80) ? String.fromCharCode(...bytes) : Buffer.from(bytes).toString('utf8');
      last = j;
      i = s.indexOf('\\', j);
    } else {
      i = s.indexOf('\\', i + 1);
    }
  }
  return out + s.slice(last);
}

function isDigits(s: string): boolean {
  if (s.length === 0 || s.length > 20) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Parses one record as returned by one read() of /dev/kmsg:
 *   PRI,SEQ,TS_USEC,FLAG[,more fields];escaped text\n[ KEY=VALUE\n]...
 * Returns null for anything that is not a record (never throws). The text keeps a 'c' (continuation)
 * record as it is: NVRM prints complete lines flagged 'c', so merging would corrupt them.
 */
export function parseKmsgRecord(raw: string): ParsedKmsgRecord | null {
  const semi = raw.indexOf(';');
  if (semi <= 0) return null;
  // Header: at most a few hundred bytes; anything longer is not a record header.
  if (semi > 512) return null;
  const c1 = raw.indexOf(',');
  if (c1 < 0 || c1 > semi) return null;
  const c2 = raw.indexOf(',', c1 + 1);
  if (c2 < 0 || c2 > semi) return null;
  let c3 = raw.indexOf(',', c2 + 1);
  if (c3 < 0 || c3 > semi) c3 = semi;
  const priS = raw.slice(0, c1);
  const seqS = raw.slice(c1 + 1, c2);
  const tsS = raw.slice(c2 + 1, c3);
  if (!isDigits(priS) || !isDigits(seqS) || !isDigits(tsS)) return null;
  const pri = Number(priS);
  let flags = '-';
  let extra: Record<string, string> | undefined;
  let caller: string | undefined;
  if (c3 < semi) {
    const rest = raw.slice(c3 + 1, semi).split(',');
    flags = rest[0] === '' ? '-' : rest[0];
    for (let k = 1; k < rest.length; k++) {
      const f = rest[k];
      const eq = f.indexOf('=');
      const key = eq < 0 ? f : f.slice(0, eq);
      const val = eq < 0 ? '' : f.slice(eq + 1);
      if (key === 'caller') caller = val;
      else if (key !== '') (extra ??= {})[key] = val;
    }
  }
  let nl = raw.indexOf('\n', semi + 1);
  if (nl < 0) nl = raw.length;
  const rec: ParsedKmsgRecord = {
    seq: Number(seqS),
    ts_us: Number(tsS),
    level: pri & 7,
    facility: Math.floor(pri / 8),
    flags,
    text: unescapeKmsg(raw.slice(semi + 1, nl)),
  };
  if (caller !== undefined) rec.caller = caller;
  if (extra) rec.extra = extra;
  // Dictionary lines: each begins with one space. Anything else after the text is ignored.
  let pos = nl + 1;
  while (pos < raw.length) {
    let end = raw.indexOf('\n', pos);
    if (end < 0) end = raw.length;
    if (raw.charCodeAt(pos) === 0x20) {
      const line = raw.slice(pos + 1, end);
      const eq = line.indexOf('=');
      if (eq > 0) {
        const key = line.slice(0, eq);
        const val = unescapeKmsg(line.slice(eq + 1));
        if (key === 'SUBSYSTEM') rec.subsystem = val;
        else if (key === 'DEVICE') rec.device = val;
        else (rec.dict ??= {})[key] = val;
      }
    }
    pos = end + 1;
  }
  return rec;
}

/**
 * Splits a chunk holding one or more whole records (a read of /dev/kmsg, or a saved file of raw
 * records) into records: a record is a header line plus the dictionary lines after it, which begin
 * with a space. Text never holds a raw newline (the kernel escapes it), so this is unambiguous.
 */
export function splitKmsgRecords(chunk: string): string[] {
  const out: string[] = [];
  let start = 0;
  let pos = 0;
  const n = chunk.length;
  while (pos < n) {
    let end = chunk.indexOf('\n', pos);
    if (end < 0) end = n - 1;
    const next = end + 1;
    if (next >= n || chunk.charCodeAt(next) !== 0x20) {
      out.push(chunk.slice(start, next));
      start = next;
    }
    pos = next;
  }
  return out;
}

/** True for a line that begins like a /dev/kmsg record header: PRI,SEQ,TS_USEC then "," or ";". */
export function isKmsgRecordLine(line: string): boolean {
  return /^\d{1,4},\d{1,20},\d{1,20}[,;]/.test(line);
}

/** True for a dictionary line of a /dev/kmsg record (" SUBSYSTEM=pci", " DEVICE=+pci:0000:00:1f.3"). */
export function isKmsgDictLine(line: string): boolean {
  return /^ [A-Z_][A-Z0-9_]*=/.test(line);
}
