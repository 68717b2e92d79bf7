import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import { APP_CONFIG, AppConfig } from '@cyborg/config';
import { PolicyEntity } from '@cyborg/database';
import { nextRuns } from '@cyborg/domain';

/**
 * Keeps `policies.next_run` true when a policy, its schedule or its repository
 * changes, so the API shows the next run at once. The scheduler service reads
 * and advances the same column.
 */
@Injectable()
export class NextRunService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(PolicyEntity) private readonly policies: Repository<PolicyEntity>,
  ) {}

  /** Null when nothing would launch the policy: it, its schedule or its repository is disabled. */
  compute(policy: PolicyEntity, from = new Date()): Date | null {
    if (!policy.enabled || !policy.schedule.enabled || !policy.repository.enabled) return null;
    const [next] = nextRuns(policy.schedule.crontab, {
      from,
      timeZone: this.config.timeZone,
      count: 1,
    });

    return next ?? null;
  }

  async refreshForSchedule(scheduleId: number): Promise<void> {
    await this.refreshWhere('policy.schedule_id = :id', scheduleId);
    await this.refreshChecks('check_schedule_id', scheduleId);
  }

  async refreshForRepository(repositoryId: number): Promise<void> {
    await this.refreshWhere('policy.repository_id = :id', repositoryId);
    await this.refreshChecks('id', repositoryId);
  }

  /** Keeps `repositories.next_check` true, the same way, for scheduled `borg check` jobs. */
  private async refreshChecks(column: 'id' | 'check_schedule_id', id: number): Promise<void> {
    const rows = await this.policies.manager.query<
      { id: number; enabled: boolean; crontab: string | null; schedule_enabled: boolean | null }[]
    >(
      `SELECT r.id, r.enabled, s.crontab, s.enabled AS schedule_enabled
       FROM repositories r LEFT JOIN schedules s ON s.id = r.check_schedule_id
       WHERE r.${column} = $1`,
      [id],
    );
    for (const row of rows) {
      const next =
        row.enabled && row.crontab && row.schedule_enabled
          ? (nextRuns(row.crontab, {
              from: new Date(),
              timeZone: this.config.timeZone,
              count: 1,
            })[0] ?? null)
          : null;
      await this.policies.manager.query('UPDATE repositories SET next_check = $2 WHERE id = $1', [
        row.id,
        next,
      ]);
    }
  }

  private async refreshWhere(where: string, id: number): Promise<void> {
    const policies = await this.policies
      .createQueryBuilder('policy')
      .leftJoinAndSelect('policy.schedule', 'schedule')
      .leftJoinAndSelect('policy.repository', 'repository')
      .where(where, { id })
      .getMany();
    for (const policy of policies) {
      await this.policies.update(policy.id, { nextRun: this.compute(policy) });
    }
  }
}
