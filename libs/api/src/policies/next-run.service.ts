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
  }

  async refreshForRepository(repositoryId: number): Promise<void> {
    await this.refreshWhere('policy.repository_id = :id', repositoryId);
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
