import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { RepositoryEntity, type UserEntity } from '@cyborg/database';
import { ACTIVE_JOB_STATUSES } from '@cyborg/domain';
import { JobLauncher, logJobState } from '@cyborg/jobs';

/**
 * Starts cataloging the archives a repository already holds (made before the
 * catalog was on, or outside the system): one `catalog` job with
 * `extra_vars.import_existing`, which the executor runs archive by archive,
 * skipping those already cataloged.
 */
@Injectable()
export class CatalogImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly launcher: JobLauncher,
  ) {}

  /** The new job's id; 409 while the repository is disabled or an import of it is under way. */
  async launch(actor: UserEntity, repositoryId: number): Promise<number> {
    const job = await this.dataSource.transaction(async (manager) => {
      // Locked so that two requests at once cannot both start an import.
      const repository = await manager.findOne(RepositoryEntity, {
        where: { id: repositoryId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!repository) throw new NotFoundException('Not found.');
      if (!repository.enabled) throw new ConflictException('The repository is disabled.');
      const running = await manager.query<{ id: number }[]>(
        `SELECT id FROM jobs WHERE repository_id = $1 AND job_type = 'catalog'
           AND status = ANY($2) AND extra_vars @> '{"import_existing": true}'`,
        [repositoryId, [...ACTIVE_JOB_STATUSES]],
      );
      if (running.length > 0) {
        throw new ConflictException(
          `Job ${running[0].id} is already importing this repository's catalog.`,
        );
      }

      return this.launcher.launchJob(manager, {
        name: `Catalog import ${repository.name}`,
        jobType: 'catalog',
        launchType: 'manual',
        repository,
        policy: null,
        client: null,
        extraVars: { import_existing: true },
        createdBy: actor,
        modifiedBy: actor,
      });
    });
    logJobState(job, {
      explanation: `catalog import of repository ${repositoryId} by ${actor.email}`,
    });

    return job.id;
  }
}
