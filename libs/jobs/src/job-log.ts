import { Logger } from '@nestjs/common';

import type { JobEntity } from '@cyborg/database';

const logger = new Logger('Jobs');

/**
 * The one structured line written per job state change, so an operator can
 * follow any job through every service with a single grep: job id, state,
 * executor, and what it waits on or why it ended.
 */
export function logJobState(
  job: Pick<JobEntity, 'id' | 'status' | 'executor'>,
  detail: { waitingOn?: string; explanation?: string } = {},
): void {
  logger.log(
    JSON.stringify({
      job: job.id,
      state: job.status,
      executor: job.executor || null,
      waiting_on: detail.waitingOn ?? null,
      explanation: detail.explanation ?? null,
    }),
  );
}
