// Job output ingest, end to end: lines published by the executor's own
// OutputPublisher, through RabbitMQ and the callback receiver (its own process
// from dist/), until they are searchable: committed in PostgreSQL (whose
// full-text index is updated in the same transaction), and, in the second
// run, counted by an Elasticsearch search (after its refresh). Beside them,
// the ceiling: a raw COPY of the same rows into the same table in the same
// run. Prints one JSON object on its last line.
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

import { OutputPublisher } from '@cyborg/executor';
import { AmqpConnection } from '@cyborg/messaging';
import {
  ServiceProcess,
  TEST_SECRET_KEY,
  TestElasticsearch,
  TestVhost,
  waitFor,
} from '@cyborg/testing';

import { benchDatabase } from './bench-database';

const LINES = Number(process.env.BENCH_LINES ?? 200_000);
const JOBS = 20;
const ELASTICSEARCH =
  process.env.BENCH_ELASTICSEARCH_URL ?? process.env.TEST_ELASTICSEARCH_URL ?? null;

/** A borg-like line: a path and its status, with borg's JSON fields. */
function line(counter: number) {
  return {
    counter,
    event: 'file_status',
    stdout: `A /srv/data/project-${counter % 977}/chunk-${counter}.bin`,
    data: { status: 'A', path: `/srv/data/project-${counter % 977}/chunk-${counter}.bin` },
  };
}

async function makeJobs(db: Client): Promise<{ id: number; created: Date }[]> {
  const { rows } = await db.query<{ id: number; created: Date }>(
    `INSERT INTO jobs (name, status) SELECT 'bench-' || i, 'running'
     FROM generate_series(1, $1::int) i RETURNING id, created`,
    [JOBS],
  );

  return rows;
}

async function storedLines(db: Client, jobs: { id: number }[]): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM job_events WHERE job_id = ANY($1)',
    [jobs.map((j) => j.id)],
  );

  return rows[0].n;
}

/** Publishes LINES lines over JOBS jobs, round-robin, as running jobs would. */
async function publish(amqp: AmqpConnection, jobs: { id: number; created: Date }[]) {
  const publisher = new OutputPublisher(amqp);
  for (let i = 0; i < LINES; i++) {
    await publisher.emit(jobs[i % JOBS], line(Math.floor(i / JOBS) + 1));
  }
  await Promise.all(jobs.map((j) => publisher.flush(j.id)));
}

function rate(lines: number, ms: number): number {
  return Math.round(lines / (ms / 1000));
}

async function copyRows(db: Client, jobs: { id: number; created: Date }[]): Promise<void> {
  const escape = (text: string) => text.replace(/[\\\t\n\r]/g, (c) => `\\${c}`);
  function* rows() {
    for (let i = 0; i < LINES; i++) {
      const job = jobs[i % JOBS];
      const l = line(Math.floor(i / JOBS) + 1);
      yield (
        `${job.id}\t${job.created.toISOString()}\t${l.counter}\t${l.event}\t` +
        `${escape(l.stdout)}\t${escape(JSON.stringify(l.data))}\t${new Date().toISOString()}\n`
      );
    }
  }
  await pipeline(
    Readable.from(rows()),
    db.query(
      copyFrom(
        'COPY job_events (job_id, job_created, counter, event, stdout, event_data, created) FROM STDIN',
      ),
    ),
  );
}

async function main(): Promise<void> {
  const database = benchDatabase();
  const databaseUrl = database.url;
  await database.prepare();
  const vhost = await TestVhost.create();
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const amqp = new AmqpConnection(vhost.url, 'bench-ingest');
  const search = ELASTICSEARCH ? TestElasticsearch.create(ELASTICSEARCH) : null;
  let receiver: ServiceProcess | null = null;
  const env = {
    DATABASE_URL: databaseUrl,
    AMQP_URL: vhost.url,
    SECRET_KEY: TEST_SECRET_KEY,
    LOG_LEVEL: 'log',
  };

  try {
    await amqp.waitForConnect();

    // 1. PostgreSQL alone.
    receiver = await ServiceProcess.start('callback-receiver', env);
    let jobs = await makeJobs(db);
    let start = Date.now();
    await publish(amqp, jobs);
    const published = Date.now();
    await waitFor(
      'the lines in PostgreSQL',
      async () => (await storedLines(db, jobs)) >= LINES,
      30 * 60_000,
    );
    const postgresMs = Date.now() - start;
    process.stdout.write(
      `PostgreSQL alone: ${LINES} lines in ${postgresMs} ms (published in ${published - start} ms)\n`,
    );
    await receiver.stop();
    receiver = null;

    // 2. PostgreSQL and Elasticsearch.
    let withSearch: { postgres_lines_per_s: number; elasticsearch_lines_per_s: number } | null =
      null;
    if (search) {
      receiver = await ServiceProcess.start('callback-receiver', {
        ...env,
        ELASTICSEARCH_URL: search.url,
        ELASTICSEARCH_INDEX_PREFIX: search.prefix,
      });
      jobs = await makeJobs(db);
      start = Date.now();
      await publish(amqp, jobs);
      let inPostgres = 0;
      await waitFor(
        'the lines in both stores',
        async () => {
          if (!inPostgres && (await storedLines(db, jobs)) >= LINES) inPostgres = Date.now();
          // A search, so only what a refresh made searchable is counted.
          const count = await search.client
            .count({ index: `${search.prefix}-*`, allow_no_indices: true })
            .then((r) => r.count)
            // The index may be in the middle of its creation.
            .catch(() => 0);

          return inPostgres && count >= LINES;
        },
        30 * 60_000,
      );
      const searchMs = Date.now() - start;
      withSearch = {
        postgres_lines_per_s: rate(LINES, inPostgres - start),
        elasticsearch_lines_per_s: rate(LINES, searchMs),
      };
      process.stdout.write(
        `with Elasticsearch: PostgreSQL after ${inPostgres - start} ms, searchable in Elasticsearch after ${searchMs} ms\n`,
      );
      await receiver.stop();
      receiver = null;
    } else {
      process.stdout.write(
        'no BENCH_ELASTICSEARCH_URL / TEST_ELASTICSEARCH_URL: PostgreSQL only\n',
      );
    }

    // 3. The ceiling: COPY of the same rows, same table and indexes.
    jobs = await makeJobs(db);
    start = Date.now();
    await copyRows(db, jobs);
    const copyMs = Date.now() - start;
    process.stdout.write(`raw COPY: ${LINES} rows in ${copyMs} ms\n`);

    const result = {
      benchmark: 'ingest',
      lines: LINES,
      jobs: JOBS,
      postgres_lines_per_s: rate(LINES, postgresMs),
      with_elasticsearch: withSearch,
      copy_lines_per_s: rate(LINES, copyMs),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await receiver?.stop();
    await amqp.close();
    await search?.delete();
    await db.end();
    await vhost.delete();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
