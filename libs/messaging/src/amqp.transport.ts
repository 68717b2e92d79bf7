import { Logger } from '@nestjs/common';
import { BaseRpcContext, type CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { lastValueFrom } from 'rxjs';

import { type AmqpConnection, declareTopology } from './amqp-connection';
import { type QueueSpec, WORK_EXCHANGE } from './topology';

/** Pause before a failed message goes back to the queue, so a poison message cannot spin. */
const RETRY_DELAY_MS = 1_000;

export class MissingHandlerError extends Error {}

/**
 * A @nestjs/microservices transport over RabbitMQ that gives what the
 * built-in RMQ transport does not: manual acknowledgement only after the
 * handler's promise resolves (so its database work is committed), a nack with
 * requeue when it throws (quorum queues count deliveries and dead-letter the
 * message after DELIVERY_LIMIT), and reconnection by itself. Handlers are
 * ordinary `@EventPattern('<routing key>')` methods.
 */
export class AmqpTransport extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger('AmqpTransport');
  private readonly channels: ChannelWrapper[] = [];

  constructor(
    private readonly connection: AmqpConnection,
    private readonly queues: QueueSpec[],
    private readonly prefetch = 20,
  ) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    try {
      this.assertHandlers();
    } catch (error) {
      callback(error);

      return;
    }
    for (const queue of this.queues) {
      const channel = this.connection.manager.createChannel({
        setup: (ch: ConfirmChannel) => this.consume(ch, queue),
      });
      // A failed setup is retried on the next reconnect; unhandled, the event would end the process.
      channel.on('error', (error: Error) =>
        this.logger.warn(`consumer of ${queue.name}: ${error.message}`),
      );
      this.channels.push(channel);
    }
    callback();
  }

  async close(): Promise<void> {
    await Promise.all(this.channels.map((c) => c.close()));
  }

  on(): never {
    throw new Error('AmqpTransport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.connection.manager as T;
  }

  /**
   * Every routing key of the consumed queues must have exactly one handler,
   * and no handler may wait for a key nobody routes here: a mistake in either
   * would lose or strand messages, so start-up stops and says which.
   */
  private assertHandlers(): void {
    const expected = new Set(this.queues.flatMap((q) => q.routingKeys as string[]));
    for (const key of expected) {
      const handler = this.messageHandlers.get(key);
      if (!handler) {
        throw new MissingHandlerError(
          `no handler for "${key}": add @EventPattern('${key}') to one controller`,
        );
      }
      if (handler.next) {
        throw new MissingHandlerError(`"${key}" has several handlers; keep exactly one`);
      }
    }
    for (const key of this.messageHandlers.keys()) {
      if (!expected.has(key)) {
        throw new MissingHandlerError(
          `a handler waits for "${key}" but no queue of this process receives it`,
        );
      }
    }
  }

  private async consume(channel: ConfirmChannel, queue: QueueSpec): Promise<void> {
    // Declared here too: this channel may come up before the publisher's has declared anything.
    await declareTopology(channel);
    await channel.prefetch(this.prefetch);
    let name = queue.name;
    if (queue.kind === 'broadcast') {
      name = (await channel.assertQueue('', { exclusive: true, autoDelete: true })).queue;
      for (const key of queue.routingKeys) await channel.bindQueue(name, WORK_EXCHANGE, key);
    }
    await channel.consume(name, (message) => {
      if (message) void this.handle(channel, message);
    });
  }

  private async handle(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    const key = message.fields.routingKey;
    const handler = this.messageHandlers.get(key);
    let payload: unknown;
    try {
      payload = JSON.parse(message.content.toString('utf8'));
    } catch {
      this.logger.error(`dead-lettering a ${key} message that is not JSON`);
      channel.nack(message, false, false);

      return;
    }
    if (!handler) {
      this.logger.error(`dead-lettering a ${key} message: no handler`);
      channel.nack(message, false, false);

      return;
    }

    try {
      const result: unknown = await handler(payload, new BaseRpcContext([message]));
      await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
      channel.ack(message);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(`${key} handler failed (${reason}); the message goes back to the queue`);
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
      try {
        channel.nack(message, false, true);
      } catch {
        // The channel closed meanwhile; the broker redelivers the unacked message by itself.
      }
    }
  }
}
