import type { Client } from '@elastic/elasticsearch';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';

import { APP_CONFIG, type AppConfig } from '@cyborg/config';
import { BackgroundTask } from '@cyborg/database';
import { createSearchClient, OutputIndices } from '@cyborg/jobs';
import { AmqpConnection, BatchConsumer, QUEUES, SEARCH_INDEX_QUEUE } from '@cyborg/messaging';

import { JobEventWriter } from './job-event.writer';
import { OutputRetention } from './output-retention';
import { SearchIndexer } from './search.indexer';

/** Messages taken from RabbitMQ at once: one message often carries hundreds of lines. */
const PREFETCH = 2_000;
const LINGER_MS = 10;
const RETRY_MS = 1_000;
const RETENTION_MS = 3_600_000;

/**
 * The callback receiver: consumes `job.events` in batches into PostgreSQL and,
 * when ELASTICSEARCH_URL is set, from a queue of its own into Elasticsearch;
 * keeps partitions ahead and drops old output once an hour.
 */
@Injectable()
export class CallbackReceiverService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CallbackReceiver');
  private readonly consumers: BatchConsumer<'job.events'>[] = [];
  private readonly search: { client: Client; indices: OutputIndices } | null;
  private readonly retention: BackgroundTask;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(AmqpConnection) private readonly amqp: AmqpConnection,
    @Inject(JobEventWriter) private readonly writer: JobEventWriter,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.search = config.elasticsearchUrl
      ? {
          client: createSearchClient(config.elasticsearchUrl),
          indices: new OutputIndices(config.elasticsearchIndexPrefix),
        }
      : null;
    const retention = new OutputRetention(dataSource, writer, this.search);
    this.retention = new BackgroundTask('OutputRetention', () => retention.run(), RETENTION_MS);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Not awaited: a slow Elasticsearch must not hold up the start. Failures are logged by the
    // task and retried an hour later; the partitions ingest needs are also made on demand.
    void this.retention.wake().catch(() => undefined);
    this.retention.start();
    const options = { prefetch: PREFETCH, lingerMs: LINGER_MS, retryMs: RETRY_MS };
    this.consumers.push(
      new BatchConsumer(
        this.amqp,
        QUEUES.callbackReceiver,
        async (batch) => {
          await this.writer.store(batch);

          // Watchers hear of lines in order, once all before them are stored too.
          return () => this.writer.notify(batch);
        },
        { ...options, concurrency: 2 },
      ),
    );
    if (this.search) {
      const indexer = new SearchIndexer(this.search.client, this.dataSource, this.search.indices);
      this.consumers.push(
        new BatchConsumer(
          this.amqp,
          SEARCH_INDEX_QUEUE,
          async (batch) => void (await indexer.index(batch)),
          options,
        ),
      );
    }
    await Promise.all(this.consumers.map((c) => c.start()));
    this.logger.log(`storing job output in PostgreSQL${this.search ? ' and Elasticsearch' : ''}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
    await this.retention.stop();
    await this.search?.client.close();
  }
}
