import type { Client } from '@elastic/elasticsearch';
import type { estypes } from '@elastic/elasticsearch';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { APP_CONFIG, type AppConfig } from '@cyborg/config';
import {
  createSearchClient,
  LINE_LEVEL_SQL,
  type OutputDocument,
  OutputIndices,
  OUTPUT_WORDS_SQL,
} from '@cyborg/jobs';

import { highlight } from './highlight.util';
import type { LogSearchQuery } from './log-search.query';

/** One line found, the same from both backends. */
export interface LogHit {
  type: 'job_event';
  job: number;
  job_name: string;
  counter: number;
  event: string;
  level: string;
  created: string;
  client: number | null;
  policy: number | null;
  repository: number | null;
  stdout: string;
  /** The line with the searched words in `<em>`, HTML-escaped. */
  highlight: string;
}

export interface LogSearchResult {
  count: number;
  hits: LogHit[];
}

/**
 * Jobs considered when filtering Elasticsearch by job status: the status lives
 * in PostgreSQL (it changes after the lines are indexed), so the matching jobs
 * are looked up there and passed as a list. Only the newest this many are.
 */
const STATUS_JOBS_LIMIT = 10_000;

/**
 * Searches job output: in Elasticsearch when ELASTICSEARCH_URL is set, else
 * with PostgreSQL's full-text search. Both see the same words (letter and
 * digit runs, lower-cased), match lines holding all of them, apply the same
 * filters and order (a job's lines in counter order; across jobs, newest
 * first), and answer in the same shape.
 */
@Injectable()
export class LogSearchService implements OnApplicationShutdown {
  private readonly search: { client: Client; indices: OutputIndices } | null;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.search = config.elasticsearchUrl
      ? {
          client: createSearchClient(config.elasticsearchUrl),
          indices: new OutputIndices(config.elasticsearchIndexPrefix),
        }
      : null;
  }

  get backend(): 'elasticsearch' | 'postgresql' {
    return this.search ? 'elasticsearch' : 'postgresql';
  }

  find(query: LogSearchQuery): Promise<LogSearchResult> {
    return this.search ? this.findInElasticsearch(query, this.search) : this.findInPostgres(query);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.search?.client.close();
  }

  private async findInPostgres(query: LogSearchQuery): Promise<LogSearchResult> {
    const params: unknown[] = [query.words.join(' ')];
    const where = [`${OUTPUT_WORDS_SQL} @@ plainto_tsquery('simple', $1)`];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.job !== null) add('e.job_id = ?', query.job);
    if (query.client !== null) add('j.client_id = ?', query.client);
    if (query.policy !== null) add('j.policy_id = ?', query.policy);
    if (query.status !== null) add('j.status = ?', query.status);
    if (query.level !== null) add(`${LINE_LEVEL_SQL} = ?`, query.level);
    if (query.since !== null) add('e.created >= ?', query.since);
    if (query.until !== null) add('e.created <= ?', query.until);
    const from = `FROM job_events e JOIN jobs j ON j.id = e.job_id WHERE ${where.join(' AND ')}`;
    const order =
      query.job !== null ? 'e.counter ASC' : 'e.created DESC, e.job_id DESC, e.counter DESC';

    const [{ count }] = await this.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count ${from}`,
      params,
    );
    const rows = await this.dataSource.query<
      {
        job_id: number;
        job_name: string;
        counter: number;
        event: string;
        level: string;
        created: Date;
        client_id: number | null;
        policy_id: number | null;
        repository_id: number | null;
        stdout: string;
      }[]
    >(
      `SELECT e.job_id, j.name AS job_name, e.counter, e.event, ${LINE_LEVEL_SQL} AS level,
         e.created, j.client_id, j.policy_id, j.repository_id, e.stdout
       ${from} ORDER BY ${order}
       LIMIT ${query.pageSize} OFFSET ${(query.page - 1) * query.pageSize}`,
      params,
    );

    return {
      count,
      hits: rows.map((r) => ({
        type: 'job_event',
        job: r.job_id,
        job_name: r.job_name,
        counter: r.counter,
        event: r.event,
        level: r.level,
        created: r.created.toISOString(),
        client: r.client_id,
        policy: r.policy_id,
        repository: r.repository_id,
        stdout: r.stdout,
        highlight: highlight(r.stdout, query.words),
      })),
    };
  }

  private async findInElasticsearch(
    query: LogSearchQuery,
    search: { client: Client; indices: OutputIndices },
  ): Promise<LogSearchResult> {
    const filter: estypes.QueryDslQueryContainer[] = [];
    if (query.job !== null) filter.push({ term: { 'cyborg.job.id': query.job } });
    if (query.client !== null) filter.push({ term: { 'cyborg.client.id': query.client } });
    if (query.policy !== null) filter.push({ term: { 'cyborg.policy.id': query.policy } });
    if (query.level !== null) filter.push({ term: { 'log.level': query.level } });
    if (query.since !== null || query.until !== null) {
      filter.push({
        range: {
          '@timestamp': {
            ...(query.since ? { gte: query.since.toISOString() } : {}),
            ...(query.until ? { lte: query.until.toISOString() } : {}),
          },
        },
      });
    }
    if (query.status !== null) {
      const jobs = await this.dataSource.query<{ id: number }[]>(
        `SELECT id FROM jobs WHERE status = $1 ORDER BY id DESC LIMIT ${STATUS_JOBS_LIMIT}`,
        [query.status],
      );
      filter.push({ terms: { 'cyborg.job.id': jobs.map((j) => j.id) } });
    }
    const sort: estypes.Sort =
      query.job !== null
        ? [{ 'event.sequence': 'asc' }]
        : [{ '@timestamp': 'desc' }, { 'cyborg.job.id': 'desc' }, { 'event.sequence': 'desc' }];

    const response = await search.client.search<OutputDocument>({
      index: search.indices.pattern,
      ignore_unavailable: true,
      allow_no_indices: true,
      track_total_hits: true,
      from: (query.page - 1) * query.pageSize,
      size: query.pageSize,
      // Every word required, as exact terms: no query syntax reaches Elasticsearch.
      query: {
        bool: {
          filter: [...query.words.map((w) => ({ term: { 'cyborg.words': w } })), ...filter],
        },
      },
      sort,
    });
    const total = response.hits.total;

    return {
      count: typeof total === 'number' ? total : (total?.value ?? 0),
      hits: response.hits.hits.flatMap((hit) => {
        const d = hit._source;
        if (!d) return [];

        return [
          {
            type: 'job_event' as const,
            job: d.cyborg.job.id,
            job_name: d.cyborg.job.name,
            counter: d.event.sequence,
            event: d.event.action,
            level: d.log.level,
            created: new Date(d['@timestamp']).toISOString(),
            client: d.cyborg.client.id,
            policy: d.cyborg.policy.id,
            repository: d.cyborg.repository.id,
            stdout: d.message,
            highlight: highlight(d.message, query.words),
          },
        ];
      }),
    };
  }
}
