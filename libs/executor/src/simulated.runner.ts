import type { JobEntity } from '@cyborg/database';

import type { JobRunner, RunContext, RunOutcome } from './job-runner';

/**
 * Used only when EXECUTOR_SIMULATE_MS is set (tests and benchmarks of the job
 * pipeline): it makes no backup, waits the given time while printing a few
 * lines, and says plainly in the job that nothing was backed up.
 */
export class SimulatedRunner implements JobRunner {
  constructor(private readonly durationMs: number) {}

  async run(job: JobEntity, context: RunContext): Promise<RunOutcome> {
    await context.emit(`simulated ${job.jobType} job ${job.id}: no backup is made in this mode`);
    await context.markWorkStarted();
    const steps = 4;
    for (let step = 1; step <= steps; step++) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, this.durationMs / steps);
        context.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(
            context.signal.reason instanceof Error ? context.signal.reason : new Error('aborted'),
          );
        });
      });
      await context.emit(`step ${step} of ${steps}`);
    }

    return {
      status: 'successful',
      explanation: 'Simulated run (EXECUTOR_SIMULATE_MS): nothing was backed up.',
    };
  }
}
