import { Module } from '@nestjs/common';

import { CallbackReceiverService } from './callback-receiver.service';
import { JobEventWriter } from './job-event.writer';

/**
 * Stores the output lines executors publish (`job.events`) in PostgreSQL and,
 * when ELASTICSEARCH_URL is set, in Elasticsearch. Its consumers ack in
 * batches, so it does not go through the per-message AmqpTransport: processes
 * running it list no queue for it in `runProcess`.
 */
@Module({ providers: [JobEventWriter, CallbackReceiverService], exports: [JobEventWriter] })
export class CallbackReceiverModule {}
