import {
  type DynamicModule,
  type INestApplication,
  Logger,
  Module,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { type AppConfig, ConfigModule } from '@cyborg/config';
import { DatabaseModule } from '@cyborg/database';
import { AmqpConnection, AmqpTransport, MessagingModule, type QueueSpec } from '@cyborg/messaging';

import { runService } from './run-service';

export interface ProcessSpec {
  /** Shown in logs and as the RabbitMQ connection name. */
  name: string;
  /** The service modules this process runs. */
  modules: (Type | DynamicModule)[];
  /** The queues their @EventPattern handlers consume; each key must have exactly one handler. */
  queues: QueueSpec[];
  /** Given for processes that serve HTTP: sets the app up before it listens on PORT. */
  http?: (app: INestApplication, config: AppConfig) => void;
}

/**
 * Starts one process of the system: configuration, database, RabbitMQ, the
 * given service modules, their message consumers and, when asked, the HTTP
 * server. Every app's main.ts is one call to this.
 */
export function runProcess(spec: ProcessSpec): void {
  void runService(spec.name, async (config) => {
    @Module({
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        MessagingModule.forRoot(spec.name),
        ...spec.modules,
      ],
    })
    class ProcessModule {}

    const app = await NestFactory.create(ProcessModule, { bodyParser: false });
    app.enableShutdownHooks();
    if (spec.queues.length > 0) {
      app.connectMicroservice({
        strategy: new AmqpTransport(app.get(AmqpConnection), spec.queues),
      });
    }
    spec.http?.(app, config);
    await app.startAllMicroservices();
    if (spec.http) {
      await app.listen(config.port);
      new Logger(spec.name).log(`started; API on http://0.0.0.0:${config.port}/api/v1/`);
    } else {
      await app.init();
      new Logger(spec.name).log('started');
    }
  });
}
