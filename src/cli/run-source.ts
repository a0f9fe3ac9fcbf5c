import { onStopRequested } from '../lifecycle.js';
import type { Emit, EventSource } from '../sources/source.js';

/**
 * Starts a source and waits until it is done, or stopped by SIGINT, SIGTERM or SIGHUP. Returns false
 * (after saying why on stderr) when the source cannot start: the caller then exits 3.
 */
export async function runSourceUntilDone(
  src: EventSource & { done: Promise<void> },
  emit: Emit,
  command: string,
): Promise<boolean> {
  try {
    await src.start(emit);
  } catch (e) {
    process.stderr.write(`kerntop ${command}: ${(e as Error).message}\n`);
    return false;
  }
  // The first signal stops the source; a second one, with nobody listening, ends the process.
  const off = onStopRequested(() => {
    off();
    void src.stop();
  });
  await src.done;
  off();
  return true;
}
