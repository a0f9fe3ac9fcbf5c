// Live progress on a terminal: a spinner line with the elapsed time and the last few console lines,
// redrawn in place on stderr. Nothing is drawn when stderr is not a terminal.
const FRAMES = ['|', '/', '-', '\\'];

export interface Spinner {
  setStatus(text: string): void;
  addLine(line: string): void;
  stop(): void;
}

export function createSpinner(stream: NodeJS.WriteStream, tail = 4): Spinner {
  if (!stream.isTTY) return { setStatus() {}, addLine() {}, stop() {} };
  const t0 = Date.now();
  let status = 'starting';
  const lines: string[] = [];
  let drawn = 0;
  let frame = 0;
  const width = () => Math.max(20, (stream.columns || 100) - 1);
  const clip = (s: string) => (s.length > width() ? `${s.slice(0, width() - 1)}…` : s);
  const erase = () => {
    if (drawn) stream.write(`\x1b[${drawn}A\x1b[0J`);
    drawn = 0;
  };
  const draw = () => {
    erase();
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    const out = [
      clip(`${FRAMES[frame++ % FRAMES.length]} ${status} (${secs} s)`),
      ...lines.map((l) => clip(`  \x1b[2m${l}\x1b[0m`)),
    ];
    stream.write(`${out.join('\n')}\n`);
    drawn = out.length;
  };
  const timer = setInterval(draw, 100);
  timer.unref();
  return {
    setStatus(text) {
      status = text;
    },
    addLine(line) {
      lines.push(line.replace(/\t/g, ' '));
      if (lines.length > tail) lines.shift();
    },
    stop() {
      clearInterval(timer);
      erase();
    },
  };
}
