import type { Client } from '@elastic/elasticsearch';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

import {
  lineLevel,
  OUTPUT_DATASET,
  type OutputDocument,
  outputDocumentId,
  outputWords,
  type OutputIndices,
} from '@cyborg/jobs';
import type { JobEventsPayload } from '@cyborg/messaging';

interface JobLabels {
  name: string;
  type: string;
  policy: { id: number | null; name: string };
  client: { id: number | null; name: string };
  repository: { id: number | null; name: string };
}

/**
 * Lines per bulk request. A consumed batch may hold a hundred thousand lines; one
 * request that large can trip a small node's memory breaker, and would then be
 * retried whole, forever.
 */
const BULK_LINES = 5_000;

/** Jobs whose names are remembered; a job's lines come together, so a small cache does. */
const LABEL_CACHE = 5_000;

/**
 * Bulk-indexes output lines into Elasticsearch, from its own RabbitMQ queue
 * (a second copy of every `job.events` message), so that Elasticsearch being
 * slow or down only lets that queue grow: PostgreSQL writes never wait for it.
 * Document ids are (job, counter), so a batch indexed twice changes nothing.
 * Lines are labelled with the names of their job, policy, client and
 * repository, read once per job from PostgreSQL.
 */
export class SearchIndexer {
  private readonly logger = new Logger('SearchIndexer');
  private readonly labels = new Map<number, JobLabels>();
  private templateReady = false;

  constructor(
    private readonly client: Client,
    private readonly dataSource: DataSource,
    private readonly indices: OutputIndices,
  ) {}

  /** Indexes the lines; throws (for the whole batch to be retried) unless all are indexed. */
  async index(messages: JobEventsPayload[]): Promise<number> {
    if (!this.templateReady) {
      await this.client.indices.putIndexTemplate(this.indices.template());
      this.templateReady = true;
    }
    const labels = await this.labelsOf(messages.map((m) => m.jobId));
    const operations: unknown[] = [];
    let count = 0;
    for (const message of messages) {
      const job = labels.get(message.jobId);
      if (!job) continue; // The job was deleted: its output goes with it.
      const index = this.indices.of(message.jobCreated);
      for (const line of message.lines) {
        operations.push(
          { index: { _index: index, _id: outputDocumentId(message.jobId, line.counter) } },
          this.document(message, line, job),
        );
        count++;
      }
    }
    for (let start = 0; start < operations.length; start += 2 * BULK_LINES) {
      await this.bulk(operations.slice(start, start + 2 * BULK_LINES));
    }

    return count;
  }

  private async bulk(operations: unknown[]): Promise<void> {
    const response = await this.client.bulk({ operations, refresh: false });
    if (response.errors) {
      const failures = response.items
        .map((item) => item.index)
        .filter((result) => result?.error !== undefined);
      // Overload (429) or a shard not ready (5xx) passes: retry. Anything else is the document's own
      // fault and would fail forever.
      const retry = failures.find((f) => f && (f.status === 429 || f.status >= 500));
      if (retry) throw new Error(`Elasticsearch answered ${retry.status} for some lines`);
      for (const f of failures) {
        this.logger.error(`line ${f?._id} not indexed: ${f?.error?.reason ?? 'unknown error'}`);
      }
    }
  }

  private document(
    message: JobEventsPayload,
    line: JobEventsPayload['lines'][number],
    job: JobLabels,
  ): OutputDocument {
    return {
      '@timestamp': line.created,
      message: line.stdout,
      log: { level: lineLevel(line.data ?? {}) },
      host: { name: job.client.name },
      event: { dataset: OUTPUT_DATASET, kind: 'event', sequence: line.counter, action: line.event },
      ecs: { version: '8.11.0' },
      cyborg: {
        job: { id: message.jobId, name: job.name, type: job.type, created: message.jobCreated },
        policy: job.policy,
        client: job.client,
        repository: job.repository,
        msgid: typeof line.data?.msgid === 'string' ? line.data.msgid : '',
        words: [...new Set(outputWords(line.stdout))],
      },
    };
  }

  private async labelsOf(jobIds: number[]): Promise<Map<number, JobLabels>> {
    const missing = [...new Set(jobIds)].filter((id) => !this.labels.has(id));
    if (missing.length > 0) {
      const rows = await this.dataSource.query<
        {
          id: number;
          name: string;
          job_type: string;
          policy_id: number | null;
          policy_name: string | null;
          client_id: number | null;
          client_name: string | null;
          repository_id: number | null;
          repository_name: string | null;
        }[]
      >(
        `SELECT j.id, j.name, j.job_type, p.id AS policy_id, p.name AS policy_name,
           c.id AS client_id, c.hostname AS client_name, r.id AS repository_id, r.name AS repository_name
         FROM jobs j
         LEFT JOIN policies p ON p.id = j.policy_id
         LEFT JOIN clients c ON c.id = j.client_id
         LEFT JOIN repositories r ON r.id = j.repository_id
         WHERE j.id = ANY($1)`,
        [missing],
      );
      if (this.labels.size + rows.length > LABEL_CACHE) this.labels.clear();
      for (const r of rows) {
        this.labels.set(r.id, {
          name: r.name,
          type: r.job_type,
          policy: { id: r.policy_id, name: r.policy_name ?? '' },
          client: { id: r.client_id, name: r.client_name ?? '' },
          repository: { id: r.repository_id, name: r.repository_name ?? '' },
        });
      }
    }

    return new Map(
      jobIds.flatMap((id) => (this.labels.has(id) ? [[id, this.labels.get(id)!]] : [])),
    );
  }
}
