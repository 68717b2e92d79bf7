import { ADMIN, ISO_INSTANT, objectKeys, TestApi, unique } from '@cyborg/testing';

interface User {
  id: number;
  email: string;
  [field: string]: unknown;
}

const USER_FIELDS = objectKeys([
  'email',
  'first_name',
  'last_name',
  'is_superuser',
  'is_active',
  'last_login',
  'notify_backup_failed',
  'notify_backup_success',
  'notify_backup_summary',
  'notify_backup_daily',
  'notify_backup_weekly',
  'notify_backup_monthly',
]);

describe('Users API', () => {
  let api: TestApi;
  let admin: string;

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await api.loginAdmin();
  });

  afterAll(() => api.stop());

  async function createUser(fields: Record<string, unknown>) {
    return api.post<User>(
      '/api/v1/users/',
      {
        password: 'a-good-password',
        email: `user-${unique()}@example.com`,
        ...fields,
      },
      admin,
    );
  }

  it('creates a user with 201 and answers its whole shape, without the password', async () => {
    const response = await createUser({
      email: 'Operator@Example.COM',
      password: 'operator-password',
      first_name: 'Ada',
      last_name: 'Lovelace',
      notify_backup_failed: true,
    });

    expect(response.status).toBe(201);
    expect(Object.keys(response.body).sort()).toEqual(USER_FIELDS);
    expect(response.body).toEqual({
      id: expect.any(Number),
      type: 'user',
      url: `/api/v1/users/${response.body.id}/`,
      related: {},
      summary_fields: {},
      created: expect.stringMatching(ISO_INSTANT),
      modified: expect.stringMatching(ISO_INSTANT),
      created_by: null,
      modified_by: null,
      email: 'operator@example.com',
      first_name: 'Ada',
      last_name: 'Lovelace',
      is_superuser: false,
      is_active: true,
      last_login: null,
      notify_backup_failed: true,
      notify_backup_success: false,
      notify_backup_summary: false,
      notify_backup_daily: false,
      notify_backup_weekly: false,
      notify_backup_monthly: false,
    });
    expect(response.text).not.toContain('operator-password');
    expect(response.text).not.toContain('argon2');
  });

  it('lists users as {count, next, previous, results}', async () => {
    const response = await api.get<{ count: number; results: User[] }>('/api/v1/users/', admin);

    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['count', 'next', 'previous', 'results']);
    expect(response.body.results.map((u) => u.email)).toContain(ADMIN.email);
    for (const user of response.body.results) {
      expect(Object.keys(user).sort()).toEqual(USER_FIELDS);
    }
  });

  it('reads one user with 200, and answers 404 for an unknown or malformed id', async () => {
    const created = await createUser({});

    const found = await api.get<User>(`/api/v1/users/${created.body.id}/`, admin);
    const unknown = await api.get('/api/v1/users/999999/', admin);
    const malformed = await api.get('/api/v1/users/abc/', admin);

    expect(found.status).toBe(200);
    expect(found.body).toEqual(created.body);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ detail: expect.any(String) });
    expect(malformed.status).toBe(404);
  });

  it('updates with PATCH and PUT, ignoring the read-only fields sent back', async () => {
    const created = await createUser({ first_name: 'Before' });
    const url = `/api/v1/users/${created.body.id}/`;

    const patched = await api.patch<User>(url, { first_name: 'After', id: 12345 }, admin);
    const put = await api.request<User>('PUT', url, {
      token: admin,
      body: { ...patched.body, last_name: 'Put', is_superuser: true },
    });

    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: created.body.id, first_name: 'After' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      id: created.body.id,
      first_name: 'After',
      last_name: 'Put',
      is_superuser: true,
    });
  });

  it('changes the password, which then logs the user in', async () => {
    const created = await createUser({ email: 'password-change@example.com' });

    const patched = await api.patch(
      `/api/v1/users/${created.body.id}/`,
      { password: 'a-brand-new-password' },
      admin,
    );

    expect(patched.status).toBe(200);
    expect(patched.text).not.toContain('a-brand-new-password');
    expect(await api.login('password-change@example.com', 'a-brand-new-password')).toEqual(
      expect.any(String),
    );
  });

  it('refuses a taken e-mail, whatever its case, with 400 naming the field', async () => {
    await createUser({ email: 'taken@example.com' });
    const other = await createUser({});

    const duplicate = await createUser({ email: 'TAKEN@example.com' });
    const renamed = await api.patch(
      `/api/v1/users/${other.body.id}/`,
      { email: 'taken@example.com' },
      admin,
    );

    expect(duplicate.status).toBe(400);
    expect(duplicate.body).toEqual({ email: [expect.stringMatching(/already exists/)] });
    expect(renamed.status).toBe(400);
    expect(renamed.body).toEqual({ email: [expect.stringMatching(/already exists/)] });
  });

  it('answers 400 with {field: [messages]} for invalid fields', async () => {
    const badEmail = await createUser({ email: 'not-an-email' });
    const shortPassword = await createUser({ password: 'short' });
    const wrongType = await createUser({ is_superuser: 'yes' });
    const unknownField = await createUser({ favourite_colour: 'blue' });
    const missing = await api.post('/api/v1/users/', {}, admin);

    expect(badEmail.status).toBe(400);
    expect(badEmail.body).toEqual({ email: expect.any(Array) });
    expect(shortPassword.status).toBe(400);
    expect(shortPassword.body).toEqual({ password: expect.any(Array) });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toEqual({ is_superuser: expect.any(Array) });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body).toEqual({ favourite_colour: ['Unknown field.'] });
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.body as object).sort()).toEqual(['email', 'password']);
  });

  it('records the last login', async () => {
    const created = await createUser({ email: 'last-login@example.com' });
    await api.login('last-login@example.com', 'a-good-password');

    const found = await api.get<User>(`/api/v1/users/${created.body.id}/`, admin);

    expect(found.body.last_login).toEqual(expect.any(String));
  });

  it('deletes with 204, after which the user is gone and cannot log in', async () => {
    const created = await createUser({ email: 'leaving@example.com' });
    const token = await api.login('leaving@example.com', 'a-good-password');

    const removed = await api.delete(`/api/v1/users/${created.body.id}/`, admin);

    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    expect((await api.get(`/api/v1/users/${created.body.id}/`, admin)).status).toBe(404);
    expect((await api.delete(`/api/v1/users/${created.body.id}/`, admin)).status).toBe(404);
    expect((await api.get('/api/v1/me/', token)).status).toBe(401);
    expect(
      (await api.post('/api/token/obtain/', { email: 'leaving@example.com', password: 'x' }))
        .status,
    ).toBe(401);
  });

  it('keeps the objects a deleted user made, with created_by emptied', async () => {
    const maker = await api.createUser(admin, { email: 'maker@example.com', is_superuser: true });
    const schedule = await api.post<{ id: number; created_by: number }>(
      '/api/v1/schedules/',
      { name: 'Made by maker', crontab: '0 1 * * *' },
      maker.token,
    );

    expect(schedule.body.created_by).toBe(maker.id);
    expect((await api.delete(`/api/v1/users/${maker.id}/`, admin)).status).toBe(204);

    const after = await api.get<{ created_by: number | null; summary_fields: object }>(
      `/api/v1/schedules/${schedule.body.id}/`,
      admin,
    );

    expect(after.status).toBe(200);
    expect(after.body.created_by).toBeNull();
    expect(after.body.summary_fields).toMatchObject({ created_by: null });
  });

  it('refuses with 409 to let the caller delete, demote or deactivate themselves', async () => {
    const me = (await api.get<{ results: User[] }>('/api/v1/me/', admin)).body.results[0];
    const url = `/api/v1/users/${me.id}/`;

    const deleted = await api.delete(url, admin);
    const demoted = await api.patch(url, { is_superuser: false }, admin);
    const deactivated = await api.patch(url, { is_active: false }, admin);

    expect(deleted.status).toBe(409);
    expect(demoted.status).toBe(409);
    expect(deactivated.status).toBe(409);
    expect((await api.get(url, admin)).body).toMatchObject({ is_superuser: true, is_active: true });
  });
});
