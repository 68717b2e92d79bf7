import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';

import { APP_CONFIG, AppConfig } from '@cyborg/config';
import type { UserEntity } from '@cyborg/database';
import { runsBetween } from '@cyborg/domain';

import { CurrentUser, SuperuserOnly } from '../auth/auth.decorators';
import { IdPipe } from '../common/id.pipe';
import { listRequest, toPage } from '../common/resource.service';
import { monthRange } from './calendar.util';
import { NextRunService } from './next-run.service';
import { PoliciesService } from './policies.service';
import { CreatePolicyDto, UpdatePolicyDto } from './policy.dto';
import { serializePolicy } from './policy.serializer';

@ApiTags('policies')
@Controller('api/v1/policies')
export class PoliciesController {
  constructor(
    private readonly policies: PoliciesService,
    private readonly nextRuns: NextRunService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async list(@Req() req: Request) {
    return toPage(await this.policies.list(listRequest(req)), serializePolicy);
  }

  @Post()
  @SuperuserOnly()
  async create(@CurrentUser() actor: UserEntity, @Body() body: CreatePolicyDto) {
    return serializePolicy(await this.policies.create(actor, body));
  }

  @Get(':id')
  async get(@Param('id', IdPipe) id: number) {
    return serializePolicy(await this.policies.get(id));
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

  @Patch(':id')
  @SuperuserOnly()
  async patch(
    @CurrentUser() actor: UserEntity,
    @Param('id', IdPipe) id: number,
    @Body() body: UpdatePolicyDto,
  ) {
    return serializePolicy(await this.policies.update(actor, id, body));
  }

  @Put(':id')
  @SuperuserOnly()
  async put(
    @CurrentUser() actor: UserEntity,
    @Param('id', IdPipe) id: number,
    @Body() body: UpdatePolicyDto,
  ) {
    return serializePolicy(await this.policies.update(actor, id, body));
  }

  @Delete(':id')
  @SuperuserOnly()
  @HttpCode(204)
  async remove(@Param('id', IdPipe) id: number): Promise<void> {
    await this.policies.remove(id);
  }
}
