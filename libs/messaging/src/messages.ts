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
  /**
   * Output lines of one job, in counter order. The executor buffers lines for a
   * few milliseconds and sends them as one message; (job, counter) identifies a
   * line, so a redelivered message changes nothing.
   */
  'job.events': JobEventsPayload;
}

export interface JobEventsPayload {
  jobId: number;
  /** The job's `created`, ISO 8601: the partition key of its lines. */
  jobCreated: string;
  lines: JobEventLine[];
}

export interface JobEventLine {
  /** 1, 2, 3... per job. */
  counter: number;
  /** When the executor read the line, ISO 8601. */
  created: string;
  /** Kind of line: `verbose`, or borg's JSON type (`log_message`, `archive_progress`...). */
  event: string;
  stdout: string;
  /** borg's JSON fields for the line: levelname, msgid, progress... */
  data: Record<string, unknown>;
}

export type RoutingKey = keyof MessageMap;

export interface Envelope<K extends RoutingKey = RoutingKey> {
  routingKey: K;
  payload: MessageMap[K];
}
