import { SearchIndexer } from '@cyborg/callback-receiver';
import { OutputIndices } from '@cyborg/jobs';
import type { JobEventLine } from '@cyborg/messaging';
import { ADMIN, TestApi, TestElasticsearch } from '@cyborg/testing';

interface Hit {
  job: number;
  counter: number;
  level: string;
  stdout: string;
  highlight: string;
}

interface SearchPage {
  count: number;
  next: string | null;
  previous: string | null;
  results: Hit[];
}

jest.setTimeout(120_000);

const WORDS = ['disk', 'full', 'archive', 'chunk', 'error', 'network', 'timeout', 'done'];

/** Deterministic lines: the same on every run and in both databases. */
function linesOf(job: number): JobEventLine[] {
  const out: JobEventLine[] = [];
  for (let counter = 1; counter <= 60; counter++) {
    const a = WORDS[(counter * 7 + job) % WORDS.length];
    const b = WORDS[(counter * 3 + job * 5) % WORDS.length];
    out.push({
      counter,
      created: new Date(Date.UTC(2026, 5, job, 10, 0, counter)).toISOString(),
      event: 'log_message',
      stdout: `${a.toUpperCase()} on /srv/${b}/file-${counter}.bin <${job}>`,
      data: { levelname: counter % 5 === 0 ? 'ERROR' : 'INFO' },
    });
  }

  return out;
}

/** Clients, a policy and three jobs with their lines, with fixed ids and times. */
async function seed(api: TestApi): Promise<{ jobs: { id: number; created: string }[] }> {
  const q = <T>(sql: string, params: unknown[] = []) => api.dataSource.query<T>(sql, params);
  const [schedule] = await q<{ id: number }[]>(
    `INSERT INTO schedules (name, crontab) VALUES ('nightly', '0 3 * * *') RETURNING id`,
  );
  const [repository] = await q<{ id: number }[]>(
    `INSERT INTO repositories (name, path) VALUES ('main', 'borg@repo.example.com:/srv/main')
     RETURNING id`,
  );
  const [policy] = await q<{ id: number }[]>(
    `INSERT INTO policies (name, policy_type, repository_id, schedule_id)
     VALUES ('daily', 'config', $1, $2) RETURNING id`,
    [repository.id, schedule.id],
  );
  const clients = await q<{ id: number }[]>(
    `INSERT INTO clients (hostname) VALUES ('alpha.example.com'), ('beta.example.com') RETURNING id`,
  );
  const jobs: { id: number; created: string }[] = [];
  const specs = [
    { client: clients[0].id, status: 'successful', policy: policy.id },
    { client: clients[1].id, status: 'failed', policy: policy.id },
    { client: clients[0].id, status: 'failed', policy: null },
  ];
  for (const [i, spec] of specs.entries()) {
    const created = new Date(Date.UTC(2026, 5, i + 1, 9)).toISOString();
    const [job] = await q<{ id: number }[]>(
      `INSERT INTO jobs (name, status, client_id, policy_id, repository_id, created)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [`job ${i + 1}`, spec.status, spec.client, spec.policy, repository.id, created],
    );
    jobs.push({ id: job.id, created });
    await q(`SELECT job_events_partition($1::date)`, [created.slice(0, 10)]);
    for (const line of linesOf(job.id)) {
      await q(
        `INSERT INTO job_events (job_id, job_created, counter, event, stdout, event_data, created)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [job.id, created, line.counter, line.event, line.stdout, line.data, line.created],
      );
    }
  }

  return { jobs };
}

/**
 * The same data in two API instances, one searching with PostgreSQL, one with Elasticsearch
 * (when TEST_ELASTICSEARCH_URL is set; without it the PostgreSQL side is still checked).
 */
describe('log search: PostgreSQL and Elasticsearch', () => {
  let postgres: TestApi;
  let elastic: TestApi | null = null;
  let es: TestElasticsearch | null = null;
  let tokens: { postgres: string; elastic: string };
  let jobs: { id: number; created: string }[];

  beforeAll(async () => {
    postgres = await TestApi.start();
    ({ jobs } = await seed(postgres));
    tokens = { postgres: await postgres.login(ADMIN.email, ADMIN.password), elastic: '' };
    if (!TestElasticsearch.url()) {
      process.stdout.write('TEST_ELASTICSEARCH_URL is not set: PostgreSQL search only\n');

      return;
    }
    es = TestElasticsearch.create();
    elastic = await TestApi.start({
      ELASTICSEARCH_URL: es.url,
      ELASTICSEARCH_INDEX_PREFIX: es.prefix,
    });
    await seed(elastic);
    // Indexed by the callback receiver's own indexer, from the same lines.
    const indexer = new SearchIndexer(es.client, elastic.dataSource, new OutputIndices(es.prefix));
    await indexer.index(
      jobs.map((job) => ({ jobId: job.id, jobCreated: job.created, lines: linesOf(job.id) })),
    );
    await es.client.indices.refresh({ index: `${es.prefix}-*` });
    tokens.elastic = await elastic.login(ADMIN.email, ADMIN.password);
  });

  afterAll(async () => {
    await postgres?.stop();
    await elastic?.stop();
    await es?.delete();
  });

  /** The PostgreSQL answer, after checking that Elasticsearch (if there) gives the very same. */
  async function both(path: string): Promise<[SearchPage, SearchPage]> {
    const fromPostgres = await postgres.get<SearchPage>(path, tokens.postgres);
    expect(fromPostgres.status).toBe(200);
    if (!elastic) return [fromPostgres.body, fromPostgres.body];
    const fromElastic = await elastic.get<SearchPage>(path, tokens.elastic);
    expect(fromElastic.status).toBe(200);

    return [fromPostgres.body, fromElastic.body];
  }

  it.each([
    'search=disk',
    'search=FULL%20network',
    'search=archive&page_size=7&page=3',
    'search=srv%20chunk&level=error',
    'search=timeout&status=failed',
    'search=network&client=CLIENT',
    'search=done&policy=POLICY',
    'search=file&since=2026-06-02T10:00:20Z&until=2026-06-02T10:00:40Z',
    'search=bin&job=JOB',
  ])('give the same hits for %s', async (raw) => {
    const first = async (table: string) =>
      String(
        (await postgres.dataSource.query<{ id: number }[]>(`SELECT min(id) AS id FROM ${table}`))[0]
          .id,
      );
    const query = raw
      .replace('CLIENT', await first('clients'))
      .replace('POLICY', await first('policies'))
      .replace('JOB', String(jobs[1].id));

    const [fromPostgres, fromElastic] = await both(`/api/v1/job_events/?${query}`);

    expect(fromPostgres.count).toBeGreaterThan(0);
    expect(fromPostgres.results.length).toBeGreaterThan(0);
    expect(fromElastic).toEqual(fromPostgres);
  });

  it('finds exactly the lines holding every word, and marks them', async () => {
    const [fromPostgres, fromElastic] = await both(
      '/api/v1/job_events/?search=Full+network&page_size=200',
    );
    const expected = jobs.flatMap((job) =>
      linesOf(job.id)
        .filter((l) => /\bfull\b/i.test(l.stdout) && /\bnetwork\b/i.test(l.stdout))
        .map((l) => `${job.id}-${l.counter}`),
    );

    expect(expected.length).toBeGreaterThan(0);
    expect(fromPostgres.results.map((h) => `${h.job}-${h.counter}`).sort()).toEqual(
      expected.sort(),
    );
    expect(fromElastic.count).toBe(expected.length);
    for (const hit of fromElastic.results) {
      expect(hit.highlight).toMatch(/<em>FULL<\/em>|<em>full<\/em>/);
      expect(hit.highlight).toContain('&lt;');
    }
  });

  it("searches one job's lines in counter order at /jobs/{id}/job_events/", async () => {
    const [fromPostgres, fromElastic] = await both(
      `/api/v1/jobs/${jobs[0].id}/job_events/?search=srv&page_size=200`,
    );

    expect(fromPostgres.results.map((h) => h.counter)).toEqual(
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
    expect(fromElastic).toEqual(fromPostgres);
  });

  it('refuses bad input with 400 naming the parameter, on both backends', async () => {
    for (const api of elastic ? [postgres, elastic] : [postgres]) {
      const token = api === postgres ? tokens.postgres : tokens.elastic;
      const syntax = await api.get('/api/v1/job_events/?search=*%20()%20%22', token);
      const level = await api.get('/api/v1/job_events/?search=disk&level=loud', token);

      expect(syntax.status).toBe(400);
      expect(Object.keys(syntax.body as object)).toEqual(['search']);
      expect(level.status).toBe(400);
      expect(Object.keys(level.body as object)).toEqual(['level']);
    }
  });
});
