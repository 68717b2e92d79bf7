import { Logger } from '@nestjs/common';
import amqp, { type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';

import type { MessageMap, RoutingKey } from './messages';
import {
  DEAD_LETTER_EXCHANGE,
  deadLetterQueue,
  QUEUES,
  sharedQueueArguments,
  WORK_EXCHANGE,
} from './topology';

/** How long a publish may wait for the broker's confirm before it is reported as failed. */
const PUBLISH_TIMEOUT_MS = 30_000;

/**
 * One connection to RabbitMQ per process, reconnecting by itself. It declares
 * the whole topology on every (re)connect, so a broker that lost its state is
 * set up again, and publishes persistent messages on a confirm channel: a
 * publish resolves only once the broker has taken the message.
 */
export class AmqpConnection {
  private readonly logger = new Logger('Amqp');
  readonly manager: AmqpConnectionManager;
  private readonly publisher: ChannelWrapper;

  constructor(url: string, name: string) {
    this.manager = amqp.connect([url], {
      heartbeatIntervalInSeconds: 10,
      reconnectTimeInSeconds: 1,
      connectionOptions: { clientProperties: { connection_name: name } },
    });
    this.manager.on('connect', () => this.logger.log('connected to RabbitMQ'));
    this.manager.on('disconnect', ({ err }) =>
      this.logger.warn(`lost RabbitMQ (${err?.message ?? 'closed'}); reconnecting`),
    );
    this.publisher = this.manager.createChannel({
      confirm: true,
      publishTimeout: PUBLISH_TIMEOUT_MS,
      setup: (channel: ConfirmChannel) => declareTopology(channel),
    });
    this.publisher.on('error', (error: Error) =>
      this.logger.warn(`publisher channel: ${error.message}`),
    );
  }

  async publish<K extends RoutingKey>(
    routingKey: K,
    payload: MessageMap[K],
    headers: Record<string, string> = {},
  ): Promise<void> {
    await this.publisher.publish(WORK_EXCHANGE, routingKey, Buffer.from(JSON.stringify(payload)), {
      persistent: true,
      contentType: 'application/json',
      headers,
    });
  }

  waitForConnect(): Promise<void> {
    return this.publisher.waitForConnect();
  }

  async close(): Promise<void> {
    await this.publisher.close();
    await this.manager.close();
  }
}

export async function declareTopology(channel: ConfirmChannel): Promise<void> {
  await channel.assertExchange(WORK_EXCHANGE, 'topic', { durable: true });
  await channel.assertExchange(DEAD_LETTER_EXCHANGE, 'direct', { durable: true });
  for (const queue of Object.values(QUEUES)) {
    if (queue.kind !== 'shared') continue;
    await channel.assertQueue(queue.name, {
      durable: true,
      arguments: sharedQueueArguments(queue),
    });
    for (const key of queue.routingKeys) await channel.bindQueue(queue.name, WORK_EXCHANGE, key);
    const dead = deadLetterQueue(queue.name);
    await channel.assertQueue(dead, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await channel.bindQueue(dead, DEAD_LETTER_EXCHANGE, queue.name);
  }
}
