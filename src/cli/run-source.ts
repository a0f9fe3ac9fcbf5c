import type { Emit, EventSource } from '../sources/source.js';

/**
 * Starts a source and waits until it is done, or stopped by SIGINT, SIGTERM or SIGHUP. Returns false
 * (after saying why on stderr) when the source cannot start: the caller then exits 3.
 */
export async function runSourceUntilDone(src: EventSource & { done: Promise<void> }, emit: Emit, command: string): Promise<boolean> {
  try {
    await src.start(emit);
  } catch (e) {
    process.stderr.write(`kerntop ${command}: ${(e as Error).message}\n`);
    return false;
  }
  const stop = () => void src.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('SIGHUP', stop);
  await src.done;
  return true;
}
