// A serial console is not a log file: SeaBIOS and iPXE paint the screen with escape sequences
// (ESC c, ESC[?7l, ESC[2J), every line ends in CRLF, firmware rewrites lines with a bare CR, and a
// `dmesg` run inside the guest prints again what the console already showed. Analysis wants each
// kernel message once, as plain text.

// CSI (colours, cursor moves, modes), OSC titles, charset selection, and single-char escapes (ESC c).
// Control characters are what these patterns are about.

const ESCAPE_RE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()#][0-9A-Za-z]|[@-Z\\-_a-z])/g;
// C0 controls other than tab and newline (NULs and bells from firmware).

const CONTROL_RE = /[\x00-\x08\x0b-\x1f\x7f]/g;
// "[    1.234567] text", optionally with the printk caller "[    T1]".
const TS_RE = /^\[\s*(\d+\.\d+)\]/;

export interface CleanedConsole {
  text: string;
  lines: number;
  escapes_removed: number;
  dmesg_repeats_dropped: number;
}

/** One line with bare CRs resolved: each CR-separated piece that says something becomes its own line. */
function splitCarriageReturns(line: string): string[] {
  if (!line.includes('\r')) return [line];
  const pieces = line.split('\r').filter((p) => p.trim() !== '');
  return pieces.length ? pieces : [''];
}

export function cleanConsole(raw: string): CleanedConsole {
  let escapes = 0;
  // A terminal reset (ESC c) or a screen clear (ESC[2J) starts a fresh screen: the kernel's first
  // line follows it on the same row as the firmware's last words, so it becomes a line break.
  const noEsc = raw.replace(ESCAPE_RE, (m) => {
    escapes++;

    return m === '\x1bc' || /^\x1b\[[0-9;]*J$/.test(m) ? '\n' : '';
  });
  const lines: string[] = [];
  for (const l of noEsc.replace(/\r+\n/g, '\n').split('\n')) {
    for (const piece of splitCarriageReturns(l)) lines.push(piece.replace(CONTROL_RE, '').trimEnd());
  }
  if (lines.length && lines[lines.length - 1] === '') lines.pop();

  // An in-guest dmesg repeats earlier console lines: its timestamps jump backwards to one already
  // seen. From such a jump, timestamped lines seen before are dropped until a new one appears.
  // Lines repeated with the same timestamp inside one report (stack frames) are not a jump and stay.
  const seen = new Set<string>();
  let maxTs = -1;
  let replaying = false;
  let dropped = 0;
  const out: string[] = [];
  for (const line of lines) {
    const m = TS_RE.exec(line);
    if (!m) {
      out.push(line);
      continue;
    }
    const ts = Number(m[1]);
    const key = line.trim();
    if (seen.has(key) && (replaying || ts < maxTs)) {
      replaying = true;
      dropped++;
      continue;
    }
    replaying = false;
    seen.add(key);
    if (ts > maxTs) maxTs = ts;
    out.push(line);
  }
  return {
    text: out.join('\n') + (out.length ? '\n' : ''),
    lines: out.length,
    escapes_removed: escapes,
    dmesg_repeats_dropped: dropped,
  };
}

/** The kernel's own version from the first "Linux version X ..." banner, or null. */
export function kernelVersionFromLog(text: string): string | null {
  const m = /Linux version (\S+)/.exec(text);
  return m ? m[1] : null;
}
