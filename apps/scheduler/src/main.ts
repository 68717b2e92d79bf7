import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { ConfigModule } from '@cyborg/config';
import { DatabaseModule } from '@cyborg/database';
import { runService } from '@cyborg/runtime';
import { SchedulerModule } from '@cyborg/scheduler';

void runService('scheduler', async (config) => {
  @Module({ imports: [ConfigModule.forRoot(config), DatabaseModule, SchedulerModule] })
  class SchedulerAppModule {}

  const app = await NestFactory.createApplicationContext(SchedulerAppModule, { bufferLogs: true });
  app.enableShutdownHooks();
  new Logger('scheduler').log('scheduler started');
});
