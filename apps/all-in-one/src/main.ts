import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { ApiModule, configureHttpApp } from '@cyborg/api';
import { CallbackReceiverModule } from '@cyborg/callback-receiver';
import { ConfigModule } from '@cyborg/config';
import { DatabaseModule } from '@cyborg/database';
import { ExecutorModule } from '@cyborg/executor';
import { NotifierModule } from '@cyborg/notifier';
import { runService } from '@cyborg/runtime';
import { SchedulerModule } from '@cyborg/scheduler';
import { TaskManagerModule } from '@cyborg/task-manager';

/** Every service in one process: the default for a single machine. */
void runService('all-in-one', async (config) => {
  @Module({
    imports: [
      ConfigModule.forRoot(config),
      DatabaseModule,
      ApiModule,
      SchedulerModule,
      TaskManagerModule,
      ExecutorModule,
      CallbackReceiverModule,
      NotifierModule,
    ],
  })
  class AllInOneAppModule {}

  const app = await NestFactory.create(AllInOneAppModule, { bodyParser: false, bufferLogs: true });
  configureHttpApp(app, config);
  await app.listen(config.port);
  new Logger('all-in-one').log(
    `All services running; API on http://0.0.0.0:${config.port}/api/v1/`,
  );
});
