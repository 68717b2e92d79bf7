import { Module } from '@nestjs/common';

import { QUEUES } from '@cyborg/messaging';

import { ExecutorController } from './executor.controller';
import { ExecutorService } from './executor.service';
import { OutputPublisher } from './output.publisher';

/** The queues an executor consumes: shared dispatch, and its own copy of cancel requests. */
export const EXECUTOR_QUEUES = [QUEUES.executor, QUEUES.executorControl];

@Module({ controllers: [ExecutorController], providers: [ExecutorService, OutputPublisher] })
export class ExecutorModule {}
