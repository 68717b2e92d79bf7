import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';

import { TaskManagerService } from './task-manager.service';

/** Every job change wakes the task manager; the message is acked once the round is committed. */
@Controller()
export class TaskManagerController {
  constructor(private readonly taskManager: TaskManagerService) {}

  @EventPattern('job.created')
  async onJobCreated(): Promise<void> {
    await this.taskManager.run();
  }

  @EventPattern('job.status')
  async onJobStatus(): Promise<void> {
    await this.taskManager.run();
  }
}
