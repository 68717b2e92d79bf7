import type { JobStatus } from '@cyborg/domain';

/**
 * Every message that crosses RabbitMQ, by routing key, with its payload.
 * Consumers are idempotent: delivery is at least once.
 */
export interface MessageMap {
  /** Jobs were created or changed so that the task manager should look again. */
  'job.created': { jobIds: number[] };
  /** The task manager hands a job to the executor pool. */
  'job.dispatch': { jobId: number };
  /** A job reached a new state. */
  'job.status': { jobId: number; status: JobStatus; executor: string };
  /** An operator asked to stop a running job; every executor hears it, the holder acts. */
  'job.cancel': { jobId: number };
}

export type RoutingKey = keyof MessageMap;

export interface Envelope<K extends RoutingKey = RoutingKey> {
  routingKey: K;
  payload: MessageMap[K];
}
