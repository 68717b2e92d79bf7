import type { JobEntity } from '@cyborg/database';

/** What a runner may do while a job runs. */
export interface RunContext {
  /** Aborted when the job is canceled or times out; the runner must stop its remote work. */
  signal: AbortSignal;
  /** Records one output line of the job, in order. */
  emit(line: string, event?: string, data?: Record<string, unknown>): Promise<void>;
  /** Says the job has started changing things remotely: from now on a lost job fails instead of rerunning. */
  markWorkStarted(): Promise<void>;
}

export interface RunOutcome {
  status: 'successful' | 'failed';
  explanation?: string;
}

/** Runs jobs: `BorgRunner`, or `SimulatedRunner` in tests of the pipeline. */
export interface JobRunner {
  run(job: JobEntity, context: RunContext): Promise<RunOutcome>;
}
