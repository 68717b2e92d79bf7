import {
  ADMIN,
  createClient,
  createPolicy,
  createRepository,
  createSchedule,
  ISO_INSTANT,
  objectKeys,
  TestApi,
} from '@cyborg/testing';

interface Policy {
  id: number;
  name: string;
  clients: number[];
  extra_vars: Record<string, unknown>;
  next_run: string | null;
  summary_fields: Record<string, unknown>;
  related: Record<string, string>;
  [field: string]: unknown;
}

const POLICY_FIELDS = objectKeys([
  'name',
  'policy_type',
  'clients',
  'repository',
  'schedule',
  'extra_vars',
  'keep_hourly',
  'keep_daily',
  'keep_weekly',
  'keep_monthly',
  'keep_yearly',
  'vmprovider',
  'prehook',
  'posthook',
  'mode_pull',
  'next_run',
  'enabled',
  'uuid',
]);

/** The next instant, in UTC, at which the wall clock reads `hour`:00 after now. */
function nextAtHour(hour: number): string {
  const now = new Date();
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour));
  if (next <= now) next.setUTCDate(next.getUTCDate() + 1);

  return next.toISOString();
}

/** Every day of a UTC month at `hour`:00, as ISO strings. */
function dailyAt(year: number, month: number, hour: number): string[] {
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();

  return Array.from({ length: days }, (_, i) =>
    new Date(Date.UTC(year, month - 1, i + 1, hour)).toISOString(),
  );
}

describe('Policies API', () => {
  let api: TestApi;
  let admin: string;
  let adminId: number;

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await api.loginAdmin();
    adminId = (await api.get<{ results: { id: number }[] }>('/api/v1/me/', admin)).body.results[0]
      .id;
  });

  afterAll(() => api.stop());

  async function basics() {
    return {
      schedule: (await createSchedule(api, admin, { crontab: '0 3 * * *' })).id,
      repository: (await createRepository(api, admin)).id,
    };
  }

  it('creates a policy with 201 and answers its whole shape', async () => {
    const schedule = await createSchedule(api, admin, { name: 'Nightly', crontab: '0 3 * * *' });
    const repository = await createRepository(api, admin, {
      name: 'Main',
      path: 'borg@backup.example.com:/srv/borg/main',
    });
    const web = await createClient(api, admin, { hostname: 'web.example.com' });
    const db = await createClient(api, admin, { hostname: 'db.example.com' });

    const response = await api.post<Policy>(
      '/api/v1/policies/',
      {
        name: 'Nightly /etc',
        policy_type: 'folders',
        clients: [web.id, db.id],
        repository: repository.id,
        schedule: schedule.id,
        extra_vars: { folders: ['/etc'], exclude: ['*.tmp'] },
        keep_daily: 7,
        keep_yearly: 2,
        prehook: 'systemctl stop app',
        posthook: 'systemctl start app',
      },
      admin,
    );
    const summary = { id: adminId, email: ADMIN.email, first_name: '', last_name: '' };
    const url = `/api/v1/policies/${response.body.id}/`;

    expect(response.status).toBe(201);
    expect(Object.keys(response.body).sort()).toEqual(POLICY_FIELDS);
    expect(response.body).toEqual({
      id: expect.any(Number),
      type: 'policy',
      url,
      related: {
        launch: `${url}launch/`,
        calendar: `${url}calendar/`,
        schedule: `/api/v1/schedules/${schedule.id}/`,
        repository: `/api/v1/repositories/${repository.id}/`,
      },
      summary_fields: {
        created_by: summary,
        modified_by: summary,
        schedule: { id: schedule.id, name: 'Nightly', crontab: '0 3 * * *', enabled: true },
        repository: {
          id: repository.id,
          name: 'Main',
          path: 'borg@backup.example.com:/srv/borg/main',
          enabled: true,
        },
        clients: expect.arrayContaining([
          { id: web.id, hostname: 'web.example.com' },
          { id: db.id, hostname: 'db.example.com' },
        ]),
      },
      created: expect.stringMatching(ISO_INSTANT),
      modified: expect.stringMatching(ISO_INSTANT),
      created_by: adminId,
      modified_by: adminId,
      name: 'Nightly /etc',
      policy_type: 'folders',
      clients: expect.arrayContaining([web.id, db.id]),
      repository: repository.id,
      schedule: schedule.id,
      extra_vars: { folders: ['/etc'], exclude: ['*.tmp'] },
      keep_hourly: null,
      keep_daily: 7,
      keep_weekly: null,
      keep_monthly: null,
      keep_yearly: 2,
      vmprovider: '',
      prehook: 'systemctl stop app',
      posthook: 'systemctl start app',
      mode_pull: false,
      next_run: nextAtHour(3),
      enabled: true,
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(response.body.clients).toHaveLength(2);
  });

  it('lists, reads, updates and deletes, answering 404 for unknown ids', async () => {
    const created = await createPolicy(api, admin);
    const url = `/api/v1/policies/${created.id}/`;

    const list = await api.get<{ count: number; results: Policy[] }>('/api/v1/policies/', admin);
    const found = await api.get<Policy>(url, admin);
    const patched = await api.patch<Policy>(url, { name: 'Renamed', keep_weekly: 4 }, admin);
    // Scripts PUT back what they read, read-only fields and all.
    const put = await api.request<Policy>('PUT', url, {
      token: admin,
      body: { ...patched.body, mode_pull: true, next_run: '2000-01-01T00:00:00.000Z' },
    });
    const removed = await api.delete(url, admin);

    expect(list.status).toBe(200);
    expect(Object.keys(list.body).sort()).toEqual(['count', 'next', 'previous', 'results']);
    expect(list.body.results[0]).toEqual(created);
    expect(found.status).toBe(200);
    expect(found.body).toEqual(created);
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Renamed', keep_weekly: 4 });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: 'Renamed', mode_pull: true, next_run: nextAtHour(3) });
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    expect((await api.get(url, admin)).status).toBe(404);
    expect((await api.patch(url, { name: 'x' }, admin)).status).toBe(404);
    expect((await api.delete(url, admin)).status).toBe(404);
    expect((await api.get(`${url}calendar/`, admin)).status).toBe(404);
  });

  it('answers 400 naming each missing or invalid field', async () => {
    const { schedule, repository } = await basics();
    const missing = await api.post('/api/v1/policies/', {}, admin);
    const cases: [Record<string, unknown>, string][] = [
      [{ policy_type: 'tape' }, 'policy_type'],
      [{ name: '' }, 'name'],
      [{ clients: 'all' }, 'clients'],
      [{ clients: [1, 1] }, 'clients'],
      [{ clients: ['1'] }, 'clients'],
      [{ keep_daily: -1 }, 'keep_daily'],
      [{ keep_monthly: 1.5 }, 'keep_monthly'],
      [{ extra_vars: ['/etc'] }, 'extra_vars'],
      [{ vmprovider: 'bad name!' }, 'vmprovider'],
      [{ prehook: 42 }, 'prehook'],
      [{ mode_pull: 'yes' }, 'mode_pull'],
      [{ repository: 'main' }, 'repository'],
    ];

    expect(missing.status).toBe(400);
    expect(Object.keys(missing.body as object).sort()).toEqual([
      'name',
      'policy_type',
      'repository',
      'schedule',
    ]);
    for (const [fields, field] of cases) {
      const body = { name: 'Bad', policy_type: 'rootfs', schedule, repository, ...fields };
      const response = await api.post('/api/v1/policies/', body, admin);

      expect(response.status).toBe(400);
      expect(response.body).toEqual({ [field]: expect.arrayContaining([expect.any(String)]) });
    }
  });

  it('answers 400 when the repository, schedule or a client does not exist', async () => {
    const { schedule, repository } = await basics();
    const client = await createClient(api, admin);
    const body = { name: 'Dangling', policy_type: 'rootfs', schedule, repository };

    const noRepository = await api.post(
      '/api/v1/policies/',
      { ...body, repository: 999999 },
      admin,
    );
    const noSchedule = await api.post('/api/v1/policies/', { ...body, schedule: 999999 }, admin);
    const noClient = await api.post(
      '/api/v1/policies/',
      { ...body, clients: [client.id, 999999] },
      admin,
    );
    const policy = await createPolicy(api, admin, { schedule, repository });
    const patched = await api.patch(`/api/v1/policies/${policy.id}/`, { schedule: 999998 }, admin);

    expect(noRepository.status).toBe(400);
    expect(noRepository.body).toEqual({
      repository: ['Invalid pk "999999" - object does not exist.'],
    });
    expect(noSchedule.status).toBe(400);
    expect(noSchedule.body).toEqual({ schedule: ['Invalid pk "999999" - object does not exist.'] });
    expect(noClient.status).toBe(400);
    expect(noClient.body).toEqual({ clients: ['Invalid pk "999999" - object does not exist.'] });
    expect(patched.status).toBe(400);
    expect(patched.body).toEqual({ schedule: ['Invalid pk "999998" - object does not exist.'] });
  });

  it('links clients many-to-many and replaces them on update', async () => {
    const a = await createClient(api, admin);
    const b = await createClient(api, admin);
    const first = await createPolicy(api, admin, { clients: [a.id, b.id] });
    const second = await createPolicy(api, admin, { clients: [a.id] });
    const url = `/api/v1/policies/${first.id}/`;

    const replaced = await api.patch<Policy>(url, { clients: [b.id] }, admin);
    const client = await api.get<{ summary_fields: { policies: unknown[] } }>(
      `/api/v1/clients/${a.id}/`,
      admin,
    );
    const emptied = await api.patch<Policy>(url, { clients: [] }, admin);
    const untouched = await api.patch<Policy>(url, { name: 'Still empty' }, admin);

    expect(replaced.body.clients).toEqual([b.id]);
    expect(replaced.body.summary_fields.clients).toEqual([{ id: b.id, hostname: b.hostname }]);
    expect(client.body.summary_fields.policies).toEqual([{ id: second.id, name: second.name }]);
    expect(emptied.body.clients).toEqual([]);
    expect(emptied.body.summary_fields.clients).toEqual([]);
    expect(untouched.body.clients).toEqual([]);
  });

  describe('extra_vars', () => {
    it('requires folders for a folders policy', async () => {
      const { schedule, repository } = await basics();
      const body = { name: 'Folders', policy_type: 'folders', schedule, repository };

      const none = await api.post('/api/v1/policies/', body, admin);
      const empty = await api.post(
        '/api/v1/policies/',
        { ...body, extra_vars: { folders: [] } },
        admin,
      );
      const relative = await api.post(
        '/api/v1/policies/',
        { ...body, extra_vars: { folders: ['etc'] } },
        admin,
      );
      const good = await api.post<Policy>(
        '/api/v1/policies/',
        { ...body, extra_vars: { folders: ['/etc', '/srv/www'] } },
        admin,
      );

      expect(none.status).toBe(400);
      expect(none.body).toEqual({ extra_vars: ['folders is required for a folders policy'] });
      expect(empty.status).toBe(400);
      expect(empty.body).toEqual({ extra_vars: ['folders must not be empty'] });
      expect(relative.status).toBe(400);
      expect(relative.body).toEqual({ extra_vars: [expect.stringMatching(/absolute path/)] });
      expect(good.status).toBe(201);
      expect(good.body.extra_vars).toEqual({ folders: ['/etc', '/srv/www'] });
    });

    it('refuses keys the policy type does not know, naming them', async () => {
      const { schedule, repository } = await basics();

      const response = await api.post(
        '/api/v1/policies/',
        {
          name: 'Rootfs',
          policy_type: 'rootfs',
          schedule,
          repository,
          extra_vars: { folders: ['/etc'] },
        },
        admin,
      );

      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        extra_vars: [expect.stringMatching(/^unknown key "folders" for a rootfs policy/)],
      });
    });

    it('checks the stored extra_vars again when only the policy type changes', async () => {
      const policy = await createPolicy(api, admin, {
        policy_type: 'folders',
        extra_vars: { folders: ['/etc'] },
      });
      const url = `/api/v1/policies/${policy.id}/`;

      const refused = await api.patch(url, { policy_type: 'rootfs' }, admin);
      const accepted = await api.patch<Policy>(
        url,
        { policy_type: 'rootfs', extra_vars: {} },
        admin,
      );

      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({
        extra_vars: [expect.stringMatching(/unknown key "folders"/)],
      });
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ policy_type: 'rootfs', extra_vars: {} });
    });

    it('accepts the options of a database policy, masking the password', async () => {
      const response = await createPolicy(api, admin, {
        policy_type: 'mysql',
        extra_vars: { user: 'backup', password: 'db-pass', databases: ['shop'], port: 3306 },
      });

      expect(response.extra_vars).toEqual({
        user: 'backup',
        password: '$encrypted$',
        databases: ['shop'],
        port: 3306,
      });
    });
  });

  describe('next_run', () => {
    it('is computed from the schedule and cannot be written', async () => {
      const schedule = await createSchedule(api, admin, { crontab: '30 22 * * *' });

      const policy = await createPolicy(api, admin, {
        schedule: schedule.id,
        next_run: '2000-01-01T00:00:00.000Z',
      });

      expect(policy.next_run).toBe(nextAtHour(22).replace(':00:00', ':30:00'));
    });

    it('follows a six-field crontab to its year', async () => {
      const year = new Date().getUTCFullYear() + 1;
      const schedule = await createSchedule(api, admin, { crontab: `0 3 1 * * ${year}` });

      const policy = await createPolicy(api, admin, { schedule: schedule.id });

      expect(policy.next_run).toBe(`${year}-01-01T03:00:00.000Z`);
    });

    it('is null while the policy, its schedule or its repository is disabled', async () => {
      const disabledSchedule = await createSchedule(api, admin, { enabled: false });
      const disabledRepository = await createRepository(api, admin, { enabled: false });

      const offPolicy = await createPolicy(api, admin, { enabled: false });
      const offSchedule = await createPolicy(api, admin, { schedule: disabledSchedule.id });
      const offRepository = await createPolicy(api, admin, {
        repository: disabledRepository.id,
      });
      const reenabled = await api.patch<Policy>(
        `/api/v1/policies/${offPolicy.id}/`,
        { enabled: true },
        admin,
      );
      const switched = await api.patch<Policy>(
        `/api/v1/policies/${offSchedule.id}/`,
        { schedule: (await createSchedule(api, admin)).id },
        admin,
      );

      expect(offPolicy.next_run).toBeNull();
      expect(offSchedule.next_run).toBeNull();
      expect(offRepository.next_run).toBeNull();
      expect(reenabled.body.next_run).toBe(nextAtHour(3));
      expect(switched.body.next_run).toBe(nextAtHour(3));
    });
  });

  describe('GET /api/v1/policies/{id}/calendar/', () => {
    it("lists this month's runs as ISO datetimes", async () => {
      const policy = await createPolicy(api, admin);
      const now = new Date();

      const response = await api.get<string[]>(`/api/v1/policies/${policy.id}/calendar/`, admin);

      expect(response.status).toBe(200);
      expect(response.body).toEqual(dailyAt(now.getUTCFullYear(), now.getUTCMonth() + 1, 3));
    });

    it('lists the runs of the month asked for with ?month=YYYY-MM', async () => {
      const policy = await createPolicy(api, admin);

      const response = await api.get<string[]>(
        `/api/v1/policies/${policy.id}/calendar/?month=2027-02`,
        admin,
      );

      expect(response.status).toBe(200);
      expect(response.body).toHaveLength(28);
      expect(response.body).toEqual(dailyAt(2027, 2, 3));
    });

    it('honours the trailing year of a six-field crontab', async () => {
      const year = new Date().getUTCFullYear() + 1;
      const schedule = await createSchedule(api, admin, { crontab: `0 3 1 * * ${year}` });
      const policy = await createPolicy(api, admin, { schedule: schedule.id });
      const url = `/api/v1/policies/${policy.id}/calendar/`;

      const thisMonth = await api.get<string[]>(url, admin);
      const inYear = await api.get<string[]>(`${url}?month=${year}-02`, admin);
      const yearAfter = await api.get<string[]>(`${url}?month=${year + 1}-02`, admin);

      expect(thisMonth.body).toEqual([]);
      expect(inYear.body).toEqual([`${year}-02-01T03:00:00.000Z`]);
      expect(yearAfter.body).toEqual([]);
    });

    it('is empty for a disabled policy', async () => {
      const policy = await createPolicy(api, admin, { enabled: false });

      const response = await api.get(`/api/v1/policies/${policy.id}/calendar/`, admin);

      expect(response.status).toBe(200);
      expect(response.body).toEqual([]);
    });

    it('reads crontabs and months in the configured time zone', async () => {
      const paris = await TestApi.start({ TIME_ZONE: 'Europe/Paris' });
      try {
        const token = await paris.loginAdmin();
        const policy = await createPolicy(paris, token);
        const url = `/api/v1/policies/${policy.id}/calendar/`;

        const winter = await paris.get<string[]>(`${url}?month=2027-01`, token);
        const summer = await paris.get<string[]>(`${url}?month=2027-07`, token);

        expect(winter.body).toHaveLength(31);
        expect(winter.body[0]).toBe('2027-01-01T02:00:00.000Z');
        expect(summer.body).toHaveLength(31);
        expect(summer.body[0]).toBe('2027-07-01T01:00:00.000Z');
        expect(summer.body[30]).toBe('2027-07-31T01:00:00.000Z');
      } finally {
        await paris.stop();
      }
    });

    it('answers 400 for a malformed month and 404 for an unknown policy', async () => {
      const policy = await createPolicy(api, admin);
      const url = `/api/v1/policies/${policy.id}/calendar/`;

      for (const month of ['2027-13', '2027-2', 'next', '2027-02-01']) {
        const response = await api.get(`${url}?month=${month}`, admin);

        expect(response.status).toBe(400);
        expect(response.body).toEqual({ month: ['Must be YYYY-MM.'] });
      }
      expect((await api.get('/api/v1/policies/999999/calendar/', admin)).status).toBe(404);
    });
  });
});
