import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Client } from 'pg';

import {
  BorgTestbed,
  cloneTestDatabase,
  freePort,
  holdBrokerLock,
  ServiceProcess,
  TEST_SECRET_KEY,
  TEST_SERVER_URL,
  TestVhost,
  waitFor,
} from '@cyborg/testing';

/**
 * A backup policy launched through the API and run by the whole system in
 * one process (all-in-one, from dist/), against real sshd hosts and borg:
 * the launch prepares the repository and the client, backs up, then prunes.
 */
jest.setTimeout(300_000);

const ADMIN_PASSWORD = 'launch-admin-password';
const PASSPHRASE = 'launch passphrase';

interface JobRow {
  id: number;
  job_type: string;
  status: string;
  archive_name: string;
  job_explanation: string;
}

describe('a policy launched through the API', () => {
  let releaseBroker: () => Promise<void>;
  let dropDatabase: () => Promise<void>;
  let vhost: TestVhost;
  let db: Client;
  let service: ServiceProcess;
  let testbed: BorgTestbed;
  let apiUrl: string;
  let token: string;

  async function call<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

    return { status: response.status, body: (await response.json()) as T };
  }

  async function finishedJobs(count: number): Promise<JobRow[]> {
    try {
      return await waitFor(
        `${count} finished jobs`,
        async () => {
          const { rows } = await db.query<JobRow>('SELECT * FROM jobs ORDER BY id');
          const done = rows.filter(
            (j) => !['new', 'pending', 'waiting', 'running'].includes(j.status),
          );

          return rows.length >= count && done.length === rows.length ? rows : null;
        },
        240_000,
      );
    } catch (error) {
      const { rows } = await db.query<JobRow>(
        'SELECT id, job_type, status, job_explanation FROM jobs ORDER BY id',
      );
      throw new Error(
        `${String(error)}\n${JSON.stringify(rows)}\n${service.output.slice(-30).join('\n')}`,
      );
    }
  }

  beforeAll(async () => {
    releaseBroker = await holdBrokerLock(TEST_SERVER_URL);
    const database = await cloneTestDatabase();
    dropDatabase = database.drop;
    vhost = await TestVhost.create();
    db = new Client({ connectionString: database.url });
    await db.connect();
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    service = await ServiceProcess.start('all-in-one', {
      DATABASE_URL: database.url,
      AMQP_URL: vhost.url,
      SECRET_KEY: TEST_SECRET_KEY,
      CYBORG_ADMIN_PASSWORD: ADMIN_PASSWORD,
      PORT: String(port),
      LOG_LEVEL: 'log',
    });
    await service.waitForLine(/API on http/, 60_000);
    const login = await fetch(`${apiUrl}/api/token/obtain/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@cyborg.local', password: ADMIN_PASSWORD }),
    });
    token = ((await login.json()) as { access: string }).access;
    testbed = await BorgTestbed.start();
  });

  afterAll(async () => {
    await service?.stop();
    await testbed?.stop();
    await db?.end();
    await vhost?.delete();
    await dropDatabase?.();
    await releaseBroker?.();
  });

  it('prepares, backs up and prunes, recording borg output and sizes', async () => {
    const key = await call<{ pubkey: string }>('POST', '/api/v1/settings/generate_ssh/', {
      type: 'rsa',
      size: 2048,
    });
    expect(key.status).toBe(201);
    testbed.authorize(key.body.pubkey);
    const source = join(testbed.workDir, 'data');
    mkdirSync(source);
    for (let i = 0; i < 20; i++)
      writeFileSync(join(source, `file-${i}`), `file ${i}\n`.repeat(100));

    const schedule = await call<{ id: number }>('POST', '/api/v1/schedules/', {
      name: 'nightly',
      crontab: '0 3 * * *',
    });
    const repository = await call<{ id: number }>('POST', '/api/v1/repositories/', {
      name: 'main',
      path: testbed.repositoryPath('launched'),
      repository_key: PASSPHRASE,
    });
    const client = await call<{ id: number }>('POST', '/api/v1/clients/', {
      hostname: '127.0.0.2',
      port: testbed.client.port,
    });
    const policy = await call<{ id: number }>('POST', '/api/v1/policies/', {
      name: 'data',
      policy_type: 'folders',
      extra_vars: { folders: [source] },
      schedule: schedule.body.id,
      repository: repository.body.id,
      clients: [client.body.id],
      keep_daily: 1,
    });
    expect(policy.status).toBe(201);

    expect((await call('POST', `/api/v1/policies/${policy.body.id}/launch/`, {})).status).toBe(201);
    const first = await finishedJobs(5);
    expect(first.map((j) => [j.job_type, j.status])).toEqual([
      ['prepare_repository', 'successful'],
      ['prepare_client', 'successful'],
      ['job', 'successful'],
      ['catalog', 'successful'],
      ['prune', 'successful'],
    ]);
    // 20 files, the folder, and each folder above it.
    expect(first[3].job_explanation).toBe(
      `Catalog of ${first[2].archive_name}: ${21 + source.split('/').length - 2} entries stored.`,
    );
    const backup = first[2];
    expect(backup.archive_name).toMatch(/^folders-127\.0\.0\.2-/);
    // Output reaches PostgreSQL through the callback receiver, a moment after the job ends.
    const summary = await waitFor('the backup summary line', async () => {
      const events = await call<{ results: { stdout: string }[] }>(
        'GET',
        `/api/v1/jobs/${backup.id}/job_events/?page_size=200`,
      );

      return events.body.results.find((e) =>
        /^Archive folders-127\.0\.0\.2-.*: 20 files/.test(e.stdout),
      );
    });
    expect(summary).toBeDefined();
    const sizes = await call<{ original_size: number }>(
      'GET',
      `/api/v1/repositories/${repository.body.id}/`,
    );
    expect(sizes.body.original_size).toBeGreaterThan(20 * 700);

    // A second run the same day: keep_daily 1 leaves only the newest archive.
    expect((await call('POST', `/api/v1/policies/${policy.body.id}/launch/`, {})).status).toBe(201);
    const second = await finishedJobs(8);
    expect(second.slice(5).map((j) => [j.job_type, j.status])).toEqual([
      ['job', 'successful'],
      ['catalog', 'successful'],
      ['prune', 'successful'],
    ]);
    expect(second[7].job_explanation).toBe('Pruned 1 archives, kept 1; space compacted.');
    const left = testbed.borgAsOwner(
      ['list', '--short', `${testbed.repositoryDir}/launched`],
      PASSPHRASE,
    );
    expect(left.trim()).toBe(second[5].archive_name);
    // The pruned archive left the catalog with it.
    const archives = await call<{ results: { name: string }[] }>('GET', '/api/v1/archives/');
    expect(archives.body.results.map((a) => a.name)).toEqual([second[5].archive_name]);
  });

  it('runs borg check on the repository on its own schedule', async () => {
    const { rows } = await db.query<{ id: number }>('SELECT id FROM repositories');
    const repository = rows[0].id;
    const wrong = await call<Record<string, string[]>>(
      'PATCH',
      `/api/v1/repositories/${repository}/`,
      {
        check_schedule: 999_999,
      },
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body).toHaveProperty('check_schedule');
    const schedule = await call<{ id: number }>('POST', '/api/v1/schedules/', {
      name: 'weekly check',
      crontab: '0 5 * * 0',
    });
    const patched = await call<{ check_schedule: number; next_check: string }>(
      'PATCH',
      `/api/v1/repositories/${repository}/`,
      {
        check_schedule: schedule.body.id,
      },
    );
    expect(patched.body.check_schedule).toBe(schedule.body.id);
    expect(new Date(patched.body.next_check).getUTCDay()).toBe(0);

    // Make it due now rather than wait for Sunday.
    await db.query(
      `UPDATE repositories SET next_check = now() - interval '1 second' WHERE id = $1`,
      [repository],
    );
    const check = await waitFor(
      'the scheduled check',
      async () => {
        const found = await db.query<JobRow & { launch_type: string }>(
          `SELECT * FROM jobs WHERE job_type = 'check' AND status NOT IN ('pending', 'waiting', 'running')`,
        );

        return found.rows[0];
      },
      120_000,
    );
    expect(check).toMatchObject({
      status: 'successful',
      launch_type: 'scheduled',
      job_explanation: 'The repository and its archives are consistent.',
    });
    const after = await db.query<{ next_check: Date }>(
      'SELECT next_check FROM repositories WHERE id = $1',
      [repository],
    );
    expect(after.rows[0].next_check.getTime()).toBeGreaterThan(Date.now());
  });
});
