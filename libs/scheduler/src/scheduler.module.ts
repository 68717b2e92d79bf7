import { Module } from '@nestjs/common';

import { JobLauncher } from '@cyborg/jobs';

import { SchedulerService } from './scheduler.service';

@Module({ providers: [SchedulerService, JobLauncher] })
export class SchedulerModule {}
