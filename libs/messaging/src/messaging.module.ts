import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';

import { APP_CONFIG, type AppConfig } from '@cyborg/config';

import { AmqpConnection } from './amqp-connection';
import { OutboxRelay } from './outbox';

@Injectable()
class MessagingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(AmqpConnection) private readonly amqp: AmqpConnection,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.amqp.close();
  }
}

/** The process's RabbitMQ connection and its outbox relay. Imported once, by each app. */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(processName: string): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        {
          provide: AmqpConnection,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => new AmqpConnection(config.amqpUrl, processName),
        },
        {
          provide: OutboxRelay,
          inject: [DataSource, AmqpConnection, APP_CONFIG],
          useFactory: (dataSource: DataSource, amqp: AmqpConnection, config: AppConfig) =>
            new OutboxRelay(dataSource, amqp, config.databaseUrl),
        },
        MessagingLifecycle,
      ],
      exports: [AmqpConnection, OutboxRelay],
    };
  }
}
