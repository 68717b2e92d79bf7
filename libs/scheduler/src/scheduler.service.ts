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
import { JobLauncher } from '@cyborg/jobs';

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
