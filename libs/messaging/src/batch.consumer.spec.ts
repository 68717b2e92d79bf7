import { EventEmitter } from 'node:events';

import type { ConfirmChannel, ConsumeMessage } from 'amqplib';

import type { AmqpConnection } from './amqp-connection';
import { BatchConsumer } from './batch.consumer';
import type { JobEventsPayload } from './messages';
import { QUEUES } from './topology';

/** The parts of an amqplib channel the consumer uses, recording acks. */
class FakeChannel extends EventEmitter {
  readonly acks: [number, boolean][] = [];
  deliver: (message: ConsumeMessage) => void = () => undefined;
  assertExchange = async () => ({});
  assertQueue = async () => ({ queue: 'q' });
  bindQueue = async () => ({});
  prefetch = async () => undefined;
  consume = async (_queue: string, callback: (message: ConsumeMessage) => void) => {
    this.deliver = callback;
  };
  ack(message: ConsumeMessage, allUpTo: boolean): void {
    this.acks.push([message.fields.deliveryTag, allUpTo]);
  }
  nack(): void {}
}

function connectionTo(channel: FakeChannel): AmqpConnection {
  return {
    manager: {
      createChannel: ({ setup }: { setup: (c: ConfirmChannel) => Promise<void> }) => {
        const ready = setup(channel as unknown as ConfirmChannel);

        return { on: () => undefined, waitForConnect: () => ready, close: async () => undefined };
      },
    },
  } as unknown as AmqpConnection;
}

function message(tag: number): ConsumeMessage {
  const payload: JobEventsPayload = { jobId: tag, jobCreated: '2026-01-01T00:00:00Z', lines: [] };

  return {
    content: Buffer.from(JSON.stringify(payload)),
    fields: { deliveryTag: tag, routingKey: 'job.events' },
  } as unknown as ConsumeMessage;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** Lets timers run until `done`, however slow the machine. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await settle();
}

describe(BatchConsumer.name, () => {
  it('acks batches stored at once in delivery order, and runs their follow-ups in that order', async () => {
    const channel = new FakeChannel();
    let releaseFirst: () => void = () => undefined;
    const first = new Promise<void>((resolve) => (releaseFirst = resolve));
    const followUps: number[][] = [];
    const consumer = new BatchConsumer<'job.events'>(
      connectionTo(channel),
      QUEUES.callbackReceiver,
      async (payloads) => {
        const ids = payloads.map((p) => p.jobId);
        if (ids.includes(1)) await first;

        return async () => void followUps.push(ids);
      },
      { prefetch: 2, lingerMs: 0, retryMs: 10, concurrency: 2 },
    );
    await consumer.start();

    channel.deliver(message(1));
    channel.deliver(message(2));
    await settle();
    channel.deliver(message(3));
    channel.deliver(message(4));
    await settle();

    expect(channel.acks).toEqual([]);
    releaseFirst();
    await until(() => followUps.length === 2);

    expect(channel.acks).toEqual([
      [2, true],
      [4, true],
    ]);
    expect(followUps).toEqual([
      [1, 2],
      [3, 4],
    ]);
    await consumer.stop();
  });

  it('retries a batch that fails instead of giving it back to the broker', async () => {
    const channel = new FakeChannel();
    let calls = 0;
    const consumer = new BatchConsumer<'job.events'>(
      connectionTo(channel),
      QUEUES.callbackReceiver,
      async () => {
        if (++calls < 3) throw new Error('store down');
      },
      { prefetch: 10, lingerMs: 0, retryMs: 5 },
    );
    await consumer.start();

    channel.deliver(message(1));
    await until(() => channel.acks.length > 0);

    expect(calls).toBe(3);
    expect(channel.acks).toEqual([[1, true]]);
    await consumer.stop();
  });

  it('never acks a batch given up at shutdown, even through a later batch', async () => {
    const channel = new FakeChannel();
    const consumer = new BatchConsumer<'job.events'>(
      connectionTo(channel),
      QUEUES.callbackReceiver,
      async (payloads) => {
        if (payloads.some((p) => p.jobId === 1)) throw new Error('store down');
      },
      { prefetch: 2, lingerMs: 0, retryMs: 5, concurrency: 2 },
    );
    await consumer.start();

    channel.deliver(message(1));
    channel.deliver(message(2));
    await settle();
    channel.deliver(message(3));
    channel.deliver(message(4));
    await settle();
    await consumer.stop();

    expect(channel.acks).toEqual([
      [3, false],
      [4, false],
    ]);
  });
});
