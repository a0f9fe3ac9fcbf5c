import { describe, expect, it } from 'vitest';
import { cancelJobs, jobsSettled, runningJobs, trackJob } from '../../src/jobs/registry.js';

// The registry holds real promises and AbortControllers: a job here is a timer that ends early when
// aborted, as the boot test's VM and the vmcore collector do.
function fakeJob(ms: number): { run: Promise<string>; ac: AbortController } {
  const ac = new AbortController();
  const run = new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => resolve('done'), ms);
    ac.signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new Error('cancelled'));
    });
  });
  return { run, ac };
}

describe('job registry', () => {
  it('lists running jobs, forgets them once settled (failed ones too), and jobsSettled waits for all', async () => {
    const a = fakeJob(20);
    const b = fakeJob(5);
    trackJob('boot-test', a.run, a.ac);
    trackJob(
      'vmcore-report',
      b.run.then(() => Promise.reject(new Error('failed'))),
      b.ac,
    );
    expect(runningJobs().map((j) => j.name)).toEqual(['boot-test', 'vmcore-report']);
    await jobsSettled();
    expect(await a.run).toBe('done');
    expect(runningJobs()).toEqual([]);
  });

  it('cancelJobs aborts every running job; jobsSettled resolves once they have stopped', async () => {
    const a = fakeJob(60_000);
    const b = fakeJob(60_000);
    trackJob('boot-test', a.run, a.ac);
    trackJob('vmcore-report', b.run, b.ac);
    cancelJobs();
    expect(a.ac.signal.aborted && b.ac.signal.aborted).toBe(true);
    await jobsSettled();
    expect(runningJobs()).toEqual([]);
    await expect(a.run).rejects.toThrow('cancelled');
  });
});
