import { Client } from 'pg';

import {
  cloneTestDatabase,
  holdBrokerLock,
  rabbitmqctl,
  ServiceProcess,
  TEST_SECRET_KEY,
  TEST_SERVER_URL,
  TestVhost,
  waitFor,
} from '@cyborg/testing';

/**
 * The job pipeline with every service in its own process, on the real
 * PostgreSQL and RabbitMQ. Executors run in simulated mode (EXECUTOR_SIMULATE_MS):
 * the borg runners are not part of this test.
 */
// Long enough to wait for the broker lock, then for the slowest scenario.
jest.setTimeout(300_000);

const ADMIN_PASSWORD = 'pipeline-admin-password';

interface JobRow {
  id: number;
  status: string;
  client_id: number | null;
  repository_id: number | null;
  policy_id: number | null;
  launch_type: string;
  started: Date | null;
  finished: Date | null;
  job_explanation: string;
  executor: string;
}

describe('job pipeline', () => {
  let db: Client;
  let databaseUrl: string;
  let dropDatabase: () => Promise<void>;
  let vhost: TestVhost;
  let env: Record<string, string>;
  const processes: ServiceProcess[] = [];
  let apiUrl: string;
  let token: string;

  async function start(
    app: Parameters<typeof ServiceProcess.start>[0],
    extra: Record<string, string> = {},
  ) {
    const service = await ServiceProcess.start(app, { ...env, ...extra });
    processes.push(service);

    return service;
  }

  async function jobs(where = 'TRUE'): Promise<JobRow[]> {
    return (await db.query<JobRow>(`SELECT * FROM jobs WHERE ${where} ORDER BY id`)).rows;
  }

  /** Makes `count` policies of one ready client each, spread over `repositories` ready repositories. */
  async function makePolicies(
    count: number,
    repositories: number,
    crontab = '0 3 * * *',
  ): Promise<number[]> {
    const prefix = `p${Date.now().toString(36)}`;
    const schedule = await db.query<{ id: number }>(
      `INSERT INTO schedules (name, crontab) VALUES ($1, $2) RETURNING id`,
      [prefix, crontab],
    );
    const repos = await db.query<{ id: number }>(
      `INSERT INTO repositories (name, path, ready)
       SELECT $1 || '-' || i, 'borg@repo' || i || '.example.com:/srv/' || $1, true
       FROM generate_series(1, $2::int) i RETURNING id`,
      [prefix, repositories],
    );
    const policies: number[] = [];
    for (let i = 0; i < count; i++) {
      const client = await db.query<{ id: number }>(
        `INSERT INTO clients (hostname, ready) VALUES ($1, true) RETURNING id`,
        [`${prefix}-client-${i}.example.com`],
      );
      const policy = await db.query<{ id: number }>(
        `INSERT INTO policies (name, policy_type, repository_id, schedule_id)
         VALUES ($1, 'config', $2, $3) RETURNING id`,
        [`${prefix}-${i}`, repos.rows[i % repositories].id, schedule.rows[0].id],
      );
      await db.query(`INSERT INTO policy_clients (policy_id, client_id) VALUES ($1, $2)`, [
        policy.rows[0].id,
        client.rows[0].id,
      ]);
      policies.push(policy.rows[0].id);
    }

    return policies;
  }

  async function launch(policyId: number): Promise<void> {
    const response = await fetch(`${apiUrl}/api/v1/policies/${policyId}/launch/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    if (response.status !== 201)
      throw new Error(`launch ${policyId}: ${response.status} ${await response.text()}`);
  }

  async function allFinished(where: string): Promise<JobRow[] | null> {
    const rows = await jobs(where);

    return rows.every((j) => ['successful', 'failed', 'error', 'canceled'].includes(j.status))
      ? rows
      : null;
  }

  /** Pairs of jobs whose run times overlap while sharing `key`. */
  function overlaps(rows: JobRow[], key: 'repository_id' | 'client_id'): [number, number][] {
    const found: [number, number][] = [];
    for (const a of rows) {
      for (const b of rows) {
        if (a.id >= b.id || a[key] === null || a[key] !== b[key]) continue;
        if (!a.started || !b.started || !a.finished || !b.finished) continue;
        if (a.started < b.finished && b.started < a.finished) found.push([a.id, b.id]);
      }
    }

    return found;
  }

  let releaseBroker: () => Promise<void>;

  beforeAll(async () => {
    releaseBroker = await holdBrokerLock(TEST_SERVER_URL);
    const database = await cloneTestDatabase();
    databaseUrl = database.url;
    dropDatabase = database.drop;
    vhost = await TestVhost.create();
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    // Catalog and prune jobs are not what these tests are about.
    await db.query(`UPDATE settings SET value = 'false' WHERE key IN
      ('cyborgbackup_catalog_enabled', 'cyborgbackup_auto_prune')`);
    env = {
      DATABASE_URL: databaseUrl,
      AMQP_URL: vhost.url,
      SECRET_KEY: TEST_SECRET_KEY,
      CYBORG_ADMIN_PASSWORD: ADMIN_PASSWORD,
      EXECUTOR_SIMULATE_MS: '200',
      EXECUTOR_CAPACITY: '4',
      LOG_LEVEL: 'log',
    };
    const port = String(20_000 + Math.floor(Math.random() * 20_000));
    await start('api-gateway', { PORT: port });
    apiUrl = `http://127.0.0.1:${port}`;
    await start('task-manager');
    await start('callback-receiver');
    await start('executor');
    await start('executor');
    const login = await fetch(`${apiUrl}/api/token/obtain/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@cyborg.local', password: ADMIN_PASSWORD }),
    });
    token = ((await login.json()) as { access: string }).access;
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await db?.end();
    await vhost?.delete();
    await dropDatabase?.();
    await releaseBroker?.();
  });

  it('never runs two jobs on one repository or one client, with 100 policies over 10 repositories', async () => {
    const policies = await makePolicies(100, 10);

    await Promise.all(policies.map((id) => launch(id)));
    const rows = await waitFor('100 jobs to finish', () =>
      allFinished(`policy_id = ANY(ARRAY[${policies.join(',')}])`),
    );

    expect(rows).toHaveLength(100);
    expect(rows.filter((j) => j.status !== 'successful')).toEqual([]);
    expect(overlaps(rows, 'repository_id')).toEqual([]);
    expect(overlaps(rows, 'client_id')).toEqual([]);
    // Both executors took part.
    expect(new Set(rows.map((j) => j.executor)).size).toBe(2);
  });

  it('fails a job whose executor is killed, with an explanation, and frees its repository', async () => {
    const slow = await start('executor', { EXECUTOR_SIMULATE_MS: '120000' });
    const fast = processes.filter((p) => p.app === 'executor' && p !== slow);
    await Promise.all(fast.map((p) => p.stop()));
    const [policy, next] = await makePolicies(2, 1);

    await launch(policy);
    const [running] = await waitFor('the job to run', async () => {
      const rows = await jobs(`policy_id = ${policy} AND status = 'running' AND work_started`);

      return rows.length ? rows : null;
    });
    expect(running.executor).toContain(`-${slow.pid}-`);
    await slow.stop('SIGKILL');
    const [failed] = await waitFor('the lost job to fail', async () => {
      const rows = await jobs(`id = ${running.id} AND status = 'failed'`);

      return rows.length ? rows : null;
    });

    expect(failed.job_explanation).toMatch(/lost.*stopped reporting/);
    // The repository is free again: the next policy's job on it runs to the end.
    await start('executor');
    await launch(next);
    const [after] = await waitFor('the next job on the repository', () =>
      allFinished(`policy_id = ${next}`),
    );
    expect(after.status).toBe('successful');
  });

  it('finishes every job exactly once when RabbitMQ stops and starts during the run', async () => {
    const policies = await makePolicies(30, 5);

    await Promise.all(policies.map((id) => launch(id)));
    await waitFor('some jobs to run', async () => (await jobs(`status = 'running'`)).length > 0);
    await rabbitmqctl('stop_app');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await rabbitmqctl('start_app');
    const rows = await waitFor(
      '30 jobs to finish',
      () => allFinished(`policy_id = ANY(ARRAY[${policies.join(',')}])`),
      120_000,
    );

    expect(rows).toHaveLength(30);
    expect(rows.filter((j) => j.status !== 'successful')).toEqual([]);
    // Output reaches job_events through the callback receiver, shortly after the jobs end.
    const runs = await waitFor('the first line of every job', async () => {
      const found = await db.query<{ job_id: number; runs: number }>(
        `SELECT job_id, count(*)::int AS runs FROM job_events
         WHERE job_id = ANY($1) AND stdout LIKE 'simulated %' GROUP BY job_id`,
        [rows.map((j) => j.id)],
      );

      return found.rows.length === 30 ? found : null;
    });
    expect(runs.rows).toHaveLength(30);
    expect(runs.rows.filter((r) => r.runs !== 1)).toEqual([]);
    expect(overlaps(rows, 'repository_id')).toEqual([]);
  });

  it('launches each due policy exactly once with two schedulers running', async () => {
    const policies = await makePolicies(40, 40);
    await start('scheduler');
    await start('scheduler');
    // Due a second ago: the schedulers' next tick launches them.
    await db.query(
      `UPDATE policies SET next_run = now() - interval '1 second' WHERE id = ANY($1)`,
      [policies],
    );

    const rows = await waitFor('40 scheduled jobs', async () => {
      const found = await jobs(
        `launch_type = 'scheduled' AND policy_id = ANY(ARRAY[${policies.join(',')}])`,
      );

      return found.length >= 40 ? found : null;
    });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const again = await jobs(
      `launch_type = 'scheduled' AND policy_id = ANY(ARRAY[${policies.join(',')}])`,
    );

    expect(rows.length).toBe(40);
    expect(again.length).toBe(40);
    const next = await db.query<{ next_run: Date }>(
      `SELECT next_run FROM policies WHERE id = ANY($1)`,
      [policies],
    );
    expect(next.rows.every((p) => p.next_run > new Date())).toBe(true);
    // Leave no job queued behind: the next test replaces the executors.
    await waitFor('the scheduled jobs to finish', () =>
      allFinished(`policy_id = ANY(ARRAY[${policies.join(',')}])`),
    );
  });

  it('stops a running job that is canceled, and one that outlives its timeout', async () => {
    await Promise.all(processes.filter((p) => p.app === 'executor').map((p) => p.stop()));
    await start('executor', { EXECUTOR_SIMULATE_MS: '120000' });
    const [canceled, timed] = await makePolicies(2, 2);

    await launch(canceled);
    const [running] = await waitFor('the job to run', async () => {
      const rows = await jobs(`policy_id = ${canceled} AND status = 'running'`);

      return rows.length ? rows : null;
    });
    const cancel = await fetch(`${apiUrl}/api/v1/jobs/${running.id}/cancel/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(cancel.status).toBe(202);
    const [stopped] = await waitFor('the cancel', () => allFinished(`id = ${running.id}`));
    expect(stopped.status).toBe('canceled');
    expect(stopped.job_explanation).toBe('Canceled while running.');

    // A job with a two-second timeout (no API sets one): its executor is alive and keeps the
    // lease, so only the timeout can end it. The task manager's tick picks it up.
    const [{ id }] = (
      await db.query<{ id: number }>(
        `INSERT INTO jobs (name, status, policy_id, client_id, repository_id, timeout_seconds)
         SELECT 'timed', 'pending', p.id, pc.client_id, p.repository_id, 2
         FROM policies p JOIN policy_clients pc ON pc.policy_id = p.id WHERE p.id = $1
         RETURNING id`,
        [timed],
      )
    ).rows;
    const [late] = await waitFor('the timeout', () => allFinished(`id = ${id}`), 90_000);
    expect(late.status).toBe('failed');
    expect(late.job_explanation).toBe('Stopped: timed out after 2 s.');
  });
});
