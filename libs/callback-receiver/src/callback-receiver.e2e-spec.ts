import { Client } from 'pg';
import { DataSource } from 'typeorm';

import { createDataSource } from '@cyborg/database';
import { OutputIndices } from '@cyborg/jobs';
import { AmqpConnection, type JobEventLine } from '@cyborg/messaging';
import {
  cloneTestDatabase,
  holdBrokerLock,
  ServiceProcess,
  TEST_SECRET_KEY,
  TEST_SERVER_URL,
  TestElasticsearch,
  TestVhost,
  waitFor,
} from '@cyborg/testing';

import { JobEventWriter } from './job-event.writer';
import { OutputRetention } from './output-retention';

// Long enough to wait for the broker lock while other files restart RabbitMQ.
jest.setTimeout(300_000);

interface JobRow {
  id: number;
  created: Date;
}

function lines(from: number, to: number, text = 'line'): JobEventLine[] {
  const out: JobEventLine[] = [];
  for (let counter = from; counter <= to; counter++) {
    out.push({
      counter,
      created: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, counter)).toISOString(),
      event: 'log_message',
      stdout: `${text} ${counter}`,
      data: { levelname: counter % 10 === 0 ? 'WARNING' : 'INFO', msgid: `M${counter}` },
    });
  }

  return out;
}

describe('callback receiver', () => {
  let releaseBroker: () => Promise<void>;
  let vhost: TestVhost;
  let db: Client;
  let databaseUrl: string;
  let dropDatabase: () => Promise<void>;
  let amqp: AmqpConnection;
  let receiver: ServiceProcess;
  let search: TestElasticsearch | null;
  let job: JobRow;

  async function makeJob(created = new Date()): Promise<JobRow> {
    const client = await db.query<{ id: number }>(
      `INSERT INTO clients (hostname) VALUES ('client-' || floor(random() * 1e9)) RETURNING id`,
    );
    const rows = await db.query<JobRow>(
      `INSERT INTO jobs (name, status, client_id, created) VALUES ('backup', 'running', $1, $2)
       RETURNING id, created`,
      [client.rows[0].id, created],
    );

    return rows.rows[0];
  }

  async function publish(target: JobRow | { id: number; created: Date }, batch: JobEventLine[]) {
    await amqp.publish('job.events', {
      jobId: target.id,
      jobCreated: target.created.toISOString(),
      lines: batch,
    });
  }

  async function stored(jobId: number): Promise<number[]> {
    const rows = await db.query<{ counter: number }>(
      'SELECT counter FROM job_events WHERE job_id = $1 ORDER BY counter, id',
      [jobId],
    );

    return rows.rows.map((r) => r.counter);
  }

  beforeAll(async () => {
    releaseBroker = await holdBrokerLock(TEST_SERVER_URL);
    vhost = await TestVhost.create();
    const database = await cloneTestDatabase();
    databaseUrl = database.url;
    dropDatabase = database.drop;
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    search = TestElasticsearch.url() ? TestElasticsearch.create() : null;
    receiver = await ServiceProcess.start('callback-receiver', {
      DATABASE_URL: databaseUrl,
      AMQP_URL: vhost.url,
      SECRET_KEY: TEST_SECRET_KEY,
      ...(search
        ? { ELASTICSEARCH_URL: search.url, ELASTICSEARCH_INDEX_PREFIX: search.prefix }
        : {}),
    });
    amqp = new AmqpConnection(vhost.url, 'receiver-test');
    await amqp.waitForConnect();
    job = await makeJob();
  });

  afterAll(async () => {
    await receiver?.stop();
    await amqp?.close();
    await search?.delete();
    await db?.end();
    await dropDatabase?.();
    await vhost?.delete();
    await releaseBroker?.();
  });

  it('stores every line once, however often its message is delivered', async () => {
    await publish(job, lines(1, 300));
    await publish(job, lines(1, 300));
    await publish(job, lines(250, 400));
    // Messages are stored in order: once the last is in, all before it are.
    await publish(job, lines(401, 401, 'last'));
    await waitFor('the last line', async () => (await stored(job.id)).includes(401));

    expect(await stored(job.id)).toEqual(Array.from({ length: 401 }, (_, i) => i + 1));
  });

  it('keeps every character of a line, NUL bytes aside', async () => {
    const other = await makeJob();
    const text = 'tab\there, new\nline, back\\slash, CR\r, é ü 漢字, quote " \' end';
    const [line] = lines(1, 1);
    await publish(other, [
      { ...line, stdout: `${text}\u0000`, data: { path: `${text}\u0000`, raw: '\\u0000' } },
    ]);
    await waitFor('the line', async () => (await stored(other.id)).length === 1);

    const { rows } = await db.query<{ stdout: string; event_data: unknown }>(
      'SELECT stdout, event_data FROM job_events WHERE job_id = $1',
      [other.id],
    );
    expect(rows).toEqual([{ stdout: text, event_data: { path: text, raw: '\\u0000' } }]);
  });

  it('skips the lines PostgreSQL refuses and keeps the rest of their batch', async () => {
    const other = await makeJob();
    await publish(other, lines(1, 50));
    await publish({ id: 999_999, created: new Date() }, lines(1, 5));
    await publish(other, lines(51, 100));
    await waitFor('the last line', async () => (await stored(other.id)).includes(100));
    await receiver.waitForLine(/job 999999: line 5 skipped/);

    expect(await stored(other.id)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect((await db.query('SELECT 1 FROM job_events WHERE job_id = 999999')).rowCount).toBe(0);
  });

  it('keeps each job in the daily partition of its creation', async () => {
    const old = await makeJob(new Date('2025-06-01T12:00:00Z'));
    await publish(old, lines(1, 3));
    await waitFor('the lines', async () => (await stored(old.id)).length === 3);

    const rows = await db.query<{ partition: string }>(
      `SELECT DISTINCT tableoid::regclass::text AS partition FROM job_events WHERE job_id = $1`,
      [old.id],
    );
    expect(rows.rows).toEqual([{ partition: 'job_events_20250601' }]);
  });

  it('drops the partitions of jobs older than job_cleaning days, and nothing newer', async () => {
    const old = await makeJob(new Date('2025-03-10T08:00:00Z'));
    const recent = await makeJob(new Date('2025-03-20T08:00:00Z'));
    await publish(old, lines(1, 2));
    await publish(recent, lines(1, 2));
    await waitFor('the lines', async () => (await stored(recent.id)).length === 2);
    await waitFor('the lines', async () => (await stored(old.id)).length === 2);
    await db.query(`UPDATE settings SET value = '10' WHERE key = 'cyborgbackup_job_cleaning'`);

    const dataSource: DataSource = createDataSource(databaseUrl);
    await dataSource.initialize();
    try {
      await new OutputRetention(dataSource, new JobEventWriter(dataSource), null).run(
        new Date('2025-03-25T00:00:00Z'),
      );
    } finally {
      await dataSource.destroy();
    }

    expect(await stored(old.id)).toEqual([]);
    expect(await stored(recent.id)).toEqual([1, 2]);
    const partitions = await db.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'job_events'::regclass
         AND c.relname IN ('job_events_20250310', 'job_events_20250320')`,
    );
    expect(partitions.rows).toEqual([{ name: 'job_events_20250320' }]);
  });

  TestElasticsearch.describe()('with Elasticsearch', () => {
    it('indexes the same lines, once each, with Elastic Common Schema fields', async () => {
      const es = search!;
      await waitFor('401 documents of the first job', async () => {
        await es.client.indices.refresh({ index: `${es.prefix}-*`, allow_no_indices: true });
        const { count } = await es.client.count({
          index: `${es.prefix}-*`,
          query: { term: { 'cyborg.job.id': job.id } },
        });

        return count === 401;
      });
      const day = job.created.toISOString().slice(0, 10).replace(/-/g, '.');
      const doc = await es.client.get<Record<string, unknown>>({
        index: `${es.prefix}-${day}`,
        id: `${job.id}-10`,
      });
      const client = await db.query<{ id: number; hostname: string }>(
        'SELECT c.id, c.hostname FROM clients c JOIN jobs j ON j.client_id = c.id WHERE j.id = $1',
        [job.id],
      );

      expect(doc._source).toEqual({
        '@timestamp': lines(10, 10)[0].created,
        message: 'line 10',
        log: { level: 'warning' },
        host: { name: client.rows[0].hostname },
        event: {
          dataset: 'cyborgbackup.job_output',
          kind: 'event',
          sequence: 10,
          action: 'log_message',
        },
        ecs: { version: '8.11.0' },
        cyborg: {
          job: { id: job.id, name: 'backup', type: 'job', created: job.created.toISOString() },
          policy: { id: null, name: '' },
          client: { id: client.rows[0].id, name: client.rows[0].hostname },
          repository: { id: null, name: '' },
          msgid: 'M10',
          words: ['line', '10'],
        },
      });
      const mapping = await es.client.indices.getMapping({ index: `${es.prefix}-${day}` });
      const properties = Object.values(mapping)[0].mappings.properties ?? {};
      expect(properties['@timestamp']).toEqual({ type: 'date' });
      expect(properties.message).toEqual({ type: 'text' });
    });
    it('deletes the indices of jobs older than job_cleaning days, and nothing newer', async () => {
      const es = search!;
      // Made by the receiver for the jobs of the partition test above.
      for (const day of ['2025.03.10', '2025.03.20']) {
        await waitFor(`the index of ${day}`, () =>
          es.client.indices.exists({ index: `${es.prefix}-${day}` }),
        );
      }
      await db.query(`UPDATE settings SET value = '10' WHERE key = 'cyborgbackup_job_cleaning'`);

      const dataSource: DataSource = createDataSource(databaseUrl);
      await dataSource.initialize();
      try {
        const indices = new OutputIndices(es.prefix);
        await new OutputRetention(dataSource, new JobEventWriter(dataSource), {
          client: es.client,
          indices,
        }).run(new Date('2025-03-25T00:00:00Z'));
      } finally {
        await dataSource.destroy();
      }

      const left = await es.client.cat.indices({
        index: `${es.prefix}-2025.*`,
        format: 'json',
        h: 'index',
      });
      // 2025-06-01: the job of the partition test above, newer than the cut-off.
      expect(left.map((i) => i.index).sort()).toEqual([
        `${es.prefix}-2025.03.20`,
        `${es.prefix}-2025.06.01`,
      ]);
    });
  });
});
