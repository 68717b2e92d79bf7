import { Inject, Injectable, Logger } from '@nestjs/common';

import { AmqpConnection, type JobEventLine } from '@cyborg/messaging';

/** Lines gathered before a message goes out, whichever comes first of this and LINGER_MS. */
const MAX_LINES = 500;
const LINGER_MS = 5;
/** Lines of a job not yet confirmed by the broker before `emit` makes the runner wait. */
const HIGH_WATER = 20_000;
const RETRY_MS = 1_000;

interface JobBuffer {
  jobCreated: string;
  lines: JobEventLine[];
  timer: NodeJS.Timeout | null;
  /** Publishes of this job still waiting for the broker's confirm, in order. */
  sending: Promise<void>;
  unconfirmed: number;
}

/**
 * Sends a job's output lines to the callback receiver as `job.events`
 * messages. Lines are gathered for a few milliseconds so that one message
 * carries many (a chatty borg prints thousands a second); each line keeps its
 * counter and time, so a message the broker delivers twice is stored once.
 * A publish that fails (RabbitMQ down) is retried until it goes through:
 * output is never dropped, and `flush` waits for it.
 */
@Injectable()
export class OutputPublisher {
  private readonly logger = new Logger('OutputPublisher');
  private readonly jobs = new Map<number, JobBuffer>();

  constructor(@Inject(AmqpConnection) private readonly amqp: AmqpConnection) {}

  /** Queues one line; resolves at once unless too much of this job's output is unconfirmed. */
  async emit(
    job: { id: number; created: Date },
    line: Omit<JobEventLine, 'created'> & { created?: string },
  ): Promise<void> {
    let buffer = this.jobs.get(job.id);
    if (!buffer) {
      buffer = {
        jobCreated: job.created.toISOString(),
        lines: [],
        timer: null,
        sending: Promise.resolve(),
        unconfirmed: 0,
      };
      this.jobs.set(job.id, buffer);
    }
    buffer.lines.push({ ...line, created: line.created ?? new Date().toISOString() });
    buffer.unconfirmed++;
    if (buffer.lines.length >= MAX_LINES) this.send(job.id, buffer);
    else buffer.timer ??= setTimeout(() => this.send(job.id, buffer), LINGER_MS);
    if (buffer.unconfirmed > HIGH_WATER) await buffer.sending;
  }

  /** Resolves once every line emitted for the job is confirmed by the broker. */
  async flush(jobId: number): Promise<void> {
    const buffer = this.jobs.get(jobId);
    if (!buffer) return;
    this.send(jobId, buffer);
    await buffer.sending;
    if (buffer.lines.length === 0 && buffer.unconfirmed === 0) this.jobs.delete(jobId);
  }

  private send(jobId: number, buffer: JobBuffer): void {
    if (buffer.timer) clearTimeout(buffer.timer);
    buffer.timer = null;
    if (buffer.lines.length === 0) return;
    const payload = { jobId, jobCreated: buffer.jobCreated, lines: buffer.lines };
    buffer.lines = [];
    // Chained: messages of one job leave in counter order.
    buffer.sending = buffer.sending.then(async () => {
      await this.publishUntilConfirmed(payload);
      buffer.unconfirmed -= payload.lines.length;
    });
  }

  private async publishUntilConfirmed(payload: {
    jobId: number;
    jobCreated: string;
    lines: JobEventLine[];
  }): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.amqp.publish('job.events', payload);

        return;
      } catch (error) {
        if (attempt === 1) {
          const reason = error instanceof Error ? error.message : String(error);
          this.logger.warn(`job ${payload.jobId}: output not published (${reason}); retrying`);
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }
}
