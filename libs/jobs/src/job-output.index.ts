import { Client } from '@elastic/elasticsearch';

/**
 * How job output is laid out in Elasticsearch, shared by the indexer (callback
 * receiver) and the search (API): one index per UTC day of the job's creation,
 * `<prefix>-YYYY.MM.DD`, so retention drops whole indices, as
 * PostgreSQL drops whole partitions. Fields follow the Elastic Common Schema,
 * so Kibana's Discover reads them as they are; CyBorgBackup's own fields live
 * under `cyborg.*`.
 */
export const OUTPUT_DATASET = 'cyborgbackup.job_output';

/** Names of the job output indices and their template, from ELASTICSEARCH_INDEX_PREFIX. */
export class OutputIndices {
  constructor(readonly prefix: string) {}

  /** Every index of job output, for searches and retention. */
  get pattern(): string {
    return `${this.prefix}-*`;
  }

  /** The index of a job's lines: the UTC day of the job's creation. */
  of(jobCreated: string | Date): string {
    const iso = new Date(jobCreated).toISOString();

    return `${this.prefix}-${iso.slice(0, 10).replace(/-/g, '.')}`;
  }

  /** Day (YYYY-MM-DD) of one of these indices back from its name; null for other names. */
  dayOf(index: string): string | null {
    if (!index.startsWith(`${this.prefix}-`)) return null;
    const match = /^(\d{4})\.(\d\d)\.(\d\d)$/.exec(index.slice(this.prefix.length + 1));

    return match ? `${match[1]}-${match[2]}-${match[3]}` : null;
  }

  /** The index template: mappings fixed up front, so no field is guessed from the first line. */
  template() {
    return { name: this.prefix, index_patterns: [this.pattern], ...OUTPUT_TEMPLATE_BODY };
  }
}

/** A line's document id: (job, counter), so indexing a line twice overwrites it. */
export function outputDocumentId(jobId: number, counter: number): string {
  return `${jobId}-${counter}`;
}

/** One output line as indexed. */
export interface OutputDocument {
  '@timestamp': string;
  message: string;
  log: { level: string };
  host: { name: string };
  event: { dataset: string; kind: 'event'; sequence: number; action: string };
  ecs: { version: string };
  cyborg: {
    job: { id: number; name: string; type: string; created: string };
    policy: { id: number | null; name: string };
    client: { id: number | null; name: string };
    repository: { id: number | null; name: string };
    msgid: string;
    words: string[];
  };
}

const keyword = { type: 'keyword', ignore_above: 1024 } as const;
const idAndName = { properties: { id: { type: 'long' }, name: keyword } } as const;

/** The index template: mappings fixed up front, so no field is guessed from the first line. */
const OUTPUT_TEMPLATE_BODY = {
  priority: 200,
  template: {
    settings: {
      number_of_shards: 1,
      number_of_replicas: 0,
      refresh_interval: '1s',
    },
    mappings: {
      dynamic: 'false' as const,
      properties: {
        '@timestamp': { type: 'date' },
        message: { type: 'text' },
        log: { properties: { level: keyword } },
        host: { properties: { name: keyword } },
        event: {
          properties: {
            dataset: keyword,
            kind: keyword,
            sequence: { type: 'long' },
            action: keyword,
          },
        },
        ecs: { properties: { version: keyword } },
        cyborg: {
          properties: {
            job: {
              properties: {
                id: { type: 'long' },
                name: keyword,
                type: keyword,
                created: { type: 'date' },
              },
            },
            policy: idAndName,
            client: idAndName,
            repository: idAndName,
            msgid: keyword,
            // The line's words as PostgreSQL's search sees them (outputWords), for searches that
            // find the same lines in both backends. A keyword list rather than an analyzer: the
            // test distribution of Elasticsearch has no pattern tokenizer.
            words: { type: 'keyword', ignore_above: 2047 },
          },
        },
      },
    },
  },
};

/** The official client, with retries left to the callers (they retry whole batches). */
export function createSearchClient(url: string): Client {
  return new Client({ node: url, maxRetries: 0, requestTimeout: 30_000 });
}

/**
 * The level of a line: borg's `levelname` from its JSON log lines, lower-cased
 * (`info`, `warning`, `error`...), else `info`. Search filters on this value.
 */
export function lineLevel(data: Record<string, unknown>): string {
  for (const level of [data.levelname, data.level]) {
    if (typeof level === 'string' && level !== '') return level.toLowerCase();
  }

  return 'info';
}

/** `lineLevel` in SQL, over `job_events.event_data`. */
export const LINE_LEVEL_SQL = `lower(COALESCE(NULLIF(event_data->>'levelname', ''), NULLIF(event_data->>'level', ''), 'info'))`;

/**
 * The words of `job_events.stdout` for PostgreSQL's full-text search (the GIN index is on this
 * expression): runs of letters and digits, lower-cased by the `simple` configuration.
 */
export const OUTPUT_WORDS_SQL = `to_tsvector('simple', regexp_replace(stdout, '[^[:alnum:]]+', ' ', 'g'))`;

/** The words of a search or a line, as both backends see them: letter-and-digit runs, lower-cased. */
export function outputWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * NOTIFY channel on which the callback receiver says, after each batch it
 * stored, the newest counter of each job in it (`{"jobId": 1, "counter": 2}`):
 * API processes stream those lines on the WebSocket.
 */
export const JOB_OUTPUT_CHANNEL = 'cyborg_job_output';
