import {
  BadRequestException,
  ConflictException,
  Injectable,
  MethodNotAllowedException,
  NotFoundException,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';

import { JobEntity, PolicyEntity, type UserEntity } from '@cyborg/database';
import {
  ENCRYPTED_PLACEHOLDER,
  EXTRA_VARS_SECRET_KEYS,
  isActiveJobStatus,
  type JobStatus,
  type JobType,
  unmaskExtraVars,
  validateExtraVars,
} from '@cyborg/domain';
import { JobLauncher, launchRefusal, logJobState } from '@cyborg/jobs';
import { enqueue } from '@cyborg/messaging';

import { ListSpec } from '../common/list-query';
import { ResourceService } from '../common/resource.service';
import { SecretsService } from '../common/secrets.service';
import { AUDIT_RELATIONS } from '../common/serialize.util';
import { LaunchPolicyDto } from './job.dto';
import type { StdoutPage } from './stdout.util';

/** What each kind of job works on; a relaunch needs those objects to still exist. */
const NEEDS: Record<JobType, ('policy' | 'client' | 'repository')[]> = {
  job: ['policy', 'client', 'repository'],
  // A catalog reads an archive from its repository; an import job has no policy or client.
  catalog: ['repository'],
  prune: ['policy', 'client', 'repository'],
  check: ['repository'],
  restore: ['client', 'repository'],
  prepare_client: ['client'],
  prepare_repository: ['repository'],
  prepare_hypervisor: ['client'],
};

interface StateChange {
  id: number;
  status: JobStatus;
  executor: string;
  explanation: string;
}

@Injectable()
export class JobsService extends ResourceService<JobEntity> {
  protected readonly relations = [...AUDIT_RELATIONS, 'policy', 'client', 'repository'];
  protected readonly listSpec: ListSpec = {
    alias: 'job',
    joins: { policy: 'job.policy', client: 'job.client', repository: 'job.repository' },
    fields: {
      id: { path: 'job.id', type: 'number' },
      name: { path: 'job.name', type: 'string' },
      description: { path: 'job.description', type: 'string' },
      job_type: { path: 'job.jobType', type: 'string' },
      launch_type: { path: 'job.launchType', type: 'string' },
      status: { path: 'job.status', type: 'string' },
      failed: { path: 'job.failed', type: 'boolean' },
      started: { path: 'job.started', type: 'date' },
      finished: { path: 'job.finished', type: 'date' },
      elapsed: { path: 'job.elapsed', type: 'number' },
      archive_name: { path: 'job.archiveName', type: 'string' },
      original_size: { path: 'job.originalSize', type: 'number' },
      compressed_size: { path: 'job.compressedSize', type: 'number' },
      deduplicated_size: { path: 'job.deduplicatedSize', type: 'number' },
      job_explanation: { path: 'job.jobExplanation', type: 'string' },
      executor: { path: 'job.executor', type: 'string' },
      created: { path: 'job.created', type: 'date' },
      modified: { path: 'job.modified', type: 'date' },
      created_by: { path: 'job.createdBy', type: 'number' },
      policy: { path: 'job.policy', type: 'number' },
      policy__name: { path: 'policy.name', type: 'string', join: 'policy' },
      policy__policy_type: { path: 'policy.policyType', type: 'string', join: 'policy' },
      client: { path: 'job.client', type: 'number' },
      client__hostname: { path: 'client.hostname', type: 'string', join: 'client' },
      repository: { path: 'job.repository', type: 'number' },
      repository__name: { path: 'repository.name', type: 'string', join: 'repository' },
    },
    search: ['name', 'archive_name'],
  };

  constructor(
    @InjectRepository(JobEntity) jobs: Repository<JobEntity>,
    @InjectRepository(PolicyEntity) private readonly policies: Repository<PolicyEntity>,
    private readonly dataSource: DataSource,
    private readonly launcher: JobLauncher,
    private readonly secrets: SecretsService,
  ) {
    super(jobs);
  }

  /** For each job, the ids of the jobs that wait on it. */
  async dependentsOf(jobs: JobEntity[]): Promise<Map<number, number[]>> {
    const dependents = new Map(jobs.map((j) => [j.id, [] as number[]]));
    if (jobs.length === 0) return dependents;

    const rows: { job_id: number; depends_on_id: number }[] = await this.repository.query(
      `SELECT job_id, depends_on_id FROM job_dependencies
       WHERE depends_on_id = ANY($1) ORDER BY job_id`,
      [jobs.map((j) => j.id)],
    );
    for (const row of rows) dependents.get(row.depends_on_id)?.push(row.job_id);

    return dependents;
  }

  async launchability(policyId: number): Promise<{ can_launch: boolean; reason?: string }> {
    const reason = launchRefusal(await this.policy(policyId));

    return reason === null ? { can_launch: true } : { can_launch: false, reason };
  }

  /** Creates the jobs of one run of the policy; 409 when it cannot run. */
  async launch(actor: UserEntity, policyId: number, body: LaunchPolicyDto): Promise<JobEntity[]> {
    const policy = await this.policy(policyId);
    const extraVars = body.extra_vars && this.launchExtraVars(policy, body.extra_vars);
    const created = await this.dataSource.transaction((manager) =>
      this.launcher.launchPolicy(manager, policyId, {
        launchType: 'manual',
        actor,
        extraVars,
        verbosity: body.verbosity,
      }),
    );

    return this.loadMany(created);
  }

  async start(actor: UserEntity, id: number): Promise<void> {
    const job = await this.dataSource.transaction(async (manager) => {
      const locked = await this.lock(manager, id);
      if (locked.status !== 'new') {
        throw new MethodNotAllowedException(
          `Only a new job can be started; job ${id} is ${locked.status}.`,
        );
      }
      await manager.update(JobEntity, id, { status: 'pending', modifiedBy: actor });
      await enqueue(manager, 'job.created', { jobIds: [id] });

      return locked;
    });

    logJobState({ ...job, status: 'pending' }, { explanation: `started by ${actor.email}` });
  }

  /**
   * A job no executor holds yet ends at once, and the jobs waiting on it fail;
   * a running job is flagged and its executor told to stop it, which it
   * records as canceled.
   */
  async cancel(actor: UserEntity, id: number): Promise<void> {
    const changes = await this.dataSource.transaction(async (manager) => {
      const job = await this.lock(manager, id);
      if (!isActiveJobStatus(job.status)) {
        throw new MethodNotAllowedException(`Job ${id} has already finished (${job.status}).`);
      }
      if (job.status === 'running') {
        await manager.update(JobEntity, id, { cancelRequested: true, modifiedBy: actor });
        await enqueue(manager, 'job.cancel', { jobId: id });

        const requested: StateChange = {
          id,
          status: job.status,
          executor: job.executor,
          explanation: `cancel requested by ${actor.email}; the executor stops the job`,
        };

        return [requested];
      }

      const canceled: StateChange = {
        id,
        status: 'canceled',
        executor: job.executor,
        explanation: `Canceled by ${actor.email}.`,
      };
      // The flag also keeps an executor from claiming it, should a dispatch already be queued.
      await manager.update(JobEntity, id, {
        status: 'canceled',
        failed: true,
        cancelRequested: true,
        finished: () => 'now()',
        leaseExpires: null,
        jobExplanation: canceled.explanation,
        modifiedBy: actor,
      });
      const changes = [canceled, ...(await this.failDependents(manager, id))];
      for (const change of changes) {
        await enqueue(manager, 'job.status', {
          jobId: change.id,
          status: change.status,
          executor: change.executor,
        });
      }

      return changes;
    });

    for (const change of changes) logJobState(change, { explanation: change.explanation });
  }

  relaunchRefusal(job: JobEntity): { status: 405 | 409; reason: string } | null {
    if (isActiveJobStatus(job.status)) {
      return { status: 405, reason: `Job ${job.id} is still ${job.status}.` };
    }
    const gone = NEEDS[job.jobType].find((field) => job[field] === null);
    if (gone) return { status: 409, reason: `The ${gone} of job ${job.id} no longer exists.` };

    return null;
  }

  /** A new pending job doing the same work again; it does not wait on any other job. */
  async relaunch(actor: UserEntity, id: number): Promise<JobEntity> {
    const source = await this.get(id);
    const refusal = this.relaunchRefusal(source);
    if (refusal?.status === 405) throw new MethodNotAllowedException(refusal.reason);
    if (refusal) throw new ConflictException(refusal.reason);

    const job = await this.dataSource.transaction((manager) =>
      this.launcher.launchJob(manager, {
        name: source.name,
        description: source.description,
        jobType: source.jobType,
        launchType: 'relaunch',
        policy: source.policy,
        client: source.client,
        repository: source.repository,
        // A backup names its archive when it runs; the other jobs work on a given one.
        archiveName: source.jobType === 'job' ? '' : source.archiveName,
        extraVars: source.extraVars,
        verbosity: source.verbosity,
        timeoutSeconds: source.timeoutSeconds,
        createdBy: actor,
        modifiedBy: actor,
      }),
    );
    logJobState(job, { explanation: `relaunch of job ${id} by ${actor.email}` });

    return this.get(job.id);
  }

  /** Deletes a finished job with its output; an active one must be canceled first. */
  async delete(id: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const job = await this.lock(manager, id);
      if (isActiveJobStatus(job.status)) {
        throw new MethodNotAllowedException(
          `Job ${id} is ${job.status}; cancel it or wait until it ends before deleting it.`,
        );
      }
      await manager.delete(JobEntity, id);
    });
  }

  /** Output lines `start` to `end` (excluded), one per event in counter order. */
  async stdout(id: number, start: number, end: number | null): Promise<StdoutPage> {
    if (!(await this.repository.existsBy({ id }))) throw new NotFoundException('Not found.');

    const [{ total }]: { total: number }[] = await this.repository.query(
      'SELECT count(*)::int AS total FROM job_events WHERE job_id = $1',
      [id],
    );
    const rows: { stdout: string }[] = await this.repository.query(
      `SELECT stdout FROM job_events WHERE job_id = $1 ORDER BY counter OFFSET $2 LIMIT $3`,
      [id, start, end === null ? null : end - start],
    );

    return { start: Math.min(start, total), lines: rows.map((r) => r.stdout), total };
  }

  private async policy(id: number): Promise<PolicyEntity> {
    const policy = await this.policies.findOne({
      where: { id },
      relations: ['clients', 'repository'],
    });
    if (!policy) throw new NotFoundException('Not found.');

    return policy;
  }

  /**
   * The options of one run are checked with the policy's own under them, and
   * stored with their secrets encrypted, like a policy's.
   */
  private launchExtraVars(
    policy: PolicyEntity,
    incoming: Record<string, unknown>,
  ): Record<string, unknown> {
    const own = unmaskExtraVars(incoming, null);
    const errors = validateExtraVars(policy.policyType, { ...policy.extraVars, ...own });
    if (errors.length > 0) throw new BadRequestException({ extra_vars: errors });

    for (const key of EXTRA_VARS_SECRET_KEYS) {
      const sent = own[key];
      if (typeof sent === 'string' && sent !== '' && sent !== ENCRYPTED_PLACEHOLDER) {
        own[key] = this.secrets.encrypt(sent);
      }
    }

    return own;
  }

  private async lock(manager: EntityManager, id: number): Promise<JobEntity> {
    const job = await manager.findOne(JobEntity, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
    if (!job) throw new NotFoundException('Not found.');

    return job;
  }

  /**
   * Jobs that wait, directly or through others, on a canceled job can never
   * run; they fail now, each naming the job it waited on.
   */
  private async failDependents(manager: EntityManager, canceledId: number): Promise<StateChange[]> {
    const changes: StateChange[] = [];
    let frontier = [canceledId];
    while (frontier.length > 0) {
      const rows: { id: number; depends_on_id: number }[] = await manager.query(
        `SELECT j.id, jd.depends_on_id FROM jobs j
         JOIN job_dependencies jd ON jd.job_id = j.id
         WHERE jd.depends_on_id = ANY($1) AND j.status IN ('new', 'pending')
         ORDER BY j.id FOR UPDATE OF j`,
        [frontier],
      );
      const failed = new Map<number, number>();
      for (const row of rows) if (!failed.has(row.id)) failed.set(row.id, row.depends_on_id);

      for (const [id, dependency] of failed) {
        const explanation =
          dependency === canceledId
            ? `Dependency job ${dependency} was canceled.`
            : `Dependency job ${dependency} failed.`;
        await manager.query(
          `UPDATE jobs SET status = 'failed', failed = true, finished = now(),
             job_explanation = $2, modified = now()
           WHERE id = $1`,
          [id, explanation],
        );
        changes.push({ id, status: 'failed', executor: '', explanation });
      }
      frontier = [...failed.keys()];
    }

    return changes;
  }
}
