import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import { runTui, TuiUsageError, NOT_A_TTY_MESSAGE } from '../../src/ui/run.js';
import { ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN, SHOW_CURSOR } from '../../src/ui/terminal.js';
import { sessionEvents } from './ui-fixtures.js';
import { TestStdin, TestStdout } from './ui-render.js';

describe('runTui', () => {
  it('refuses without a terminal and names the non-interactive modes', async () => {
    const stdout = new TestStdout(100, 40);
    stdout.isTTY = false;
    await expect(runTui(createStore(), { stdout: stdout as never, stdin: new TestStdin() as never })).rejects.toThrow(
      TuiUsageError,
    );
    await expect(runTui(createStore(), { stdout: stdout as never, stdin: new TestStdin() as never })).rejects.toThrow(
      /-q.*--events/,
    );
    expect(NOT_A_TTY_MESSAGE).toMatch(/not a TTY/);
    expect(stdout.frames).toEqual([]);
  });

  it('rejects an unknown pane before touching the terminal', async () => {
    const stdout = new TestStdout(100, 40);
    await expect(
      runTui(createStore(), { pane: 'graphs', stdout: stdout as never, stdin: new TestStdin() as never }),
    ).rejects.toThrow(/unknown pane "graphs"/);
    expect(stdout.frames).toEqual([]);
  });

  it('draws on the alternate screen, resolves on q and gives the terminal back', async () => {
    const store = createStore();
    for (const e of sessionEvents(10)) store.dispatch(e);
    const stdout = new TestStdout(120, 40);
    const stdin = new TestStdin();
    const quits: unknown[] = [];
    const done = runTui(store, {
      stdout: stdout as never,
      stdin: stdin as never,
      replay: true,
      onQuit: (e) => quits.push(e),
      env: { TERM: 'xterm-256color' },
    });
    const until = Date.now() + 3000;
    while (!stdout.frames.join('').includes('Subsystems') && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    // console output while the frame is up becomes a diagnostic instead of scrolling the screen.
    console.error('stray message from a library');
    expect(store.state.diags.toArray().at(-1)).toMatchObject({
      source: 'console',
      level: 'error',
      message: 'stray message from a library',
    });
    stdin.write('q');
    await expect(done).resolves.toEqual({ reason: 'quit' });
    expect(quits).toEqual([{ reason: 'quit' }]);
    const all = stdout.frames.join('');
    expect(all.startsWith(ENTER_ALT_SCREEN)).toBe(true);
    expect(all.endsWith(SHOW_CURSOR + LEAVE_ALT_SCREEN)).toBe(true);
    expect(all).toContain('gpu-node-07');
    // The frame leaves the last row free, so Ink never has to clear the whole screen to redraw.
    expect(all).not.toContain('\u001B[2J\u001B[3J');
  });
});
