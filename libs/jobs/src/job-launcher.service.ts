import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';

import {
  ClientEntity,
  JobEntity,
  PolicyEntity,
  RepositoryEntity,
  SettingEntity,
  type UserEntity,
} from '@cyborg/database';
import { ACTIVE_JOB_STATUSES, type JobType, type LaunchType } from '@cyborg/domain';
import { enqueue } from '@cyborg/messaging';

import { logJobState } from './job-log';

export interface LaunchOptions {
  launchType: LaunchType;
  actor: UserEntity | null;
  extraVars?: Record<string, unknown>;
  verbosity?: number;
}

/**
 * Turns a policy into jobs: one backup per enabled client, plus the jobs it
 * depends on (preparing a repository or client that is not ready yet) and
 * the jobs that follow it (catalog, prune), as the settings ask. Everything
 * is written in the caller's transaction with a `job.created` message in the
 * outbox, so the task manager hears of exactly the jobs that were committed.
 */
@Injectable()
export class JobLauncher {
  async launchPolicy(
    manager: EntityManager,
    policyId: number,
    options: LaunchOptions,
  ): Promise<JobEntity[]> {
    const policy = await manager.findOne(PolicyEntity, {
      where: { id: policyId },
      relations: ['clients', 'repository', 'schedule'],
    });
    if (!policy) throw new NotFoundException('Not found.');
    if (!policy.enabled) throw new ConflictException('The policy is disabled.');
    if (!policy.repository.enabled)
      throw new ConflictException('The repository of the policy is disabled.');
    const clients = policy.clients.filter((c) => c.enabled).sort((a, b) => a.id - b.id);
    if (clients.length === 0) throw new ConflictException('The policy has no enabled client.');

    const settings = await this.settings(manager);
    const created: JobEntity[] = [];
    const make = async (fields: Partial<JobEntity>, dependsOn: JobEntity[] = []) => {
      const job = await manager.save(
        manager.create(JobEntity, {
          status: 'pending',
          launchType: options.launchType,
          policy,
          repository: policy.repository,
          createdBy: options.actor,
          modifiedBy: options.actor,
          verbosity: options.verbosity ?? 0,
          extraVars: options.extraVars ?? {},
          dependsOn,
          ...fields,
        }),
      );
      created.push(job);
      logJobState(job, { waitingOn: dependsOn.map((d) => `job ${d.id}`).join(', ') || undefined });

      return job;
    };

    const prepareRepository = policy.repository.ready
      ? null
      : ((await this.activeJob(manager, 'prepare_repository', {
          repository: policy.repository.id,
        })) ??
        (await make({
          jobType: 'prepare_repository',
          launchType: 'dependency',
          name: `Prepare repository ${policy.repository.name}`,
        })));

    for (const client of clients) {
      const prepareClient = client.ready
        ? null
        : ((await this.activeJob(manager, 'prepare_client', { client: client.id })) ??
          (await make({
            jobType: 'prepare_client',
            launchType: 'dependency',
            client,
            name: `Prepare client ${client.hostname}`,
          })));
      const before = [prepareRepository, prepareClient].filter((j): j is JobEntity => j !== null);
      const backup = await make(
        { jobType: 'job', client, name: `Backup Job ${policy.name} ${client.hostname}` },
        before,
      );
      if (settings.cyborgbackup_catalog_enabled === 'true') {
        await make(
          {
            jobType: 'catalog',
            launchType: 'dependency',
            client,
            name: `Catalog Job ${policy.name} ${client.hostname}`,
          },
          [backup],
        );
      }
      if (settings.cyborgbackup_auto_prune === 'true' && this.hasKeepRule(policy)) {
        await make(
          {
            jobType: 'prune',
            launchType: 'dependency',
            client,
            name: `Prune Job ${policy.name} ${client.hostname}`,
          },
          [backup],
        );
      }
    }
    await enqueue(manager, 'job.created', { jobIds: created.map((j) => j.id) });

    return created;
  }

  private hasKeepRule(policy: PolicyEntity): boolean {
    return [
      policy.keepHourly,
      policy.keepDaily,
      policy.keepWeekly,
      policy.keepMonthly,
      policy.keepYearly,
    ].some((keep) => keep !== null && keep > 0);
  }

  /** A preparation already waiting or running is shared rather than repeated. */
  private activeJob(
    manager: EntityManager,
    jobType: JobType,
    on: { repository?: number; client?: number },
  ): Promise<JobEntity | null> {
    return manager.findOne(JobEntity, {
      where: {
        jobType,
        status: In([...ACTIVE_JOB_STATUSES]),
        ...(on.repository ? { repository: { id: on.repository } as RepositoryEntity } : {}),
        ...(on.client ? { client: { id: on.client } as ClientEntity } : {}),
      },
    });
  }

  private async settings(manager: EntityManager): Promise<Record<string, string>> {
    const rows = await manager.find(SettingEntity);

    return Object.fromEntries(rows.map((s) => [s.key, s.value]));
  }
}
