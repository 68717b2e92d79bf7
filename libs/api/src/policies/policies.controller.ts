import { BadRequestException, Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { APP_CONFIG, AppConfig } from '@cyborg/config';
import { runsBetween } from '@cyborg/domain';

import { CrudController } from '../common/crud.controller';
import { IdPipe } from '../common/id.pipe';
import { monthRange } from './calendar.util';
import { NextRunService } from './next-run.service';
import { PoliciesService } from './policies.service';
import { CreatePolicyDto, UpdatePolicyDto } from './policy.dto';
import { serializePolicy } from './policy.serializer';

@ApiTags('policies')
@Controller('api/v1/policies')
export class PoliciesController extends CrudController({
  service: PoliciesService,
  createDto: CreatePolicyDto,
  updateDto: UpdatePolicyDto,
  serialize: serializePolicy,
}) {
  constructor(
    private readonly policies: PoliciesService,
    private readonly nextRuns: NextRunService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super(policies);
  }

  /** This month's runs (or those of `?month=YYYY-MM`), in the configured time zone. */
  @Get(':id/calendar')
  async calendar(
    @Param('id', IdPipe) id: number,
    @Query('month') month?: string,
  ): Promise<string[]> {
    if (month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
      throw new BadRequestException({ month: ['Must be YYYY-MM.'] });
    }
    const policy = await this.policies.get(id);
    if (this.nextRuns.compute(policy) === null) return [];
    const range = monthRange(this.config.timeZone, new Date(), month);

    return runsBetween(policy.schedule.crontab, {
      ...range,
      timeZone: this.config.timeZone,
      limit: 50_000,
    }).map((run) => run.toISOString());
  }
}
