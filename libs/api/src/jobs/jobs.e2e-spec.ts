import {
  ADMIN,
  type ApiObject,
  createClient,
  createPolicy,
  createRepository,
  objectKeys,
  TestApi,
} from '@cyborg/testing';

/**
 * Jobs over HTTP: launching a policy, the life-cycle actions, the output and
 * its events. No task manager or RabbitMQ relay runs here, so launched jobs
 * stay pending and the messages they send stay in the outbox table.
 */

interface Job {
  id: number;
  type: string;
  url: string;
  related: Record<string, string>;
  summary_fields: Record<string, unknown>;
  name: string;
  job_type: string;
  launch_type: string;
  status: string;
  failed: boolean;
  finished: string | null;
  policy: number | null;
  client: number | null;
  repository: number | null;
  job_explanation: string;
  created_by: number | null;
  dependent_jobs: number[];
}

interface Launched {
  job: number;
  jobs: Job[];
}

interface Page<T> {
  count: number;
  results: T[];
}

interface JobEvent {
  id: number;
  job: number;
  counter: number;
  event: string;
  stdout: string;
}

interface OutboxRow {
  routing_key: string;
  payload: Record<string, unknown>;
}

const JOB_FIELDS = [
  'name',
  'description',
  'job_type',
  'launch_type',
  'status',
  'failed',
  'started',
  'finished',
  'elapsed',
  'policy',
  'client',
  'repository',
  'archive_name',
  'original_size',
  'compressed_size',
  'deduplicated_size',
  'job_explanation',
  'result_traceback',
  'executor',
  'dependent_jobs',
];

describe('Jobs API', () => {
  let api: TestApi;
  let admin: string;
  let user: { id: number; token: string };
  let adminId: number;

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await api.loginAdmin();
    user = await api.createUser(admin, { email: 'operator@example.com' });
    adminId = (await api.get<{ results: { id: number }[] }>('/api/v1/me/', admin)).body.results[0]
      .id;
  });

  afterAll(() => api.stop());

  function sql<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
    return api.dataSource.query(query, params);
  }

  async function setSettings(fields: { catalog: boolean; prune: boolean }): Promise<void> {
    await sql(`UPDATE settings SET value = $1 WHERE key = 'cyborgbackup_catalog_enabled'`, [
      String(fields.catalog),
    ]);
    await sql(`UPDATE settings SET value = $1 WHERE key = 'cyborgbackup_auto_prune'`, [
      String(fields.prune),
    ]);
  }

  async function outboxMark(): Promise<number> {
    const [{ max }] = await sql<{ max: number }>(
      'SELECT COALESCE(max(id), 0)::int AS max FROM outbox_messages',
    );

    return max;
  }

  function outboxSince(mark: number): Promise<OutboxRow[]> {
    return sql<OutboxRow>(
      'SELECT routing_key, payload FROM outbox_messages WHERE id > $1 ORDER BY id',
      [mark],
    );
  }

  async function launch(policy: number, body: unknown = {}, token = admin): Promise<Launched> {
    const response = await api.post<Launched>(`/api/v1/policies/${policy}/launch/`, body, token);
    if (response.status !== 201)
      throw new Error(`launch answered ${response.status}: ${response.text}`);

    return response.body;
  }

  /** A ready client and repository with a policy over them, so a launch makes only backups. */
  async function readyPolicy(fields: Record<string, unknown> = {}): Promise<ApiObject> {
    const repository = await createRepository(api, admin, { ready: true });
    const client = await createClient(api, admin, { ready: true });

    return createPolicy(api, admin, { repository: repository.id, clients: [client.id], ...fields });
  }

  /** A job written straight to the database, in any state. */
  async function insertJob(fields: {
    status: string;
    jobType?: string;
    policy?: ApiObject;
    dependsOn?: number[];
  }): Promise<number> {
    const policy = fields.policy ?? (await readyPolicy());
    const [{ id }] = await sql<{ id: number }>(
      `INSERT INTO jobs (name, job_type, status, launch_type, policy_id, client_id, repository_id,
         extra_vars, verbosity, finished, failed)
       VALUES ($1, $2, $3::varchar, 'manual', $4, $5, $6, '{"exclude": ["/tmp"]}', 2,
         CASE WHEN $3::varchar IN ('successful', 'failed', 'error', 'canceled') THEN now() END,
         $3::varchar IN ('failed', 'error', 'canceled'))
       RETURNING id`,
      [
        `Job ${fields.status}`,
        fields.jobType ?? 'job',
        fields.status,
        policy.id,
        (policy.clients as number[])[0],
        policy.repository,
      ],
    );
    for (const dependency of fields.dependsOn ?? []) {
      await sql('INSERT INTO job_dependencies (job_id, depends_on_id) VALUES ($1, $2)', [
        id,
        dependency,
      ]);
    }

    return id;
  }

  async function job(id: number): Promise<Job> {
    const response = await api.get<Job>(`/api/v1/jobs/${id}/`, admin);
    expect(response.status).toBe(200);

    return response.body;
  }

  async function insertEvents(jobId: number, lines: [number, string, string?][]): Promise<void> {
    for (const [counter, stdout, event] of lines) {
      await sql(
        `INSERT INTO job_events (job_id, job_created, counter, stdout, event, event_data)
         SELECT $1, created, $2, $3, $4, $5 FROM jobs WHERE id = $1`,
        [jobId, counter, stdout, event ?? 'verbose', JSON.stringify({ line: counter })],
      );
    }
  }

  describe('POST /api/v1/policies/{id}/launch/', () => {
    it('prepares a new repository and client before the backup, then catalogs and prunes', async () => {
      await setSettings({ catalog: true, prune: true });
      const policy = await createPolicy(api, admin, {
        clients: [(await createClient(api, admin)).id],
        keep_daily: 7,
      });
      const mark = await outboxMark();

      const launched = await launch(policy.id);

      const byType = Object.fromEntries(launched.jobs.map((j) => [j.job_type, j]));
      expect(launched.jobs.map((j) => j.job_type).sort()).toEqual([
        'catalog',
        'job',
        'prepare_client',
        'prepare_repository',
        'prune',
      ]);
      const backup = byType.job;
      expect(launched.job).toBe(backup.id);
      expect(byType.prepare_repository.dependent_jobs).toEqual([backup.id]);
      expect(byType.prepare_client.dependent_jobs).toEqual([backup.id]);
      expect(backup.dependent_jobs).toEqual(
        [byType.catalog.id, byType.prune.id].sort((a, b) => a - b),
      );
      expect(byType.catalog.dependent_jobs).toEqual([]);
      for (const j of launched.jobs) {
        expect(j).toMatchObject({ status: 'pending', policy: policy.id, created_by: adminId });
        expect(j.launch_type).toBe(j.job_type === 'job' ? 'manual' : 'dependency');
      }
      expect(await outboxSince(mark)).toEqual([
        {
          routing_key: 'job.created',
          payload: { jobIds: launched.jobs.map((j) => j.id) },
        },
      ]);
    });

    it('makes one backup per enabled client and nothing else when all is ready', async () => {
      await setSettings({ catalog: false, prune: true });
      const repository = await createRepository(api, admin, { ready: true });
      const clients = [
        await createClient(api, admin, { ready: true }),
        await createClient(api, admin, { ready: true }),
        await createClient(api, admin, { ready: true, enabled: false }),
      ];
      const policy = await createPolicy(api, admin, {
        repository: repository.id,
        clients: clients.map((c) => c.id),
      });

      const launched = await launch(policy.id);

      expect(launched.jobs.map((j) => [j.job_type, j.client])).toEqual([
        ['job', clients[0].id],
        ['job', clients[1].id],
      ]);
      expect(launched.job).toBe(launched.jobs[0].id);
      expect(launched.jobs[0].name).toContain(clients[0].hostname as string);
    });

    it('catalogs only when the catalog setting is on', async () => {
      await setSettings({ catalog: true, prune: false });
      const policy = await readyPolicy({ keep_daily: 3 });

      const launched = await launch(policy.id);

      expect(launched.jobs.map((j) => j.job_type)).toEqual(['job', 'catalog']);
    });

    it('prunes only when auto_prune is on and the policy has a keep rule', async () => {
      await setSettings({ catalog: false, prune: true });
      const withoutKeep = await readyPolicy({ keep_daily: 0 });
      const withKeep = await readyPolicy({ keep_yearly: 2 });

      expect((await launch(withoutKeep.id)).jobs.map((j) => j.job_type)).toEqual(['job']);
      expect((await launch(withKeep.id)).jobs.map((j) => j.job_type)).toEqual(['job', 'prune']);
      await setSettings({ catalog: false, prune: false });
      expect((await launch(withKeep.id)).jobs.map((j) => j.job_type)).toEqual(['job']);
    });

    it('shares a preparation still pending between launches', async () => {
      await setSettings({ catalog: false, prune: false });
      const repository = await createRepository(api, admin);
      const client = await createClient(api, admin);
      const first = await createPolicy(api, admin, {
        repository: repository.id,
        clients: [client.id],
      });
      const second = await createPolicy(api, admin, {
        repository: repository.id,
        clients: [client.id],
      });

      const one = await launch(first.id);
      const two = await launch(second.id);

      expect(two.jobs.map((j) => j.job_type)).toEqual(['job']);
      const prepareRepository = one.jobs.find((j) => j.job_type === 'prepare_repository')!;
      const prepareClient = one.jobs.find((j) => j.job_type === 'prepare_client')!;
      expect((await job(prepareRepository.id)).dependent_jobs).toEqual([one.job, two.job]);
      expect((await job(prepareClient.id)).dependent_jobs).toEqual([one.job, two.job]);
    });

    it('accepts a bare POST, extra_vars and a verbosity', async () => {
      await setSettings({ catalog: false, prune: false });
      const policy = await readyPolicy();

      const bare = await api.request<Launched>('POST', `/api/v1/policies/${policy.id}/launch/`, {
        token: admin,
      });
      const withOptions = await launch(policy.id, {
        extra_vars: { exclude: ['*.iso'] },
        verbosity: 3,
      });

      expect(bare.status).toBe(201);
      const [row] = await sql<{ extra_vars: unknown; verbosity: number }>(
        'SELECT extra_vars, verbosity FROM jobs WHERE id = $1',
        [withOptions.job],
      );
      expect(row).toEqual({ extra_vars: { exclude: ['*.iso'] }, verbosity: 3 });
    });

    it('stores a password given at launch encrypted and never shows it', async () => {
      await setSettings({ catalog: false, prune: false });
      const policy = await readyPolicy({
        policy_type: 'mysql',
        extra_vars: { user: 'backup', password: 'policy-db-password' },
      });

      const launched = await launch(policy.id, { extra_vars: { password: 'launch-db-password' } });

      const [row] = await sql<{ extra_vars: Record<string, string> }>(
        'SELECT extra_vars FROM jobs WHERE id = $1',
        [launched.job],
      );
      expect(row.extra_vars.password).toEqual(expect.any(String));
      expect(row.extra_vars.password).not.toContain('launch-db-password');
      const shown = await api.get(`/api/v1/jobs/${launched.job}/`, admin);
      const list = await api.get('/api/v1/jobs/?page_size=200', admin);
      for (const text of [JSON.stringify(launched), shown.text, list.text]) {
        expect(text).not.toContain('db-password');
      }
    });

    it.each([
      [{ verbosity: 6 }, 'verbosity'],
      [{ verbosity: 'high' }, 'verbosity'],
      [{ extra_vars: ['a'] }, 'extra_vars'],
      [{ extra_vars: { nonsense: 1 } }, 'extra_vars'],
      [{ priority: 1 }, 'priority'],
    ])('refuses %j with 400 naming %s', async (body, field) => {
      const policy = await readyPolicy();

      const response = await api.post(`/api/v1/policies/${policy.id}/launch/`, body, admin);

      expect(response.status).toBe(400);
      expect(response.body).toHaveProperty(field);
    });

    it('answers 409 for a disabled policy, a disabled repository or no enabled client', async () => {
      const disabledPolicy = await readyPolicy({ enabled: false });
      const disabledRepository = await createRepository(api, admin, { enabled: false });
      const onDisabledRepository = await createPolicy(api, admin, {
        repository: disabledRepository.id,
        clients: [(await createClient(api, admin)).id],
      });
      const withoutClient = await createPolicy(api, admin, { clients: [] });
      const mark = await outboxMark();

      for (const [policy, reason] of [
        [disabledPolicy, 'The policy is disabled.'],
        [onDisabledRepository, 'The repository of the policy is disabled.'],
        [withoutClient, 'The policy has no enabled client.'],
      ] as const) {
        const refused = await api.post(`/api/v1/policies/${policy.id}/launch/`, {}, admin);
        const asked = await api.get(`/api/v1/policies/${policy.id}/launch/`, admin);

        expect(refused.status).toBe(409);
        expect(refused.body).toEqual({ detail: reason });
        expect(asked.body).toEqual({ can_launch: false, reason });
      }
      expect(await outboxSince(mark)).toEqual([]);
    });

    it('tells whether a policy can launch', async () => {
      const policy = await readyPolicy();

      const response = await api.get(`/api/v1/policies/${policy.id}/launch/`, admin);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ can_launch: true });
    });

    it('answers 404 for an unknown policy', async () => {
      expect((await api.get('/api/v1/policies/999999/launch/', admin)).status).toBe(404);
      expect((await api.post('/api/v1/policies/999999/launch/', {}, admin)).status).toBe(404);
    });

    it('lets an ordinary user launch, as the creator of the jobs', async () => {
      await setSettings({ catalog: false, prune: false });
      const policy = await readyPolicy();

      const launched = await launch(policy.id, {}, user.token);

      expect(launched.jobs[0].created_by).toBe(user.id);
      const mine = await api.get<Page<Job>>(`/api/v1/jobs/?created_by=${user.id}`, user.token);
      expect(mine.body.results.map((j) => j.id)).toContain(launched.job);
    });

    it('links the launch from the policy', async () => {
      const policy = await readyPolicy();

      expect(policy.related).toMatchObject({ launch: `/api/v1/policies/${policy.id}/launch/` });
    });
  });

  describe('GET /api/v1/jobs/', () => {
    let launched: Launched;
    let policy: ApiObject;
    let client: ApiObject;
    let repository: ApiObject;

    beforeAll(async () => {
      await setSettings({ catalog: true, prune: false });
      repository = await createRepository(api, admin, {
        repository_key: 'very-secret-borg-passphrase',
      });
      client = await createClient(api, admin, { ready: true });
      policy = await createPolicy(api, admin, {
        repository: repository.id,
        clients: [client.id],
        name: 'Listed policy',
      });
      launched = await launch(policy.id);
    });

    it('shows a job with its fields, links and summaries', async () => {
      const backup = await job(launched.job);

      expect(Object.keys(backup).sort()).toEqual(objectKeys(JOB_FIELDS));
      expect(backup).toMatchObject({
        id: launched.job,
        type: 'job',
        url: `/api/v1/jobs/${launched.job}/`,
        job_type: 'job',
        status: 'pending',
        failed: false,
        started: null,
        finished: null,
        elapsed: 0,
        policy: policy.id,
        client: client.id,
        repository: repository.id,
        executor: '',
        created_by: adminId,
        modified_by: adminId,
      });
      const url = backup.url;
      expect(backup.related).toEqual({
        job_events: `${url}job_events/`,
        policy: `/api/v1/policies/${policy.id}/`,
        stdout: `${url}stdout/`,
        start: `${url}start/`,
        cancel: `${url}cancel/`,
        relaunch: `${url}relaunch/`,
      });
      expect(backup.summary_fields).toEqual({
        created_by: expect.objectContaining({ id: adminId, email: ADMIN.email }),
        modified_by: expect.objectContaining({ id: adminId }),
        policy: { id: policy.id, name: 'Listed policy', policy_type: 'rootfs' },
        client: { id: client.id, hostname: client.hostname },
        repository: {
          id: repository.id,
          name: repository.name,
          path: repository.path,
          enabled: true,
        },
      });
    });

    it('never shows the repository passphrase', async () => {
      const one = await api.get(`/api/v1/jobs/${launched.job}/`, admin);
      const all = await api.get('/api/v1/jobs/?page_size=200', admin);

      expect(one.text).not.toContain('very-secret-borg-passphrase');
      expect(all.text).not.toContain('very-secret-borg-passphrase');
    });

    it('drops the policy link and summary once the policy is gone', async () => {
      const other = await readyPolicy();
      const id = await insertJob({ status: 'successful', policy: other });
      await sql('UPDATE jobs SET policy_id = NULL WHERE id = $1', [id]);

      const shown = await job(id);

      expect(shown.policy).toBeNull();
      expect(shown.related).not.toHaveProperty('policy');
      expect(shown.summary_fields).not.toHaveProperty('policy');
    });

    it('lists newest first, paged', async () => {
      const response = await api.get<Page<Job> & { next: string | null }>(
        '/api/v1/jobs/?page_size=2',
        admin,
      );

      expect(response.status).toBe(200);
      expect(response.body.results).toHaveLength(2);
      expect(response.body.results[0].id).toBeGreaterThan(response.body.results[1].id);
      expect(response.body.next).toBe('/api/v1/jobs/?page_size=2&page=2');
    });

    it.each([
      ['job_type=catalog', (j: Job) => j.job_type === 'catalog'],
      ['status=pending', (j: Job) => j.status === 'pending'],
      ['failed=false', (j: Job) => !j.failed],
      ['launch_type=dependency', (j: Job) => j.launch_type === 'dependency'],
    ])('filters by %s', async (filter, matches) => {
      const response = await api.get<Page<Job>>(`/api/v1/jobs/?page_size=200&${filter}`, admin);

      expect(response.status).toBe(200);
      expect(response.body.count).toBeGreaterThan(0);
      expect(response.body.results.every(matches)).toBe(true);
    });

    it('filters by related objects and their names', async () => {
      const all = launched.jobs.map((j) => j.id).sort((a, b) => a - b);
      // The repository is prepared once for the policy, on no client.
      const onClient = launched.jobs
        .filter((j) => j.client !== null)
        .map((j) => j.id)
        .sort((a, b) => a - b);
      const hostname = encodeURIComponent(client.hostname as string);
      const repositoryName = encodeURIComponent(repository.name as string);

      for (const [filter, expected] of [
        [`policy=${policy.id}`, all],
        [`client=${client.id}`, onClient],
        [`repository=${repository.id}`, all],
        ['policy__name=Listed%20policy', all],
        [`client__hostname=${hostname}`, onClient],
        [`repository__name=${repositoryName}`, all],
        ['client__isnull=true&job_type=prepare_repository&policy__name=Listed%20policy', [all[0]]],
      ] as const) {
        const response = await api.get<Page<Job>>(`/api/v1/jobs/?order_by=id&${filter}`, admin);

        expect(response.status).toBe(200);
        expect([filter, response.body.results.map((j) => j.id)]).toEqual([filter, expected]);
      }
      expect(onClient).toHaveLength(2);
    });

    it('filters by dates and archive name, and searches names', async () => {
      const archived = await insertJob({ status: 'successful' });
      await sql(
        `UPDATE jobs SET archive_name = 'srv-2024-01-01', name = 'Nightly unique' WHERE id = $1`,
        [archived],
      );

      const byArchive = await api.get<Page<Job>>(
        '/api/v1/jobs/?archive_name=srv-2024-01-01',
        admin,
      );
      const bySearch = await api.get<Page<Job>>('/api/v1/jobs/?search=nightly%20UNIQUE', admin);
      const byName = await api.get<Page<Job>>('/api/v1/jobs/?name__startswith=Nightly%20u', admin);
      const started = await api.get<Page<Job>>('/api/v1/jobs/?started__isnull=false', admin);
      const byArchiveSearch = await api.get<Page<Job>>('/api/v1/jobs/?search=srv-2024', admin);
      const finished = await api.get<Page<Job>>(
        '/api/v1/jobs/?page_size=200&finished__gte=2000-01-01',
        admin,
      );
      const created = await api.get<Page<Job>>('/api/v1/jobs/?created__lt=2000-01-01', admin);

      expect(byArchive.body.results.map((j) => j.id)).toEqual([archived]);
      expect(bySearch.body.results.map((j) => j.id)).toEqual([archived]);
      expect(byName.body.results.map((j) => j.id)).toEqual([archived]);
      expect(started.body.count).toBe(0);
      expect(byArchiveSearch.body.results.map((j) => j.id)).toEqual([archived]);
      expect(finished.body.results.map((j) => j.id)).toContain(archived);
      expect(finished.body.results.every((j) => j.finished !== null)).toBe(true);
      expect(created.body.count).toBe(0);
    });

    it('refuses unknown filters and bad values with 400', async () => {
      const unknown = await api.get('/api/v1/jobs/?extra_vars=x', admin);
      const badNumber = await api.get('/api/v1/jobs/?policy=abc', admin);

      expect(unknown.status).toBe(400);
      expect(unknown.body).toHaveProperty('extra_vars');
      expect(badNumber.status).toBe(400);
    });

    it('answers 404 for an unknown job', async () => {
      expect((await api.get('/api/v1/jobs/999999/', admin)).status).toBe(404);
      expect((await api.get('/api/v1/jobs/abc/', admin)).status).toBe(404);
    });

    it('is listed in the API index', async () => {
      const index = await api.get('/api/v1/', admin);

      expect(index.body).toMatchObject({
        jobs: '/api/v1/jobs/',
        job_events: '/api/v1/job_events/',
      });
    });
  });

  describe('start', () => {
    it('moves a new job to pending and tells the task manager', async () => {
      const id = await insertJob({ status: 'new' });
      const mark = await outboxMark();

      const asked = await api.get(`/api/v1/jobs/${id}/start/`, admin);
      const started = await api.post(`/api/v1/jobs/${id}/start/`, {}, user.token);

      expect(asked.body).toEqual({ can_start: true });
      expect(started.status).toBe(202);
      expect(started.body).toEqual({});
      expect((await job(id)).status).toBe('pending');
      expect(await outboxSince(mark)).toEqual([
        { routing_key: 'job.created', payload: { jobIds: [id] } },
      ]);
    });

    it.each(['pending', 'waiting', 'running', 'successful', 'canceled'])(
      'refuses a %s job with 405',
      async (status) => {
        const id = await insertJob({ status });

        const asked = await api.get(`/api/v1/jobs/${id}/start/`, admin);
        const refused = await api.post(`/api/v1/jobs/${id}/start/`, {}, admin);

        expect(asked.body).toEqual({ can_start: false });
        expect(refused.status).toBe(405);
        expect(refused.body).toEqual({ detail: expect.stringContaining(status) });
        expect((await job(id)).status).toBe(status);
      },
    );
  });

  describe('cancel', () => {
    it.each(['new', 'pending', 'waiting'])('cancels a %s job at once', async (status) => {
      const id = await insertJob({ status });
      const mark = await outboxMark();

      const asked = await api.get(`/api/v1/jobs/${id}/cancel/`, admin);
      const response = await api.post(`/api/v1/jobs/${id}/cancel/`, {}, admin);

      expect(asked.body).toEqual({ can_cancel: true });
      expect(response.status).toBe(202);
      expect(await job(id)).toMatchObject({
        status: 'canceled',
        failed: true,
        finished: expect.any(String),
        job_explanation: `Canceled by ${ADMIN.email}.`,
      });
      expect(await outboxSince(mark)).toEqual([
        { routing_key: 'job.status', payload: { jobId: id, status: 'canceled', executor: '' } },
      ]);
    });

    it('fails the jobs that waited on the canceled one, and theirs in turn', async () => {
      await setSettings({ catalog: true, prune: false });
      const policy = await createPolicy(api, admin, {
        clients: [(await createClient(api, admin, { ready: true })).id],
      });
      const launched = await launch(policy.id);
      const prepare = launched.jobs.find((j) => j.job_type === 'prepare_repository')!;
      const catalog = launched.jobs.find((j) => j.job_type === 'catalog')!;

      const response = await api.post(`/api/v1/jobs/${prepare.id}/cancel/`, {}, user.token);

      expect(response.status).toBe(202);
      expect(await job(prepare.id)).toMatchObject({
        status: 'canceled',
        job_explanation: 'Canceled by operator@example.com.',
      });
      expect(await job(launched.job)).toMatchObject({
        status: 'failed',
        failed: true,
        finished: expect.any(String),
        job_explanation: `Dependency job ${prepare.id} was canceled.`,
      });
      expect(await job(catalog.id)).toMatchObject({
        status: 'failed',
        job_explanation: `Dependency job ${launched.job} failed.`,
      });
    });

    it('leaves a dependent that already ended alone', async () => {
      const dependency = await insertJob({ status: 'pending' });
      const ended = await insertJob({ status: 'successful', dependsOn: [dependency] });

      await api.post(`/api/v1/jobs/${dependency}/cancel/`, {}, admin);

      expect((await job(ended)).status).toBe('successful');
    });

    it('asks the executor to stop a running job', async () => {
      const id = await insertJob({ status: 'running' });
      await sql(`UPDATE jobs SET executor = 'exec-1' WHERE id = $1`, [id]);
      const mark = await outboxMark();

      const response = await api.post(`/api/v1/jobs/${id}/cancel/`, {}, admin);

      expect(response.status).toBe(202);
      expect((await job(id)).status).toBe('running');
      const [row] = await sql<{ cancel_requested: boolean }>(
        'SELECT cancel_requested FROM jobs WHERE id = $1',
        [id],
      );
      expect(row.cancel_requested).toBe(true);
      expect(await outboxSince(mark)).toEqual([
        { routing_key: 'job.cancel', payload: { jobId: id } },
      ]);
    });

    it.each(['successful', 'failed', 'error', 'canceled'])(
      'refuses a %s job with 405',
      async (status) => {
        const id = await insertJob({ status });

        const asked = await api.get(`/api/v1/jobs/${id}/cancel/`, admin);
        const refused = await api.post(`/api/v1/jobs/${id}/cancel/`, {}, admin);

        expect(asked.body).toEqual({ can_cancel: false });
        expect(refused.status).toBe(405);
        expect(refused.body).toEqual({ detail: expect.stringContaining('finished') });
      },
    );

    it('answers 404 for an unknown job', async () => {
      expect((await api.post('/api/v1/jobs/999999/cancel/', {}, admin)).status).toBe(404);
    });
  });

  describe('relaunch', () => {
    it('creates a pending copy of a finished job', async () => {
      const policy = await readyPolicy();
      const id = await insertJob({ status: 'failed', policy });
      await sql(`UPDATE jobs SET archive_name = 'old-archive' WHERE id = $1`, [id]);
      const mark = await outboxMark();

      const asked = await api.get(`/api/v1/jobs/${id}/relaunch/`, admin);
      const response = await api.post<Job>(`/api/v1/jobs/${id}/relaunch/`, {}, user.token);

      expect(asked.body).toEqual({ can_relaunch: true });
      expect(response.status).toBe(201);
      const copy = response.body;
      expect(copy).toMatchObject({
        type: 'job',
        name: 'Job failed',
        job_type: 'job',
        launch_type: 'relaunch',
        status: 'pending',
        failed: false,
        finished: null,
        policy: policy.id,
        client: (policy.clients as number[])[0],
        repository: policy.repository,
        created_by: user.id,
        dependent_jobs: [],
      });
      expect(copy.id).not.toBe(id);
      const [row] = await sql<{ extra_vars: unknown; verbosity: number; archive_name: string }>(
        'SELECT extra_vars, verbosity, archive_name FROM jobs WHERE id = $1',
        [copy.id],
      );
      expect(row).toEqual({ extra_vars: { exclude: ['/tmp'] }, verbosity: 2, archive_name: '' });
      expect(await outboxSince(mark)).toEqual([
        { routing_key: 'job.created', payload: { jobIds: [copy.id] } },
      ]);
    });

    it('refuses an active job with 405', async () => {
      const id = await insertJob({ status: 'running' });

      const asked = await api.get(`/api/v1/jobs/${id}/relaunch/`, admin);
      const refused = await api.post(`/api/v1/jobs/${id}/relaunch/`, {}, admin);

      expect(asked.body).toEqual({ can_relaunch: false, reason: expect.any(String) });
      expect(refused.status).toBe(405);
    });

    it('refuses with 409 when the client the job ran on is gone', async () => {
      const id = await insertJob({ status: 'successful' });
      await sql('UPDATE jobs SET client_id = NULL WHERE id = $1', [id]);

      const asked = await api.get(`/api/v1/jobs/${id}/relaunch/`, admin);
      const refused = await api.post(`/api/v1/jobs/${id}/relaunch/`, {}, admin);

      expect(asked.body).toEqual({
        can_relaunch: false,
        reason: expect.stringContaining('client'),
      });
      expect(refused.status).toBe(409);
    });
  });

  describe('DELETE /api/v1/jobs/{id}/', () => {
    it.each(['new', 'pending', 'waiting', 'running'])(
      'refuses a %s job with 405',
      async (status) => {
        const id = await insertJob({ status });

        const refused = await api.delete(`/api/v1/jobs/${id}/`, admin);

        expect(refused.status).toBe(405);
        expect(refused.body).toEqual({ detail: expect.any(String) });
        expect((await job(id)).status).toBe(status);
      },
    );

    it('deletes a finished job with its output', async () => {
      const id = await insertJob({ status: 'successful' });
      await insertEvents(id, [[1, 'line']]);

      const response = await api.delete(`/api/v1/jobs/${id}/`, admin);

      expect(response.status).toBe(204);
      expect((await api.get(`/api/v1/jobs/${id}/`, admin)).status).toBe(404);
      expect(await sql('SELECT id FROM job_events WHERE job_id = $1', [id])).toEqual([]);
    });

    it('is for superusers only', async () => {
      const id = await insertJob({ status: 'successful' });

      expect((await api.delete(`/api/v1/jobs/${id}/`, user.token)).status).toBe(403);
      expect((await api.delete(`/api/v1/jobs/${id}/`)).status).toBe(401);
      expect((await api.delete('/api/v1/jobs/999999/', admin)).status).toBe(404);
    });
  });

  describe('GET /api/v1/jobs/{id}/stdout/', () => {
    let id: number;

    beforeAll(async () => {
      id = await insertJob({ status: 'successful' });
      // Written out of order: the output follows the counter, not the insertion.
      await insertEvents(id, [
        [3, 'third <b>bold</b> & "quoted"'],
        [1, '\u001b[1;32mfirst\u001b[0m'],
        [2, 'second'],
        [4, '\u001b[31mfourth\u001b[0m'],
      ]);
    });

    it('answers plain text without escape codes by default', async () => {
      const response = await api.get(`/api/v1/jobs/${id}/stdout/`, admin);

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(response.text).toBe('first\nsecond\nthird <b>bold</b> & "quoted"\nfourth\n');
    });

    it('keeps escape codes for ansi', async () => {
      const response = await api.get(`/api/v1/jobs/${id}/stdout/?format=ansi`, admin);

      expect(response.text).toBe(
        '\u001b[1;32mfirst\u001b[0m\nsecond\nthird <b>bold</b> & "quoted"\n\u001b[31mfourth\u001b[0m\n',
      );
    });

    it('answers a line range, start included and end excluded', async () => {
      const response = await api.get(`/api/v1/jobs/${id}/stdout/?start_line=1&end_line=3`, admin);

      expect(response.text).toBe('second\nthird <b>bold</b> & "quoted"\n');
    });

    it('gives the range and the content for json', async () => {
      const whole = await api.get(`/api/v1/jobs/${id}/stdout/?format=json`, admin);
      const part = await api.get(`/api/v1/jobs/${id}/stdout/?format=json&start_line=2`, admin);
      const beyond = await api.get(`/api/v1/jobs/${id}/stdout/?format=json&start_line=9`, admin);

      expect(whole.headers.get('content-type')).toMatch(/^application\/json/);
      expect(whole.body).toEqual({
        range: { start: 0, end: 4, absolute_end: 4 },
        content: expect.stringContaining('\u001b[1;32mfirst\u001b[0m\nsecond\n'),
      });
      expect(part.body).toEqual({
        range: { start: 2, end: 4, absolute_end: 4 },
        content: 'third <b>bold</b> & "quoted"\n\u001b[31mfourth\u001b[0m\n',
      });
      expect(beyond.body).toEqual({ range: { start: 4, end: 4, absolute_end: 4 }, content: '' });
    });

    it('renders an html page with the text escaped', async () => {
      const response = await api.get(`/api/v1/jobs/${id}/stdout/?format=html`, admin);

      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.text).toContain('<pre>first\nsecond\nthird &#60;b&#62;bold&#60;/b&#62;');
      expect(response.text).toContain('&#38; &#34;quoted&#34;');
      expect(response.text).not.toContain('<b>');
      expect(response.text).not.toContain('\u001b');
    });

    it.each([
      ['txt_download', 'first\nsecond\nthird <b>bold</b> & "quoted"\nfourth\n'],
      ['ansi_download', '\u001b[1;32mfirst'],
    ])('sends %s as an attachment', async (format, start) => {
      const response = await api.get(`/api/v1/jobs/${id}/stdout/?format=${format}`, admin);

      expect(response.headers.get('content-disposition')).toBe(
        `attachment; filename="job_${id}.txt"`,
      );
      expect(response.text.startsWith(start)).toBe(true);
    });

    it('answers an empty text for a job without output', async () => {
      const quiet = await insertJob({ status: 'pending' });

      const response = await api.get(`/api/v1/jobs/${quiet}/stdout/`, admin);

      expect(response.status).toBe(200);
      expect(response.text).toBe('');
    });

    it.each([
      ['format=pdf', 'format'],
      ['start_line=-1', 'start_line'],
      ['start_line=x', 'start_line'],
      ['end_line=1.5', 'end_line'],
      ['start_line=3&end_line=1', 'end_line'],
    ])('refuses %s with 400 naming %s', async (query, param) => {
      const response = await api.get(`/api/v1/jobs/${id}/stdout/?${query}`, admin);

      expect(response.status).toBe(400);
      expect(response.body).toEqual({ [param]: [expect.any(String)] });
    });

    it('answers 404 for an unknown job', async () => {
      expect((await api.get('/api/v1/jobs/999999/stdout/', admin)).status).toBe(404);
    });
  });

  describe('job events', () => {
    let id: number;
    let other: number;

    beforeAll(async () => {
      id = await insertJob({ status: 'successful' });
      other = await insertJob({ status: 'successful' });
      await insertEvents(id, [
        [2, 'Creating archive', 'archive_progress'],
        [1, 'borg create starting'],
        [3, 'Archive fingerprint: abc'],
        [4, 'terminating with success status'],
      ]);
      await insertEvents(other, [[1, 'other job line']]);
    });

    function counters(page: Page<JobEvent>): number[] {
      return page.results.map((e) => e.counter);
    }

    it("lists a job's events in counter order, with their shape", async () => {
      const response = await api.get<Page<JobEvent>>(`/api/v1/jobs/${id}/job_events/`, admin);

      expect(response.status).toBe(200);
      expect(counters(response.body)).toEqual([1, 2, 3, 4]);
      const first = response.body.results[0];
      expect(first).toEqual({
        id: expect.any(Number),
        type: 'job_event',
        url: `/api/v1/job_events/${first.id}/`,
        job: id,
        counter: 1,
        event: 'verbose',
        stdout: 'borg create starting',
        event_data: { line: 1 },
        created: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      });
    });

    it.each([
      ['counter__gt=2', [3, 4]],
      ['counter__lt=3', [1, 2]],
      ['counter__gt=1&counter__lt=4', [2, 3]],
      ['event=archive_progress', [2]],
      ['search=ARCHIVE', [2, 3]],
      ['order_by=-counter', [4, 3, 2, 1]],
    ])('filters with %s', async (query, expected) => {
      const response = await api.get<Page<JobEvent>>(
        `/api/v1/jobs/${id}/job_events/?${query}`,
        admin,
      );

      expect(response.status).toBe(200);
      expect(counters(response.body)).toEqual(expected);
    });

    it('lists every event at /job_events/, filterable by job', async () => {
      const all = await api.get<Page<JobEvent>>('/api/v1/job_events/?page_size=200', admin);
      const ofOther = await api.get<Page<JobEvent>>(`/api/v1/job_events/?job=${other}`, admin);

      expect(all.body.count).toBeGreaterThanOrEqual(5);
      expect(ofOther.body.results.map((e) => [e.job, e.stdout])).toEqual([
        [other, 'other job line'],
      ]);
    });

    it('shows one event', async () => {
      const [{ id: eventId }] = await sql<{ id: string }>(
        'SELECT id FROM job_events WHERE job_id = $1 AND counter = 3',
        [id],
      );

      const response = await api.get<JobEvent>(`/api/v1/job_events/${eventId}/`, admin);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: Number(eventId), job: id, counter: 3 });
      expect((await api.get('/api/v1/job_events/99999999/', admin)).status).toBe(404);
    });

    it('answers 404 for the events of an unknown job', async () => {
      expect((await api.get('/api/v1/jobs/999999/job_events/', admin)).status).toBe(404);
    });
  });

  describe('permissions', () => {
    it('answers 401 to anonymous callers everywhere', async () => {
      const id = await insertJob({ status: 'successful' });
      const policy = await readyPolicy();

      for (const [method, path] of [
        ['GET', '/api/v1/jobs/'],
        ['GET', `/api/v1/jobs/${id}/`],
        ['DELETE', `/api/v1/jobs/${id}/`],
        ['GET', `/api/v1/jobs/${id}/start/`],
        ['POST', `/api/v1/jobs/${id}/start/`],
        ['GET', `/api/v1/jobs/${id}/cancel/`],
        ['POST', `/api/v1/jobs/${id}/cancel/`],
        ['GET', `/api/v1/jobs/${id}/relaunch/`],
        ['POST', `/api/v1/jobs/${id}/relaunch/`],
        ['GET', `/api/v1/jobs/${id}/job_events/`],
        ['GET', `/api/v1/jobs/${id}/stdout/`],
        ['GET', '/api/v1/job_events/'],
        ['GET', '/api/v1/job_events/1/'],
        ['GET', `/api/v1/policies/${policy.id}/launch/`],
        ['POST', `/api/v1/policies/${policy.id}/launch/`],
      ]) {
        const response = await api.request(method, path, method === 'POST' ? { body: {} } : {});

        expect([method, path, response.status]).toEqual([method, path, 401]);
      }
      expect((await job(id)).status).toBe('successful');
    });

    it('lets an ordinary user read jobs, their output and events', async () => {
      const id = await insertJob({ status: 'successful' });

      for (const path of [
        '/api/v1/jobs/',
        `/api/v1/jobs/${id}/`,
        `/api/v1/jobs/${id}/stdout/`,
        `/api/v1/jobs/${id}/job_events/`,
        '/api/v1/job_events/',
        `/api/v1/jobs/${id}/start/`,
        `/api/v1/jobs/${id}/cancel/`,
        `/api/v1/jobs/${id}/relaunch/`,
      ]) {
        expect([path, (await api.get(path, user.token)).status]).toEqual([path, 200]);
      }
    });
  });
});
