import type { AmqpConnection, JobEventsPayload } from '@cyborg/messaging';

import { OutputPublisher } from './output.publisher';

/** A broker that fails the first `failures` publishes, then keeps what it is given. */
function broker(failures = 0) {
  const published: JobEventsPayload[] = [];
  let left = failures;
  const amqp = {
    publish: jest.fn(async (_key: string, payload: JobEventsPayload) => {
      if (left-- > 0) throw new Error('broker down');
      published.push(payload);
    }),
  };

  return { amqp: amqp as unknown as AmqpConnection, published, publish: amqp.publish };
}

const job = { id: 7, created: new Date('2026-01-01T00:00:00Z') };

function line(counter: number) {
  return { counter, event: 'verbose', stdout: `line ${counter}`, data: {} };
}

describe(OutputPublisher.name, () => {
  it('sends many lines per message, in counter order, and flush waits for them all', async () => {
    const { amqp, published } = broker();
    const publisher = new OutputPublisher(amqp);

    for (let counter = 1; counter <= 1_200; counter++) await publisher.emit(job, line(counter));
    await publisher.flush(job.id);

    expect(published.map((m) => m.lines.length)).toEqual([500, 500, 200]);
    expect(published.flatMap((m) => m.lines.map((l) => l.counter))).toEqual(
      Array.from({ length: 1_200 }, (_, i) => i + 1),
    );
    expect(published[0]).toEqual(
      expect.objectContaining({ jobId: 7, jobCreated: '2026-01-01T00:00:00.000Z' }),
    );
  });

  it('retries a failed publish until the broker takes it, losing nothing', async () => {
    jest.useFakeTimers();
    try {
      const { amqp, published, publish } = broker(2);
      const publisher = new OutputPublisher(amqp);

      await publisher.emit(job, line(1));
      const flushed = publisher.flush(job.id);
      await jest.advanceTimersByTimeAsync(5_000);
      await flushed;

      expect(publish).toHaveBeenCalledTimes(3);
      expect(published.flatMap((m) => m.lines.map((l) => l.counter))).toEqual([1]);
    } finally {
      jest.useRealTimers();
    }
  });
});
