import { ApiModule, configureHttpApp } from '@cyborg/api';
import { CallbackReceiverModule } from '@cyborg/callback-receiver';
import { EXECUTOR_QUEUES, ExecutorModule } from '@cyborg/executor';
import { NotifierModule } from '@cyborg/notifier';
import { runProcess } from '@cyborg/runtime';
import { SchedulerModule } from '@cyborg/scheduler';
import { TASK_MANAGER_QUEUES, TaskManagerModule } from '@cyborg/task-manager';

/** Every service in one process: the default for a single machine. */
runProcess({
  name: 'all-in-one',
  modules: [
    ApiModule,
    SchedulerModule,
    TaskManagerModule,
    ExecutorModule,
    CallbackReceiverModule,
    NotifierModule,
  ],
  queues: [...TASK_MANAGER_QUEUES, ...EXECUTOR_QUEUES],
  http: configureHttpApp,
});
