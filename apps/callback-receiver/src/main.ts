import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { ConfigModule } from '@cyborg/config';
import { DatabaseModule } from '@cyborg/database';
import { runService } from '@cyborg/runtime';
import { CallbackReceiverModule } from '@cyborg/callback-receiver';

void runService('callback-receiver', async (config) => {
  @Module({ imports: [ConfigModule.forRoot(config), DatabaseModule, CallbackReceiverModule] })
  class CallbackReceiverAppModule {}

  const app = await NestFactory.createApplicationContext(CallbackReceiverAppModule, {
    bufferLogs: true,
  });
  app.enableShutdownHooks();
  new Logger('callback-receiver').log('callback-receiver started');
});
