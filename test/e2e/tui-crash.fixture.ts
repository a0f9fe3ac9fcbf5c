// A program that crashes while the UI is up: the e2e test checks the terminal comes back readable.
import { createStore } from '../../src/store/index.js';
import { runTui } from '../../src/ui/run.js';
import { sessionEvents } from '../unit/ui-fixtures.js';

const store = createStore();
for (const e of sessionEvents(10)) store.dispatch(e);
setTimeout(
  () => {
    throw new Error('deliberate crash while the UI is up');
  },
  Number(process.env.CRASH_AFTER_MS ?? 1500),
);
await runTui(store, { replay: true });
