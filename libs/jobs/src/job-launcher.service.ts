import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { type DeepPartial, type EntityManager, In } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

import { JobEntity, PolicyEntity, SettingEntity, type UserEntity } from '@cyborg/database';
import { ACTIVE_JOB_STATUSES, type JobType, type LaunchType } from '@cyborg/domain';
import { enqueue } from '@cyborg/messaging';

import { logJobState } from './job-log';

export interface LaunchOptions {
  launchType: LaunchType;
  actor: UserEntity | null;
  extraVars?: Record<string, unknown>;
  verbosity?: number;
}

interface NewJob {
  jobType: JobType;
  launchType?: LaunchType;
  name: string;
  client?: number;
}

/** Why a policy cannot be launched now, or null when it can. */
export function launchRefusal(policy: PolicyEntity): string | null {
  if (!policy.enabled) return 'The policy is disabled.';
  if (!policy.repository.enabled) return 'The repository of the policy is disabled.';
  if (!policy.clients.some((c) => c.enabled)) return 'The policy has no enabled client.';

  return null;
}

/** A job this launch plans (by its index in the plan) or one that already exists (by id). */
type JobRef = { planned: number; existing?: undefined } | { existing: number; planned?: undefined };

interface PlannedJob {
  fields: NewJob & { policy: number; repository: number };
  /** Jobs that must succeed first. */
  before: JobRef[];
}

/**
 * Turns policies into jobs: one backup per enabled client, plus the jobs it
 * depends on (preparing a repository or client that is not ready yet, shared
 * with a preparation already under way) and the jobs that follow it (catalog,
 * prune), as the settings ask. Everything is written in the caller's
 * transaction with one `job.created` message in the outbox, so the task
 * manager hears of exactly the jobs that were committed. Many policies are
 * launched with a handful of statements, which is what lets the scheduler
 * keep up with thousands of policies due at once.
 */
@Injectable()
export class JobLauncher {
  /** Throws ConflictException (before writing anything) when the policy cannot launch. */
  async launchPolicy(
    manager: EntityManager,
    policyId: number,
    options: LaunchOptions,
  ): Promise<number[]> {
    const { launched, refused } = await this.launchPolicies(manager, [policyId], options);
    if (refused.has(policyId)) throw new ConflictException(refused.get(policyId));
    const jobs = launched.get(policyId);
    if (!jobs) throw new NotFoundException('Not found.');

    return jobs;
  }

  /**
   * One job on its own (a relaunch, a restore, a catalog import), pending, with its
   * `job.created` message in the same transaction. The caller logs its state once committed.
   */
  async launchJob(manager: EntityManager, fields: DeepPartial<JobEntity>): Promise<JobEntity> {
    const saved = await manager.save(manager.create(JobEntity, { ...fields, status: 'pending' }));
    await enqueue(manager, 'job.created', { jobIds: [saved.id] });

    return saved;
  }

  /** Launches what can be launched; says why the others were not. Unknown ids are left out. */
  async launchPolicies(
    manager: EntityManager,
    policyIds: number[],
    options: LaunchOptions,
  ): Promise<{ launched: Map<number, number[]>; refused: Map<number, string> }> {
    const policies = await manager.find(PolicyEntity, {
      where: { id: In(policyIds) },
      relations: ['clients', 'repository'],
      order: { id: 'ASC' },
    });
    const refused = new Map<number, string>();
    const launchable = policies.filter((policy) => {
      const refusal = launchRefusal(policy);
      if (refusal) refused.set(policy.id, refusal);

      return refusal === null;
    });
    const settings = await this.settings(manager);
    const preparing = await this.preparationsUnderWay(manager, launchable);

    const planned: PlannedJob[] = [];
    const owner: number[] = [];
    const plan = (policyId: number, job: PlannedJob): number => {
      owner.push(policyId);

      return planned.push(job) - 1;
    };
    for (const policy of launchable) {
      const base = { policy: policy.id, repository: policy.repository.id };
      let prepareRepository: JobRef | null = null;
      if (!policy.repository.ready) {
        const key = `repository:${policy.repository.id}`;
        prepareRepository = preparing.get(key) ?? {
          planned: plan(policy.id, {
            fields: {
              ...base,
              jobType: 'prepare_repository',
              launchType: 'dependency',
              name: `Prepare repository ${policy.repository.name}`,
            },
            before: [],
          }),
        };
        preparing.set(key, prepareRepository);
      }
      for (const client of policy.clients.filter((c) => c.enabled).sort((a, b) => a.id - b.id)) {
        let prepareClient: JobRef | null = null;
        if (!client.ready) {
          const key = `client:${client.id}`;
          prepareClient = preparing.get(key) ?? {
            planned: plan(policy.id, {
              fields: {
                ...base,
                client: client.id,
                jobType: 'prepare_client',
                launchType: 'dependency',
                name: `Prepare client ${client.hostname}`,
              },
              before: [],
            }),
          };
          preparing.set(key, prepareClient);
        }
        const on = { ...base, client: client.id };
        const backup = plan(policy.id, {
          fields: { ...on, jobType: 'job', name: `Backup Job ${policy.name} ${client.hostname}` },
          before: [prepareRepository, prepareClient].filter((b) => b !== null),
        });
        if (settings.cyborgbackup_catalog_enabled === 'true') {
          plan(policy.id, {
            fields: {
              ...on,
              jobType: 'catalog',
              launchType: 'dependency',
              name: `Catalog Job ${policy.name} ${client.hostname}`,
            },
            before: [{ planned: backup }],
          });
        }
        if (settings.cyborgbackup_auto_prune === 'true' && this.hasKeepRule(policy)) {
          plan(policy.id, {
            fields: {
              ...on,
              jobType: 'prune',
              launchType: 'dependency',
              name: `Prune Job ${policy.name} ${client.hostname}`,
            },
            before: [{ planned: backup }],
          });
        }
      }
    }

    const ids = await this.insert(manager, planned, options);
    const launched = new Map<number, number[]>();
    ids.forEach((id, index) => {
      const policyId = owner[index];
      launched.set(policyId, [...(launched.get(policyId) ?? []), id]);
    });
    if (ids.length > 0) await enqueue(manager, 'job.created', { jobIds: ids });

    return { launched, refused };
  }

  /** Inserts the planned jobs (a plan only refers to jobs planned before it) and their dependencies. */
  private async insert(
    manager: EntityManager,
    planned: PlannedJob[],
    options: LaunchOptions,
  ): Promise<number[]> {
    if (planned.length === 0) return [];
    const actor = options.actor ? { id: options.actor.id } : null;
    const inserted = await manager.insert(
      JobEntity,
      planned.map(({ fields }) => ({
        status: 'pending' as const,
        jobType: fields.jobType,
        launchType: fields.launchType ?? options.launchType,
        name: fields.name,
        policy: { id: fields.policy },
        repository: { id: fields.repository },
        client: fields.client ? { id: fields.client } : null,
        createdBy: actor,
        modifiedBy: actor,
        verbosity: options.verbosity ?? 0,
        // jsonb: TypeORM's deep-partial type cannot describe a free-form object.
        extraVars: (options.extraVars ?? {}) as QueryDeepPartialEntity<Record<string, unknown>>,
      })),
    );
    const ids = inserted.identifiers.map((i) => (i as { id: number }).id);
    const edges = planned.flatMap((job, index) =>
      job.before.map((b) => [ids[index], b.planned !== undefined ? ids[b.planned] : b.existing]),
    );
    if (edges.length > 0) {
      await manager.query(
        `INSERT INTO job_dependencies (job_id, depends_on_id) SELECT * FROM unnest($1::int[], $2::int[])`,
        [edges.map((e) => e[0]), edges.map((e) => e[1])],
      );
    }
    planned.forEach((job, index) => {
      const waitingOn = job.before.map(
        (b) => `job ${b.planned !== undefined ? ids[b.planned] : b.existing}`,
      );
      logJobState(
        { id: ids[index], status: 'pending', executor: '' },
        { waitingOn: waitingOn.join(', ') || undefined },
      );
    });

    return ids;
  }

  private hasKeepRule(policy: PolicyEntity): boolean {
    const keeps = [
      policy.keepHourly,
      policy.keepDaily,
      policy.keepWeekly,
      policy.keepMonthly,
      policy.keepYearly,
    ];

    return keeps.some((keep) => keep !== null && keep > 0);
  }

  /** Preparations already waiting or running for these repositories and clients, to be shared. */
  private async preparationsUnderWay(
    manager: EntityManager,
    policies: PolicyEntity[],
  ): Promise<Map<string, JobRef>> {
    const repositories = policies.filter((p) => !p.repository.ready).map((p) => p.repository.id);
    const clients = policies.flatMap((p) => p.clients.filter((c) => !c.ready).map((c) => c.id));
    const found = new Map<string, JobRef>();
    if (repositories.length === 0 && clients.length === 0) return found;
    const rows = await manager.query<
      { id: number; job_type: string; repository_id: number; client_id: number }[]
    >(
      `SELECT id, job_type, repository_id, client_id FROM jobs
       WHERE status = ANY($1) AND ((job_type = 'prepare_repository' AND repository_id = ANY($2))
          OR (job_type = 'prepare_client' AND client_id = ANY($3)))`,
      [[...ACTIVE_JOB_STATUSES], repositories, clients],
    );
    for (const row of rows) {
      const key =
        row.job_type === 'prepare_repository'
          ? `repository:${row.repository_id}`
          : `client:${row.client_id}`;
      found.set(key, { existing: row.id });
    }

    return found;
  }

  private async settings(manager: EntityManager): Promise<Record<string, string>> {
    const rows = await manager.find(SettingEntity);

    return Object.fromEntries(rows.map((s) => [s.key, s.value]));
  }
}
