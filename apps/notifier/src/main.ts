import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { ConfigModule } from '@cyborg/config';
import { DatabaseModule } from '@cyborg/database';
import { runService } from '@cyborg/runtime';
import { NotifierModule } from '@cyborg/notifier';

void runService('notifier', async (config) => {
  @Module({ imports: [ConfigModule.forRoot(config), DatabaseModule, NotifierModule] })
  class NotifierAppModule {}

  const app = await NestFactory.createApplicationContext(NotifierAppModule, { bufferLogs: true });
  app.enableShutdownHooks();
  new Logger('notifier').log('notifier started');
});
