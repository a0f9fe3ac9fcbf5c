import { PANES, type PaneName } from './layout.js';

/** The `--pane NAME` option, ready for a yargs `builder` (`.options(paneOption)`); yargs lists the choices. */
export const paneOption = {
  pane: {
    type: 'string' as const,
    choices: [...PANES],
    describe: 'show one pane filling the terminal (for tmux layouts)',
  },
};

export class TuiUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TuiUsageError';
  }
}

/** undefined for no pane; throws with the valid names for anything else. */
export function parsePane(value: unknown): PaneName | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const v = String(value).trim().toLowerCase();
  if ((PANES as readonly string[]).includes(v)) return v as PaneName;
  throw new TuiUsageError(`unknown pane "${String(value)}": use one of ${PANES.join(', ')}`);
}
