import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { ConfigModule } from '@cyborg/config';
import { DatabaseModule } from '@cyborg/database';
import { runService } from '@cyborg/runtime';
import { TaskManagerModule } from '@cyborg/task-manager';

void runService('task-manager', async (config) => {
  @Module({ imports: [ConfigModule.forRoot(config), DatabaseModule, TaskManagerModule] })
  class TaskManagerAppModule {}

  const app = await NestFactory.createApplicationContext(TaskManagerAppModule, {
    bufferLogs: true,
  });
  app.enableShutdownHooks();
  new Logger('task-manager').log('task-manager started');
});
