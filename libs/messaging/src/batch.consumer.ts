import { Logger } from '@nestjs/common';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';

import { type AmqpConnection, declareTopology } from './amqp-connection';
import type { MessageMap, RoutingKey } from './messages';
import {
  deadLetterQueue,
  DEAD_LETTER_EXCHANGE,
  type QueueSpec,
  sharedQueueArguments,
  WORK_EXCHANGE,
} from './topology';

export interface BatchConsumerOptions {
  /** Unacked messages the broker may hand over at once; also the largest batch. */
  prefetch: number;
  /** How long the first message of a batch waits for others before the batch is written. */
  lingerMs: number;
  /** Pause before a failed batch is tried again. */
  retryMs: number;
  /**
   * Batches stored at the same time (default 1). Whatever order they finish in, batches are
   * acked, and their follow-ups run, in delivery order.
   */
  concurrency?: number;
}

/** What the handler may ask to run once its batch is acked, in delivery order (a NOTIFY...). */
export type AfterAck = () => Promise<void>;

interface Delivery<P> {
  channel: ConfirmChannel;
  message: ConsumeMessage;
  payload: P;
}

/**
 * Consumes one shared queue in batches: up to `prefetch` messages are handed
 * to the handler at once, and acked together (one multiple-ack) only after the
 * handler resolved, i.e. after the batch is stored.
 *
 * Unlike AmqpTransport it never nacks a batch that fails: quorum queues count
 * nacks toward the delivery limit, and a store being down (PostgreSQL
 * restarting, Elasticsearch stopped) is no reason to dead-letter output. The
 * batch is retried in place until it is stored; meanwhile the broker holds the
 * rest. If the channel closes, unacked messages are redelivered by the broker
 * and the handler must treat repeats as no-ops (idempotent writes).
 */
export class BatchConsumer<K extends RoutingKey> {
  private readonly logger: Logger;
  private channel: ChannelWrapper | null = null;
  private pending: Delivery<MessageMap[K]>[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** Settles when the newest batch taken has been acked (or given up). */
  private previous: Promise<void> = Promise.resolve();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly queue: QueueSpec,
    private readonly handle: (payloads: MessageMap[K][]) => Promise<void | AfterAck>,
    private readonly options: BatchConsumerOptions,
  ) {
    this.logger = new Logger(`BatchConsumer ${queue.name}`);
  }

  async start(): Promise<void> {
    this.channel = this.connection.manager.createChannel({
      setup: (ch: ConfirmChannel) => this.setup(ch),
    });
    this.channel.on('error', (error: Error) =>
      this.logger.warn(`consumer channel: ${error.message}`),
    );
    await this.channel.waitForConnect();
  }

  /** Stops consuming, lets the running batch finish, and leaves the rest to the broker. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled(this.running);
    await this.channel?.close();
  }

  private async setup(channel: ConfirmChannel): Promise<void> {
    channel.on('close', () => closedChannels.add(channel));
    await declareTopology(channel);
    // Queues outside QUEUES (the search indexer's) are declared by their consumer alone.
    await channel.assertQueue(this.queue.name, {
      durable: true,
      arguments: sharedQueueArguments(this.queue),
    });
    for (const key of this.queue.routingKeys) {
      await channel.bindQueue(this.queue.name, WORK_EXCHANGE, key);
    }
    const dead = deadLetterQueue(this.queue.name);
    await channel.assertQueue(dead, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await channel.bindQueue(dead, DEAD_LETTER_EXCHANGE, this.queue.name);
    await channel.prefetch(this.options.prefetch);
    await channel.consume(this.queue.name, (message) => {
      if (message) this.receive(channel, message);
    });
  }

  private receive(channel: ConfirmChannel, message: ConsumeMessage): void {
    let payload: MessageMap[K];
    try {
      payload = JSON.parse(message.content.toString('utf8')) as MessageMap[K];
    } catch {
      this.logger.error(`dead-lettering a ${message.fields.routingKey} message that is not JSON`);
      channel.nack(message, false, false);

      return;
    }
    this.pending.push({ channel, message, payload });
    if (this.pending.length >= this.options.prefetch) this.schedule(0);
    else if (!this.timer) this.schedule(this.options.lingerMs);
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.startBatch();
    }, delayMs);
  }

  /** Takes what is pending as one batch, unless `concurrency` batches are being stored. */
  private startBatch(): void {
    if (this.pending.length === 0 || this.running.size >= (this.options.concurrency ?? 1)) return;
    const batch = this.pending;
    this.pending = [];
    const previous = this.previous;
    const run = this.flush(batch, previous).finally(() => {
      this.running.delete(run);
      // Messages that arrived meanwhile, or a slot now free: go on.
      if (this.pending.length > 0 && !this.timer) this.schedule(0);
    });
    this.running.add(run);
    this.previous = run;
  }

  /** Stores one batch (retrying until it is stored), then acks it after the batch before it. */
  private async flush(batch: Delivery<MessageMap[K]>[], previous: Promise<void>): Promise<void> {
    let afterAck: void | AfterAck;
    for (let attempt = 1; ; attempt++) {
      if (this.stopped || batch.every((d) => closed(d.channel))) {
        // Left unacked for the broker to redeliver. A later batch on the same channel must not
        // ack these with its multiple-ack.
        for (const d of batch) unacked.add(d.channel);
        await previous;

        return;
      }
      try {
        afterAck = await this.handle(batch.map((d) => d.payload));
        break;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (attempt === 1 || attempt % 30 === 0) {
          this.logger.warn(`batch of ${batch.length} not stored (${reason}); retrying`);
        }
        await new Promise((resolve) => setTimeout(resolve, this.options.retryMs));
      }
    }
    // A multiple-ack covers every earlier delivery: the batches before must be stored first.
    await previous;
    this.ack(batch);
    await afterAck?.().catch((error: unknown) =>
      this.logger.warn(`after a batch: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  /**
   * One multiple-ack per channel, for the newest delivery of the batch on it; one ack per message
   * on a channel where an earlier batch was left unacked.
   */
  private ack(batch: Delivery<MessageMap[K]>[]): void {
    const newest = new Map<ConfirmChannel, ConsumeMessage>();
    for (const d of batch) {
      if (unacked.has(d.channel)) tryAck(d.channel, d.message, false);
      else newest.set(d.channel, d.message);
    }
    for (const [channel, message] of newest) tryAck(channel, message, true);
  }
}

/** Channels that closed (broker restart, lost connection): their deliveries cannot be acked. */
const closedChannels = new WeakSet<ConfirmChannel>();

function closed(channel: ConfirmChannel): boolean {
  return closedChannels.has(channel);
}

/** Channels with deliveries deliberately left unacked (a batch given up at shutdown). */
const unacked = new WeakSet<ConfirmChannel>();

function tryAck(channel: ConfirmChannel, message: ConsumeMessage, allUpTo: boolean): void {
  try {
    channel.ack(message, allUpTo);
  } catch {
    // The channel closed meanwhile; the broker redelivers and the writes are idempotent.
  }
}
