// docker/kerntop-tmux.sh (kerntop-tmux in the image): five kerntop panes in one tmux window, the
// given options passed to each. Driven by the recorded session, so it needs no root or probes.
import { execFileSync, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';

const repo = new URL('../../', import.meta.url).pathname;
const session = `kerntop-tmux-test-${process.pid}`;
const hasTmux = spawnSync('sh', ['-c', 'command -v tmux']).status === 0;
const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });

afterEach(() => {
  spawnSync('tmux', ['kill-session', '-t', session]);
});

describe('kerntop-tmux', () => {
  it.skipIf(!hasTmux)(
    'opens summary, hist, events, kmsg and probes panes with the same options',
    async () => {
      execFileSync(
        'bash',
        [`${repo}docker/kerntop-tmux.sh`, '--replay', 'fixtures/sessions/busy-host.jsonl', '--speed', '0', '--sched-warn', '100'],
        {
          cwd: repo,
          env: {
            ...process.env,
            KERNTOP: `${process.execPath} ${repo}bin/kerntop`,
            KERNTOP_TMUX_SESSION: session,
            KERNTOP_TMUX_DETACHED: '1',
          },
          stdio: 'ignore',
        },
      );
      const panes = tmux('list-panes', '-t', session, '-F', '#{pane_index} #{pane_start_command}').trim().split('\n');
      expect(panes.map((p) => p.match(/--pane (\w+)/)?.[1])).toEqual(['summary', 'hist', 'events', 'kmsg', 'probes']);
      for (const p of panes) expect(p).toContain('--sched-warn 100');

      // Each pane draws its own view of the replayed session.
      const wanted = ['Subsystems', 'Latency', 'Events', 'Kernel log', 'Probes'];
      let screens: string[] = [];
      for (let i = 0; i < 50; i++) {
        screens = wanted.map((_, n) => tmux('capture-pane', '-p', '-t', `${session}:0.${n}`));
        if (screens.every((s, n) => s.includes(wanted[n]))) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      screens.forEach((s, n) => expect(s, `pane ${n}`).toContain(wanted[n]));

      // A second start does not stack another layout on the running one.
      const again = spawnSync('bash', [`${repo}docker/kerntop-tmux.sh`], {
        env: { ...process.env, KERNTOP_TMUX_SESSION: session },
        encoding: 'utf8',
      });
      expect(again.status).toBe(3);
      expect(again.stderr).toContain(`tmux attach -t ${session}`);
    },
    30_000,
  );
});
