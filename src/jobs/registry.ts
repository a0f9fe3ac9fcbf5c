// Every long job (boot test, vmcore report) a view started and that has not settled yet. The view
// that started one aborts it when it closes, but the job still needs a moment to reap its VM or its
// collector and remove its work directory; an exit path waits for that here, or cancels what is left.

export interface RunningJob {
  /** What the job is, in the words of its command (boot-test, vmcore-report). */
  name: string;
  started_ms: number;
  /** Resolves when the job has finished, cancelled or not; never rejects. */
  settled: Promise<void>;
}

const running = new Map<RunningJob, AbortController>();

/**
 * Records a job until `run` settles. Aborting `controller` is how the job is cancelled (its own abort
 * path kills what it started).
 */
export function trackJob(name: string, run: Promise<unknown>, controller: AbortController): RunningJob {
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  const job: RunningJob = { name, started_ms: Date.now(), settled };
  running.set(job, controller);
  void settled.then(() => running.delete(job));
  return job;
}

/** The jobs now running, oldest first. */
export function runningJobs(): RunningJob[] {
  return [...running.keys()];
}

/** Resolves once every tracked job has finished (a cancelled one included). */
export function jobsSettled(): Promise<void> {
  return Promise.all(runningJobs().map((j) => j.settled)).then(() => undefined);
}

/** Asks every running job to stop; jobsSettled() then says when they have. */
export function cancelJobs(): void {
  for (const c of running.values()) c.abort();
}
