// A real terminal for e2e tests: a private tmux server whose windows run a bare shell with a known
// prompt; keys are sent as a person types them and the pane is captured as a person sees it.
import { execFileSync, spawnSync } from 'node:child_process';

export const HAVE_TMUX = spawnSync('tmux', ['-V']).status === 0;
export const PROMPT = 'ktprompt$ ';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class TmuxWindow {
  constructor(
    private readonly server: TmuxServer,
    readonly name: string,
  ) {}
  type(text: string) {
    this.server.tmux('send-keys', '-t', this.name, '-l', text);
  }
  keys(...keys: string[]) {
    this.server.tmux('send-keys', '-t', this.name, ...keys);
  }
  run(cmd: string) {
    this.type(cmd);
    this.keys('Enter');
  }
  capture(escapes = false): string {
    return this.server.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', this.name);
  }
  lines(): string[] {
    return this.capture().split('\n');
  }
  async waitFor(pred: (screen: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const s = this.capture();
      if (pred(s)) return s;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; screen:\n${s}`);
      await sleep(100);
    }
  }
  resize(columns: number, rows: number) {
    this.server.tmux('resize-window', '-t', this.name, '-x', String(columns), '-y', String(rows));
  }
  kill() {
    try {
      this.server.tmux('kill-session', '-t', this.name);
    } catch {
      // already gone
    }
  }
}

export class TmuxServer {
  private n = 0;
  private open: TmuxWindow[] = [];

  constructor(
    private readonly socket: string,
    private readonly cwd: string,
  ) {}

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  }

  /** A window of the given size; env entries set (or, when undefined, unset) variables for its shell. */
  window(columns: number, rows: number, env: Record<string, string | undefined> = {}): TmuxWindow {
    const w = new TmuxWindow(this, `w${++this.n}`);
    const all = Object.entries({ TERM: 'xterm-256color', LANG: 'C.UTF-8', ...env });
    // env takes its -u options before any NAME=VALUE.
    const envArgs = [
      ...all.filter(([, v]) => v === undefined).map(([k]) => `-u ${k}`),
      ...all.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${JSON.stringify(v)}`),
    ];
    const shell = `env ${envArgs.join(' ')} PS1=${JSON.stringify(PROMPT)} bash --norc --noprofile`;
    // Closing the last window makes the server exit; a new window that races with that exit gets
    // "server exited unexpectedly". Try again once the old server is gone.
    for (let attempt = 1; ; attempt++) {
      try {
        this.tmux('new-session', '-d', '-s', w.name, '-x', String(columns), '-y', String(rows), '-c', this.cwd, shell);
        break;
      } catch (err) {
        if (attempt >= 5) throw err;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
      }
    }
    this.tmux('set-option', '-t', w.name, 'status', 'off');
    this.open.push(w);
    return w;
  }

  /** Closes every window opened so far (afterEach). */
  closeWindows(): void {
    while (this.open.length) this.open.pop()!.kill();
  }

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // no server left
    }
  }
}
