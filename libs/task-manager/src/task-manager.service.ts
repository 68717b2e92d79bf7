import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import { APP_CONFIG, type AppConfig } from '@cyborg/config';
import { BackgroundTask } from '@cyborg/database';
import { logJobState } from '@cyborg/jobs';
import { enqueue, enqueueMany } from '@cyborg/messaging';

/** Only one task manager decides at a time; the others skip their turn. */
const DECISION_LOCK = 7_311_043;
/** How often the task manager looks even when no message asked it to. */
const TICK_MS = 2_000;
/** An executor whose heartbeat is older than this is gone; its capacity no longer counts. */
export const EXECUTOR_STALE_SECONDS = 30;

/**
 * Candidates read per free slot. Candidates that share a client or repository
 * with an older one wait for a later round, so more are read than there are slots.
 */
const CANDIDATES_PER_SLOT = 10;

interface Candidate {
  id: number;
  client_id: number | null;
  repository_id: number | null;
}

/**
 * Decides which pending jobs may start and dispatches them. Rules: never two
 * active jobs on one repository or one client; dependencies must have
 * succeeded; no more jobs out at once than the live executors can hold, nor
 * than MAX_RUNNING_JOBS. It also ends jobs whose executor stopped renewing
 * their lease, and fails the dependents of failed jobs.
 */
@Injectable()
export class TaskManagerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly rounds = new BackgroundTask('TaskManager', () => this.decide(), TICK_MS);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.rounds.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.rounds.stop();
  }

  /** Resolves once a decision round that started after the call has committed. */
  run(): Promise<void> {
    return this.rounds.wake();
  }

  private async decide(): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query<{ locked: boolean }[]>(
        'SELECT pg_try_advisory_xact_lock($1) AS locked',
        [DECISION_LOCK],
      );
      if (!locked) return;
      await this.reapLostJobs(manager);
      await this.failOrphans(manager);
      await this.dispatch(manager);
    });
  }

  /**
   * A running or dispatched job whose lease ran out lost its executor. If the
   * job had not touched anything remote it simply runs again; otherwise it is
   * failed with the reason, which frees its client and repository.
   */
  private async reapLostJobs(manager: EntityManager): Promise<void> {
    const lost = await manager.query<{ id: number; executor: string; work_started: boolean }[]>(
      `SELECT id, executor, work_started FROM jobs
       WHERE status IN ('waiting', 'running') AND lease_expires < now()
       FOR UPDATE SKIP LOCKED`,
    );
    for (const job of lost) {
      const who = job.executor ? `executor ${job.executor}` : 'no executor';
      if (!job.work_started) {
        await manager.query(
          `UPDATE jobs SET status = 'pending', executor = '', lease_expires = NULL, modified = now()
           WHERE id = $1`,
          [job.id],
        );
        logJobState(
          { id: job.id, status: 'pending', executor: '' },
          { explanation: `requeued: ${who} was lost before the job started` },
        );
        continue;
      }
      const explanation = `The job was lost: ${who} stopped reporting while it ran.`;
      await manager.query(
        `UPDATE jobs SET status = 'failed', failed = true, finished = now(), lease_expires = NULL,
           elapsed = EXTRACT(EPOCH FROM now() - COALESCE(started, now())), job_explanation = $2, modified = now()
         WHERE id = $1`,
        [job.id, explanation],
      );
      logJobState({ id: job.id, status: 'failed', executor: job.executor }, { explanation });
      await enqueue(manager, 'job.status', {
        jobId: job.id,
        status: 'failed',
        executor: job.executor,
      });
    }
  }

  /** Pending jobs that wait on a job that will never succeed end failed, with the reason. */
  private async failOrphans(manager: EntityManager): Promise<void> {
    for (;;) {
      const orphans = await manager.query<
        { id: number; dependency: number; dependency_status: string }[]
      >(
        `SELECT j.id, d.id AS dependency, d.status AS dependency_status
         FROM jobs j
         JOIN job_dependencies jd ON jd.job_id = j.id
         JOIN jobs d ON d.id = jd.depends_on_id
         WHERE j.status IN ('new', 'pending') AND d.status IN ('failed', 'error', 'canceled')
         FOR UPDATE OF j SKIP LOCKED`,
      );
      if (orphans.length === 0) return;
      for (const orphan of orphans) {
        const explanation = `Dependency job ${orphan.dependency} ${orphan.dependency_status === 'canceled' ? 'was canceled' : 'failed'}.`;
        await manager.query(
          `UPDATE jobs SET status = 'failed', failed = true, finished = now(), job_explanation = $2, modified = now()
           WHERE id = $1 AND status IN ('new', 'pending')`,
          [orphan.id, explanation],
        );
        logJobState({ id: orphan.id, status: 'failed', executor: '' }, { explanation });
      }
    }
  }

  private async dispatch(manager: EntityManager): Promise<void> {
    const [{ out, capacity }] = await manager.query<{ out: number; capacity: number }[]>(
      `SELECT (SELECT count(*) FROM jobs WHERE status IN ('waiting', 'running'))::int AS out,
              (SELECT COALESCE(sum(capacity), 0) FROM executors
               WHERE last_heartbeat > now() - make_interval(secs => $1))::int AS capacity`,
      [EXECUTOR_STALE_SECONDS],
    );
    let room = Math.min(capacity, this.config.maxRunningJobs) - out;
    if (room <= 0) return;

    // Jobs whose dependencies all succeeded and whose client and repository are free, oldest
    // first. Several candidates may still share a client or repository: the loop keeps one.
    const candidates = await manager.query<Candidate[]>(
      `WITH busy AS (SELECT client_id, repository_id FROM jobs WHERE status IN ('waiting', 'running'))
       SELECT j.id, j.client_id, j.repository_id FROM jobs j
       WHERE j.status = 'pending' AND NOT j.cancel_requested
         AND NOT EXISTS (SELECT 1 FROM job_dependencies jd JOIN jobs d ON d.id = jd.depends_on_id
                         WHERE jd.job_id = j.id AND d.status <> 'successful')
         AND (j.repository_id IS NULL OR j.repository_id NOT IN
              (SELECT repository_id FROM busy WHERE repository_id IS NOT NULL))
         AND (j.client_id IS NULL OR j.client_id NOT IN
              (SELECT client_id FROM busy WHERE client_id IS NOT NULL))
       ORDER BY j.id LIMIT $1`,
      [room * CANDIDATES_PER_SLOT],
    );
    const busyClients = new Set<number>();
    const busyRepositories = new Set<number>();

    const dispatched: number[] = [];
    for (const job of candidates) {
      if (room <= 0) break;
      if (job.client_id !== null && busyClients.has(job.client_id)) continue;
      if (job.repository_id !== null && busyRepositories.has(job.repository_id)) continue;
      if (job.client_id !== null) busyClients.add(job.client_id);
      if (job.repository_id !== null) busyRepositories.add(job.repository_id);
      dispatched.push(job.id);
      room--;
    }
    if (dispatched.length === 0) return;

    // The lease covers the time in the queue too: a dispatch nobody claims comes back to pending.
    // `status = 'pending'` again, because a cancel may have committed since the read above.
    const [updated] = await manager.query<[{ id: number }[], number]>(
      `UPDATE jobs SET status = 'waiting', lease_expires = now() + interval '5 minutes', modified = now()
       WHERE id = ANY($1) AND status = 'pending' AND NOT cancel_requested
       RETURNING id`,
      [dispatched],
    );
    for (const { id } of updated) logJobState({ id, status: 'waiting', executor: '' });
    await enqueueMany(
      manager,
      'job.dispatch',
      updated.map(({ id }) => ({ jobId: id })),
    );
  }
}
