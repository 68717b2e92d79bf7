import type { MessageHandler } from '@nestjs/microservices';
import { DataSource } from 'typeorm';

import { createDataSource } from '@cyborg/database';
import {
  cloneTestDatabase,
  holdBrokerLock,
  TEST_SERVER_URL,
  TestVhost,
  waitFor,
} from '@cyborg/testing';

import { AmqpConnection } from './amqp-connection';
import { AmqpTransport, MissingHandlerError } from './amqp.transport';
import { enqueue, OutboxRelay } from './outbox';
import { DELIVERY_LIMIT, deadLetterQueue, QUEUES } from './topology';

// Long enough to wait for the broker lock while the pipeline tests restart RabbitMQ.
jest.setTimeout(300_000);

/** Nest's handler type carries extra fields the transport does not use. */
function handler(fn: (payload: unknown) => Promise<void>): MessageHandler {
  return Object.assign(fn, { isEventHandler: true }) as MessageHandler;
}

async function listen(transport: AmqpTransport): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    transport.listen((error?: unknown) => {
      if (error instanceof Error) reject(error);
      else resolve();
    }),
  );
}

describe('messaging over the real RabbitMQ', () => {
  let releaseBroker: () => Promise<void>;
  let vhost: TestVhost;

  beforeAll(async () => {
    releaseBroker = await holdBrokerLock(TEST_SERVER_URL);
  });

  afterAll(() => releaseBroker());

  let amqp: AmqpConnection;
  const transports: AmqpTransport[] = [];

  beforeEach(async () => {
    vhost = await TestVhost.create();
    amqp = new AmqpConnection(vhost.url, 'messaging-test');
    await amqp.waitForConnect();
  });

  afterEach(async () => {
    await Promise.all(transports.splice(0).map((t) => t.close()));
    await amqp.close();
    await vhost.delete();
  });

  it('refuses to start when a consumed routing key has no handler', async () => {
    const transport = new AmqpTransport(amqp, [QUEUES.taskManager]);
    transport.addHandler(
      'job.created',
      handler(async () => undefined),
      true,
    );

    await expect(listen(transport)).rejects.toThrow(MissingHandlerError);
    await expect(listen(transport)).rejects.toThrow(/no handler for "job.status"/);
  });

  it('refuses a handler for a key no consumed queue receives', async () => {
    const transport = new AmqpTransport(amqp, [QUEUES.executor]);
    transport.addHandler(
      'job.dispatch',
      handler(async () => undefined),
      true,
    );
    transport.addHandler(
      'job.created',
      handler(async () => undefined),
      true,
    );

    await expect(listen(transport)).rejects.toThrow(/no queue of this process receives it/);
  });

  it('acks a message once its handler resolves', async () => {
    const seen: unknown[] = [];
    const transport = new AmqpTransport(amqp, [QUEUES.executor]);
    transports.push(transport);
    transport.addHandler(
      'job.dispatch',
      handler(async (payload) => void seen.push(payload)),
      true,
    );
    await listen(transport);

    await amqp.publish('job.dispatch', { jobId: 7 });

    await waitFor('the message', async () => seen.length === 1);
    expect(seen).toEqual([{ jobId: 7 }]);
  });

  it('redelivers a message whose handler throws, then dead-letters it after the delivery limit', async () => {
    let attempts = 0;
    const transport = new AmqpTransport(amqp, [QUEUES.executor]);
    transports.push(transport);
    transport.addHandler(
      'job.dispatch',
      handler(async () => {
        attempts++;
        throw new Error('handler failure');
      }),
      true,
    );
    await listen(transport);

    await amqp.publish('job.dispatch', { jobId: 9 });

    const dead = await waitFor(
      'the dead letter',
      async () => {
        const channel = await amqp.manager.connection!.createChannel();
        const message = await channel.get(deadLetterQueue(QUEUES.executor.name), { noAck: true });
        await channel.close();

        return message || null;
      },
      45_000,
    );
    expect(JSON.parse(dead.content.toString())).toEqual({ jobId: 9 });
    expect(attempts).toBe(DELIVERY_LIMIT + 1);
  });

  describe('outbox', () => {
    let dataSource: DataSource;
    let drop: () => Promise<void>;
    let relay: OutboxRelay;

    beforeEach(async () => {
      const database = await cloneTestDatabase();
      drop = database.drop;
      dataSource = createDataSource(database.url);
      await dataSource.initialize();
      relay = new OutboxRelay(dataSource, amqp, database.url);
    });

    afterEach(async () => {
      await relay.stop();
      await dataSource.destroy();
      await drop();
    });

    it('publishes what a committed transaction wrote and nothing of a rolled-back one', async () => {
      const seen: number[] = [];
      const transport = new AmqpTransport(amqp, [QUEUES.executor]);
      transports.push(transport);
      transport.addHandler(
        'job.dispatch',
        handler(async (payload) => void seen.push((payload as { jobId: number }).jobId)),
        true,
      );
      await listen(transport);
      await relay.start();

      await dataSource.transaction((m) => enqueue(m, 'job.dispatch', { jobId: 1 }));
      await dataSource
        .transaction(async (m) => {
          await enqueue(m, 'job.dispatch', { jobId: 2 });
          throw new Error('roll back');
        })
        .catch(() => undefined);
      await dataSource.transaction((m) => enqueue(m, 'job.dispatch', { jobId: 3 }));

      await waitFor('two messages', async () => seen.length >= 2);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(seen.sort()).toEqual([1, 3]);
      const [{ left }] = await dataSource.query<{ left: number }[]>(
        'SELECT count(*)::int AS left FROM outbox_messages',
      );
      expect(left).toBe(0);
    });
  });
});
