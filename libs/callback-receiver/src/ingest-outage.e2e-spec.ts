import { Client } from 'pg';

import { OutputPublisher } from '@cyborg/executor';
import { AmqpConnection } from '@cyborg/messaging';
import {
  cloneTestDatabase,
  holdBrokerLock,
  PrivateElasticsearchNode,
  rabbitmqctl,
  ServiceProcess,
  TEST_SECRET_KEY,
  TEST_SERVER_URL,
  TestElasticsearch,
  TestVhost,
  waitFor,
} from '@cyborg/testing';

/**
 * 100,000 output lines from the executor's own publisher, through RabbitMQ,
 * into PostgreSQL and Elasticsearch, while the broker restarts and
 * Elasticsearch is stopped and started: every line must end up stored exactly
 * once in both. Elasticsearch is a private node (port 9298) so that stopping it
 * disturbs no other test.
 */
// Two Elasticsearch starts, a broker restart and 100,000 lines on two shared cores.
jest.setTimeout(900_000);

const JOBS = 20;
const LINES_PER_JOB = 5_000;
const TOTAL = JOBS * LINES_PER_JOB;

TestElasticsearch.describe()('job output through outages', () => {
  let releaseBroker: () => Promise<void>;
  let vhost: TestVhost;
  let db: Client;
  let dropDatabase: () => Promise<void>;
  let amqp: AmqpConnection;
  let receiver: ServiceProcess;
  const node = new PrivateElasticsearchNode(9298);
  let search: TestElasticsearch;

  beforeAll(async () => {
    releaseBroker = await holdBrokerLock(TEST_SERVER_URL);
    await node.start();
    search = TestElasticsearch.create(node.url);
    vhost = await TestVhost.create();
    const database = await cloneTestDatabase();
    dropDatabase = database.drop;
    db = new Client({ connectionString: database.url });
    await db.connect();
    receiver = await ServiceProcess.start('callback-receiver', {
      DATABASE_URL: database.url,
      AMQP_URL: vhost.url,
      SECRET_KEY: TEST_SECRET_KEY,
      ELASTICSEARCH_URL: search.url,
      ELASTICSEARCH_INDEX_PREFIX: search.prefix,
    });
    amqp = new AmqpConnection(vhost.url, 'outage-test');
    await amqp.waitForConnect();
  });

  afterAll(async () => {
    await rabbitmqctl('start_app').catch(() => undefined);
    await receiver?.stop();
    await amqp?.close();
    await node.start().catch(() => undefined);
    await search?.delete();
    await node.stop();
    await db?.end();
    await dropDatabase?.();
    await vhost?.delete();
    await releaseBroker?.();
  });

  it('stores 100,000 lines exactly once in PostgreSQL and in Elasticsearch', async () => {
    const { rows: jobs } = await db.query<{ id: number; created: Date }>(
      `INSERT INTO jobs (name, status) SELECT 'outage-' || i, 'running'
       FROM generate_series(1, $1::int) i RETURNING id, created`,
      [JOBS],
    );
    const publisher = new OutputPublisher(amqp);
    let emitted = 0;
    /** Emits the next `count` lines, round-robin over the jobs, as runners would. */
    async function emit(count: number): Promise<void> {
      for (let i = 0; i < count; i++, emitted++) {
        const job = jobs[emitted % JOBS];
        const counter = Math.floor(emitted / JOBS) + 1;
        await publisher.emit(job, {
          counter,
          event: 'log_message',
          stdout: `job ${job.id} file /srv/data/${counter}.bin`,
          data: { levelname: 'INFO' },
        });
      }
    }

    await emit(TOTAL / 4);
    await node.stop();
    await emit(TOTAL / 4);
    await rabbitmqctl('stop_app');
    // Publishing goes on while the broker is down: the publisher retries until it is back.
    const during = emit(TOTAL / 4);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await rabbitmqctl('start_app');
    await during;
    await emit(TOTAL / 4);
    await Promise.all(jobs.map((j) => publisher.flush(j.id)));
    await node.start();

    const count = async () =>
      Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM job_events')).rows[0].n);
    await waitFor('every line in PostgreSQL', async () => (await count()) >= TOTAL, 600_000);
    await waitFor(
      'every line in Elasticsearch',
      async () => (await search.count()) >= TOTAL,
      600_000,
    );

    const { rows } = await db.query<{ total: string; distinct: string; max: number }>(
      `SELECT count(*) AS total, count(DISTINCT (job_id, counter)) AS distinct,
         max(counter) AS max FROM job_events`,
    );
    expect(rows[0]).toEqual({ total: String(TOTAL), distinct: String(TOTAL), max: LINES_PER_JOB });
    expect(await search.count()).toBe(TOTAL);
    // The outages did reach the receiver: it lost the broker and had to retry Elasticsearch.
    expect(receiver.output.some((l) => /lost RabbitMQ/.test(l))).toBe(true);
    expect(receiver.output.some((l) => /cyborg\.search-indexer.*not stored/.test(l))).toBe(true);
  });
});
