import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { ConfigModule } from '@cyborg/config';
import { DatabaseModule } from '@cyborg/database';
import { runService } from '@cyborg/runtime';
import { ExecutorModule } from '@cyborg/executor';

void runService('executor', async (config) => {
  @Module({ imports: [ConfigModule.forRoot(config), DatabaseModule, ExecutorModule] })
  class ExecutorAppModule {}

  const app = await NestFactory.createApplicationContext(ExecutorAppModule, { bufferLogs: true });
  app.enableShutdownHooks();
  new Logger('executor').log('executor started');
});
