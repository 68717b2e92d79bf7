import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import type { UserEntity } from '@cyborg/database';

import { CurrentUser } from '../auth/auth.decorators';
import { IdPipe } from '../common/id.pipe';
import { LaunchPolicyDto } from './job.dto';
import { serializeJob } from './job.serializer';
import { JobsService } from './jobs.service';

/** Running a policy now: every logged-in user may, as in the original. */
@ApiTags('policies')
@Controller('api/v1/policies')
export class PolicyLaunchController {
  constructor(private readonly jobs: JobsService) {}

  @Get(':id/launch')
  canLaunch(@Param('id', IdPipe) id: number) {
    return this.jobs.launchability(id);
  }

  /** 201 with the id of the first backup job and every job created for this run. */
  @Post(':id/launch')
  async launch(
    @CurrentUser() actor: UserEntity,
    @Param('id', IdPipe) id: number,
    @Body() body: LaunchPolicyDto,
  ) {
    const jobs = await this.jobs.launch(actor, id, body);
    const dependents = await this.jobs.dependentsOf(jobs);

    return {
      job: jobs.find((j) => j.jobType === 'job')?.id ?? null,
      jobs: jobs.map((j) => serializeJob(j, dependents)),
    };
  }
}
