import {
  ADMIN,
  createPolicy,
  createSchedule,
  ISO_INSTANT,
  objectKeys,
  TestApi,
} from '@cyborg/testing';

interface Schedule {
  id: number;
  name: string;
  crontab: string;
  [field: string]: unknown;
}

interface Policy {
  id: number;
  next_run: string | null;
}

const SCHEDULE_FIELDS = objectKeys(['name', 'crontab', 'enabled', 'uuid']);

/** The next instant, in UTC, at which the wall clock reads `hour`:00 after now. */
function nextAtHour(hour: number): string {
  const now = new Date();
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour));
  if (next <= now) next.setUTCDate(next.getUTCDate() + 1);

  return next.toISOString();
}

describe('Schedules API', () => {
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

  it('creates a schedule with 201 and answers its whole shape', async () => {
    const response = await api.post<Schedule>(
      '/api/v1/schedules/',
      { name: 'Nightly', crontab: '0 3 * * *' },
      admin,
    );
    const summary = { id: adminId, email: ADMIN.email, first_name: '', last_name: '' };

    expect(response.status).toBe(201);
    expect(Object.keys(response.body).sort()).toEqual(SCHEDULE_FIELDS);
    expect(response.body).toEqual({
      id: expect.any(Number),
      type: 'schedule',
      url: `/api/v1/schedules/${response.body.id}/`,
      related: {},
      summary_fields: { created_by: summary, modified_by: summary },
      created: expect.stringMatching(ISO_INSTANT),
      modified: expect.stringMatching(ISO_INSTANT),
      created_by: adminId,
      modified_by: adminId,
      name: 'Nightly',
      crontab: '0 3 * * *',
      enabled: true,
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('accepts five-field crontabs and six-field ones with a trailing year', async () => {
    const crontabs = [
      '*/15 * * * *',
      '30 2 * * 1-5',
      '0 0 1 1 *',
      '0 4 * * sun',
      '0 3 * * * *',
      '0 3 1 * * 2027',
      '0 3 1 1 * 2026-2030',
      '0 3 * * 0 2027/2',
    ];

    for (const crontab of crontabs) {
      const response = await api.post<Schedule>(
        '/api/v1/schedules/',
        { name: crontab, crontab },
        admin,
      );

      expect(response.status).toBe(201);
      expect(response.body.crontab).toBe(crontab);
    }
  });

  it('stores a crontab with its spaces normalised', async () => {
    const response = await api.post<Schedule>(
      '/api/v1/schedules/',
      { name: 'Spaced', crontab: '  0   3 *  * *  ' },
      admin,
    );

    expect(response.status).toBe(201);
    expect(response.body.crontab).toBe('0 3 * * *');
  });

  it('refuses bad crontabs with 400 and a message saying what is wrong', async () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['* * * *', /expected 5 fields .* got 4/],
      ['* * * * * * *', /got 7/],
      ['61 * * * *', /minute/],
      ['0 25 * * *', /hour/],
      ['0 0 32 * *', /day of month/],
      ['0 0 * 13 *', /month/],
      ['0 0 * * 8', /weekday/],
      ['0 3 * * * 1800', /year/],
      ['0 3 * * * nope', /year/],
      ['H 3 * * *', /hashed/],
      ['0 3 * * *\n', /control characters/],
    ];

    for (const [crontab, message] of cases) {
      const response = await api.post('/api/v1/schedules/', { name: 'Bad', crontab }, admin);

      expect(response.status).toBe(400);
      expect(response.body).toEqual({ crontab: [expect.stringMatching(message)] });
    }
  });

  it('answers 400 for other invalid fields', async () => {
    const noName = await api.post('/api/v1/schedules/', { crontab: '0 3 * * *' }, admin);
    const emptyName = await api.post(
      '/api/v1/schedules/',
      { name: '', crontab: '0 3 * * *' },
      admin,
    );
    const noCrontab = await api.post('/api/v1/schedules/', { name: 'x' }, admin);
    const badEnabled = await api.post(
      '/api/v1/schedules/',
      { name: 'x', crontab: '0 3 * * *', enabled: 'no' },
      admin,
    );

    expect(noName.status).toBe(400);
    expect(noName.body).toEqual({ name: expect.any(Array) });
    expect(emptyName.status).toBe(400);
    expect(emptyName.body).toEqual({ name: expect.any(Array) });
    expect(noCrontab.status).toBe(400);
    expect(noCrontab.body).toEqual({ crontab: expect.any(Array) });
    expect(badEnabled.status).toBe(400);
    expect(badEnabled.body).toEqual({ enabled: expect.any(Array) });
  });

  it('lists, reads, updates and deletes, answering 404 for unknown ids', async () => {
    const created = await createSchedule(api, admin);
    const url = `/api/v1/schedules/${created.id}/`;

    const list = await api.get<{ results: Schedule[] }>('/api/v1/schedules/', admin);
    const found = await api.get<Schedule>(url, admin);
    const patched = await api.patch<Schedule>(url, { name: 'Renamed' }, admin);
    const put = await api.request<Schedule>('PUT', url, {
      token: admin,
      body: { ...patched.body, crontab: '5 4 * * *', enabled: false },
    });
    const badPatch = await api.patch(url, { crontab: '99 * * * *' }, admin);
    const removed = await api.delete(url, admin);

    expect(list.status).toBe(200);
    expect(list.body.results[0]).toEqual(created);
    expect(found.status).toBe(200);
    expect(found.body).toEqual(created);
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Renamed', crontab: '0 3 * * *' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: 'Renamed', crontab: '5 4 * * *', enabled: false });
    expect(badPatch.status).toBe(400);
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    expect((await api.get(url, admin)).status).toBe(404);
    expect((await api.patch(url, { name: 'x' }, admin)).status).toBe(404);
    expect((await api.delete(url, admin)).status).toBe(404);
  });

  it("moves its policies' next_run when its crontab changes", async () => {
    const schedule = await createSchedule(api, admin, { crontab: '0 3 * * *' });
    const policy = await createPolicy(api, admin, { schedule: schedule.id });

    expect(policy.next_run).toBe(nextAtHour(3));

    await api.patch(`/api/v1/schedules/${schedule.id}/`, { crontab: '0 5 * * *' }, admin);
    const moved = await api.get<Policy>(`/api/v1/policies/${policy.id}/`, admin);

    expect(moved.body.next_run).toBe(nextAtHour(5));
  });

  it("empties its policies' next_run while disabled, and restores it when enabled", async () => {
    const schedule = await createSchedule(api, admin, { crontab: '0 3 * * *' });
    const policy = await createPolicy(api, admin, { schedule: schedule.id });
    const url = `/api/v1/policies/${policy.id}/`;

    await api.patch(`/api/v1/schedules/${schedule.id}/`, { enabled: false }, admin);
    const disabled = await api.get<Policy>(url, admin);
    await api.patch(`/api/v1/schedules/${schedule.id}/`, { enabled: true }, admin);
    const enabled = await api.get<Policy>(url, admin);

    expect(disabled.body.next_run).toBeNull();
    expect(enabled.body.next_run).toBe(nextAtHour(3));
  });

  it('refuses with 409, not 500, to delete a schedule a policy still uses', async () => {
    const schedule = await createSchedule(api, admin);
    const policy = await createPolicy(api, admin, { schedule: schedule.id });

    const refused = await api.delete(`/api/v1/schedules/${schedule.id}/`, admin);

    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({ detail: expect.stringMatching(/still used by policies/) });
    expect((await api.get(`/api/v1/schedules/${schedule.id}/`, admin)).status).toBe(200);

    await api.delete(`/api/v1/policies/${policy.id}/`, admin);

    expect((await api.delete(`/api/v1/schedules/${schedule.id}/`, admin)).status).toBe(204);
  });
});
