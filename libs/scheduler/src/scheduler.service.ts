import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';

import { APP_CONFIG, type AppConfig } from '@cyborg/config';
import { BackgroundTask } from '@cyborg/database';
import { nextRuns } from '@cyborg/domain';
import { JobLauncher, logJobState } from '@cyborg/jobs';
import { enqueue } from '@cyborg/messaging';

/** How often the scheduler looks for due policies. */
const TICK_MS = 1_000;
/** Policies launched per transaction. */
const BATCH = 500;

interface DuePolicy {
  id: number;
  crontab: string;
  next_run: Date | null;
}

/**
 * Launches every due policy exactly once. Due rows are locked with SKIP
 * LOCKED and their `next_run` is moved past now in the same transaction as
 * the jobs are created, so several schedulers never launch one run twice,
 * and a run missed while no scheduler was up is launched once, not once per
 * missed tick. A disabled policy, schedule or repository launches nothing;
 * disabled clients are skipped by the launcher.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Scheduler');
  private readonly ticks = new BackgroundTask('Scheduler', () => this.tick(), TICK_MS);

  constructor(
    private readonly dataSource: DataSource,
    private readonly launcher: JobLauncher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.ticks.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.ticks.stop();
  }

  /** Launches what is due now; returns when nothing due is left. */
  async tick(now = new Date()): Promise<void> {
    while (await this.launchBatch(now)) {
      // Another batch may be due.
    }
    while (await this.launchChecks(now)) {
      // More repositories may be due for a check.
    }
  }

  /**
   * Scheduled `borg check` jobs, one per due repository, with the same
   * exactly-once rule as policies: rows locked SKIP LOCKED, `next_check`
   * advanced in the transaction that creates the jobs.
   */
  private async launchChecks(now: Date): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const due = await manager.query<
        { id: number; name: string; crontab: string; next_check: Date | null }[]
      >(
        `SELECT r.id, r.name, s.crontab, r.next_check
         FROM repositories r JOIN schedules s ON s.id = r.check_schedule_id
         WHERE r.enabled AND s.enabled AND (r.next_check IS NULL OR r.next_check <= $1)
         ORDER BY r.next_check NULLS FIRST, r.id
         LIMIT ${BATCH}
         FOR UPDATE OF r SKIP LOCKED`,
        [now],
      );
      const launch = due.filter((r) => r.next_check !== null);
      if (launch.length > 0) {
        const jobs = await manager.query<{ id: number }[]>(
          `INSERT INTO jobs (name, job_type, launch_type, status, repository_id)
           SELECT 'Check repository ' || n.name, 'check', 'scheduled', 'pending', n.id
           FROM unnest($1::int[], $2::text[]) AS n(id, name) RETURNING id`,
          [launch.map((r) => r.id), launch.map((r) => r.name)],
        );
        await enqueue(manager, 'job.created', { jobIds: jobs.map((j) => j.id) });
        for (const job of jobs) logJobState({ id: job.id, status: 'pending', executor: '' });
      }
      const next = due.map(
        (r) =>
          nextRuns(r.crontab, { from: now, timeZone: this.config.timeZone, count: 1 })[0] ?? null,
      );
      await manager.query(
        `UPDATE repositories SET next_check = n.next_check
         FROM unnest($1::int[], $2::timestamptz[]) AS n(id, next_check) WHERE repositories.id = n.id`,
        [due.map((r) => r.id), next],
      );

      return due.length === BATCH;
    });
  }

  private async launchBatch(now: Date): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const due = await manager.query<DuePolicy[]>(
        `SELECT p.id, s.crontab, p.next_run
         FROM policies p
         JOIN schedules s ON s.id = p.schedule_id
         JOIN repositories r ON r.id = p.repository_id
         WHERE p.enabled AND s.enabled AND r.enabled AND (p.next_run IS NULL OR p.next_run <= $1)
         ORDER BY p.next_run NULLS FIRST, p.id
         LIMIT ${BATCH}
         FOR UPDATE OF p SKIP LOCKED`,
        [now],
      );

      // A policy with no next_run yet (made before the scheduler ran) only gets one.
      const launch = due.filter((p) => p.next_run !== null).map((p) => p.id);
      if (launch.length > 0) {
        const { refused } = await this.launcher.launchPolicies(manager, launch, {
          launchType: 'scheduled',
          actor: null,
        });
        for (const [id, reason] of refused) {
          this.logger.warn(`policy ${id} is due but launches nothing: ${reason}`);
        }
      }
      const next = due.map(
        (p) =>
          nextRuns(p.crontab, { from: now, timeZone: this.config.timeZone, count: 1 })[0] ?? null,
      );
      await manager.query(
        `UPDATE policies SET next_run = n.next_run
         FROM unnest($1::int[], $2::timestamptz[]) AS n(id, next_run) WHERE policies.id = n.id`,
        [due.map((p) => p.id), next],
      );

      return due.length === BATCH;
    });
  }
}
