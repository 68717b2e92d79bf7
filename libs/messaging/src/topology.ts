import type { RoutingKey } from './messages';

/** The one exchange all work messages go through; routing keys select the queue. */
export const WORK_EXCHANGE = 'cyborg.work';
/** Where messages go after too many failed deliveries, to be looked at by a person. */
export const DEAD_LETTER_EXCHANGE = 'cyborg.dead-letter';

/** Deliveries of one message before RabbitMQ dead-letters it instead of retrying. */
export const DELIVERY_LIMIT = 5;

export interface QueueSpec {
  name: string;
  /** Routing keys bound to the queue; the consumer must handle exactly these. */
  routingKeys: RoutingKey[];
  /**
   * `shared`: one durable quorum queue that all processes of a service compete for.
   * `broadcast`: one exclusive queue per process, so every process sees every message.
   */
  kind: 'shared' | 'broadcast';
  /**
   * No delivery limit: for queues whose consumer never nacks a message it can parse and retries
   * failures in place (job output). A long outage of the store returns held messages to the
   * queue again and again (RabbitMQ's consumer timeout, broker restarts); with a limit, they
   * would end up dead-lettered.
   */
  unlimitedDeliveries?: boolean;
}

export const QUEUES = {
  taskManager: {
    name: 'cyborg.task-manager',
    routingKeys: ['job.created', 'job.status'],
    kind: 'shared',
  },
  executor: { name: 'cyborg.executor', routingKeys: ['job.dispatch'], kind: 'shared' },
  executorControl: {
    name: 'cyborg.executor-control',
    routingKeys: ['job.cancel'],
    kind: 'broadcast',
  },
  callbackReceiver: {
    name: 'cyborg.callback-receiver',
    routingKeys: ['job.events'],
    kind: 'shared',
    unlimitedDeliveries: true,
  },
} as const satisfies Record<string, QueueSpec>;

/**
 * Second copy of every `job.events` message, for the Elasticsearch indexer.
 * Declared only by the indexer (so only when ELASTICSEARCH_URL is set), never
 * with the rest of the topology: without a consumer it would only grow. While
 * Elasticsearch is down it holds the backlog. Delete it by hand when turning
 * Elasticsearch off for good.
 */
export const SEARCH_INDEX_QUEUE = {
  name: 'cyborg.search-indexer',
  routingKeys: ['job.events'],
  kind: 'shared',
  unlimitedDeliveries: true,
} as const satisfies QueueSpec;

export type QueueName = keyof typeof QUEUES;

/** Arguments of a shared queue: durable quorum queue, bounded redelivery, then dead letter. */
export function sharedQueueArguments(queue: QueueSpec): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    ...(queue.unlimitedDeliveries ? {} : { 'x-delivery-limit': DELIVERY_LIMIT }),
    'x-dead-letter-exchange': DEAD_LETTER_EXCHANGE,
    'x-dead-letter-routing-key': queue.name,
  };
}

export function deadLetterQueue(queue: string): string {
  return `${queue}.dead`;
}
