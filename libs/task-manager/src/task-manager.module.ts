import { Module } from '@nestjs/common';

import { QUEUES } from '@cyborg/messaging';

import { TaskManagerController } from './task-manager.controller';
import { TaskManagerService } from './task-manager.service';

/** The queues the task manager consumes. */
export const TASK_MANAGER_QUEUES = [QUEUES.taskManager];

@Module({ controllers: [TaskManagerController], providers: [TaskManagerService] })
export class TaskManagerModule {}
