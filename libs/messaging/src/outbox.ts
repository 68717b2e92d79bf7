import type { DataSource, EntityManager } from 'typeorm';

import { BackgroundTask, PgListener } from '@cyborg/database';

import type { AmqpConnection } from './amqp-connection';
import type { MessageMap, RoutingKey } from './messages';

const NOTIFY_CHANNEL = 'cyborg_outbox';
const BATCH = 200;
/** How often the relay looks even without a notification (a lost NOTIFY, a restart). */
const POLL_MS = 1_000;

/**
 * Writes a message in the caller's transaction: it is published if and only
 * if the transaction commits, even when RabbitMQ is down at that moment.
 */
export async function enqueue<K extends RoutingKey>(
  manager: EntityManager,
  routingKey: K,
  payload: MessageMap[K],
): Promise<void> {
  await enqueueMany(manager, routingKey, [payload]);
}

/** `enqueue` for many messages of one kind, in two statements. */
export async function enqueueMany<K extends RoutingKey>(
  manager: EntityManager,
  routingKey: K,
  payloads: MessageMap[K][],
): Promise<void> {
  if (payloads.length === 0) return;
  await manager.query(
    `INSERT INTO outbox_messages (routing_key, payload) SELECT $1, unnest($2::jsonb[])`,
    [routingKey, payloads.map((p) => JSON.stringify(p))],
  );
  await manager.query(`SELECT pg_notify($1, '')`, [NOTIFY_CHANNEL]);
}

/**
 * Moves committed outbox rows to RabbitMQ. Rows are locked with SKIP LOCKED,
 * published with confirms, and deleted in the same transaction, so several
 * relays share the work and a crash between publish and delete only repeats
 * a message (consumers are idempotent), never loses one.
 */
export class OutboxRelay {
  private readonly listener: PgListener;
  private readonly drains: BackgroundTask;

  constructor(
    private readonly dataSource: DataSource,
    private readonly amqp: AmqpConnection,
    databaseUrl: string,
  ) {
    this.drains = new BackgroundTask('Outbox', () => this.drain(), POLL_MS);
    this.listener = new PgListener(databaseUrl, NOTIFY_CHANNEL, () => this.wake());
  }

  async start(): Promise<void> {
    this.drains.start();
    await this.listener.start();
    this.wake();
  }

  async stop(): Promise<void> {
    await this.listener.stop();
    await this.drains.stop();
  }

  /** Starts a drain, or asks the running one to go round once more. */
  wake(): void {
    // A failed drain (RabbitMQ down) is logged by the task and retried on the next poll.
    void this.drains.wake().catch(() => undefined);
  }

  private async drain(): Promise<void> {
    for (;;) {
      const moved = await this.dataSource.transaction(async (manager) => {
        const rows: { id: string; routing_key: RoutingKey; payload: MessageMap[RoutingKey] }[] =
          await manager.query(
            `SELECT id, routing_key, payload FROM outbox_messages
             ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
          );
        if (rows.length === 0) return 0;
        await Promise.all(rows.map((r) => this.amqp.publish(r.routing_key, r.payload)));
        await manager.query(`DELETE FROM outbox_messages WHERE id = ANY($1)`, [
          rows.map((r) => r.id),
        ]);

        return rows.length;
      });
      if (moved < BATCH) return;
    }
  }
}
