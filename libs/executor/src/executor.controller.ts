import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';

import type { MessageMap } from '@cyborg/messaging';

import { ExecutorService } from './executor.service';

@Controller()
export class ExecutorController {
  constructor(private readonly executor: ExecutorService) {}

  @EventPattern('job.dispatch')
  async onDispatch(@Payload() message: MessageMap['job.dispatch']): Promise<void> {
    await this.executor.accept(message.jobId);
  }

  @EventPattern('job.cancel')
  onCancel(@Payload() message: MessageMap['job.cancel']): void {
    this.executor.cancel(message.jobId);
  }
}
