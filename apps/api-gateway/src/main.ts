import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { ApiModule, configureHttpApp } from '@cyborg/api';
import { ConfigModule } from '@cyborg/config';
import { DatabaseModule } from '@cyborg/database';
import { runService } from '@cyborg/runtime';

void runService('api-gateway', async (config) => {
  @Module({ imports: [ConfigModule.forRoot(config), DatabaseModule, ApiModule] })
  class ApiGatewayAppModule {}

  const app = await NestFactory.create(ApiGatewayAppModule, {
    bodyParser: false,
    bufferLogs: true,
  });
  configureHttpApp(app, config);
  await app.listen(config.port);
  new Logger('api-gateway').log(`API listening on http://0.0.0.0:${config.port}/api/v1/`);
});
