import { ADMIN, TestApi } from '@cyborg/testing';

interface Pair {
  access: string;
  refresh: string;
}

interface ApiToken {
  id: number;
  key?: string;
  key_prefix: string;
}

describe('Authentication', () => {
  let api: TestApi;
  let admin: string;

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await api.loginAdmin();
  });

  afterAll(() => api.stop());

  describe('POST /api/token/obtain/', () => {
    it('answers an access and a refresh token for the right password', async () => {
      const response = await api.post<Pair>('/api/token/obtain/', ADMIN);

      expect(response.status).toBe(200);
      expect(Object.keys(response.body).sort()).toEqual(['access', 'refresh']);
      expect(response.body.access).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(response.body.refresh).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(response.body.access).not.toBe(response.body.refresh);
    });

    it('refuses a wrong password with 401', async () => {
      const response = await api.post('/api/token/obtain/', { ...ADMIN, password: 'wrong' });

      expect(response.status).toBe(401);
      expect(response.body).toEqual({ detail: expect.any(String) });
    });

    it('refuses an unknown e-mail with the same 401', async () => {
      const unknown = await api.post('/api/token/obtain/', {
        email: 'nobody@example.com',
        password: ADMIN.password,
      });
      const wrong = await api.post('/api/token/obtain/', { ...ADMIN, password: 'wrong' });

      expect(unknown.status).toBe(401);
      expect(unknown.body).toEqual(wrong.body);
      await api.loginAdmin();
    });

    it('answers 400 naming each missing field', async () => {
      const noPassword = await api.post('/api/token/obtain/', { email: ADMIN.email });
      const noEmail = await api.post('/api/token/obtain/', { password: ADMIN.password });
      const empty = await api.post('/api/token/obtain/', {});

      expect(noPassword.status).toBe(400);
      expect(noPassword.body).toEqual({ password: expect.any(Array) });
      expect(noEmail.status).toBe(400);
      expect(noEmail.body).toEqual({ email: expect.any(Array) });
      expect(empty.status).toBe(400);
      expect(Object.keys(empty.body as object).sort()).toEqual(['email', 'password']);
    });

    it('reads the e-mail without regard to case', async () => {
      const response = await api.post<Pair>('/api/token/obtain/', {
        email: 'Admin@CYBORG.Local',
        password: ADMIN.password,
      });

      expect(response.status).toBe(200);
      expect(response.body.access).toEqual(expect.any(String));
    });

    it('refuses a user who has been deactivated', async () => {
      const user = await api.createUser(admin, { email: 'inactive@example.com' });
      await api.patch(`/api/v1/users/${user.id}/`, { is_active: false }, admin);

      const login = await api.post('/api/token/obtain/', {
        email: 'inactive@example.com',
        password: user.password,
      });
      const earlierToken = await api.get('/api/v1/me/', user.token);

      expect(login.status).toBe(401);
      expect(earlierToken.status).toBe(401);
    });

    it('answers 429 after repeated failures, even to the right password', async () => {
      const email = 'throttled@example.com';
      const user = await api.createUser(admin, { email });
      for (let attempt = 1; attempt <= 5; attempt++) {
        const failed = await api.post('/api/token/obtain/', { email, password: 'wrong' });
        expect(failed.status).toBe(401);
      }

      const right = await api.post<{ detail: string; retry_after: number }>('/api/token/obtain/', {
        email,
        password: user.password,
      });

      expect(right.status).toBe(429);
      expect(right.body.detail).toMatch(/try again in \d+ seconds/i);
      expect(right.body.retry_after).toBeGreaterThanOrEqual(1);
      expect(Number(right.headers.get('retry-after'))).toBe(right.body.retry_after);
      // Other accounts are not locked out by one account's failures.
      expect((await api.post('/api/token/obtain/', ADMIN)).status).toBe(200);
    });
  });

  describe('POST /api/token/refresh/', () => {
    it('spends the refresh token and answers a new pair', async () => {
      const first = (await api.post<Pair>('/api/token/obtain/', ADMIN)).body;

      const second = await api.post<Pair>('/api/token/refresh/', { refresh: first.refresh });

      expect(second.status).toBe(200);
      expect(Object.keys(second.body).sort()).toEqual(['access', 'refresh']);
      expect(second.body.refresh).not.toBe(first.refresh);
      expect((await api.get('/api/v1/me/', second.body.access)).status).toBe(200);

      const third = await api.post<Pair>('/api/token/refresh/', { refresh: second.body.refresh });

      expect(third.status).toBe(200);
    });

    it('refuses a refresh token that was already spent', async () => {
      const pair = (await api.post<Pair>('/api/token/obtain/', ADMIN)).body;
      await api.post('/api/token/refresh/', { refresh: pair.refresh });

      const reused = await api.post('/api/token/refresh/', { refresh: pair.refresh });

      expect(reused.status).toBe(401);
      expect(reused.body).toEqual({ detail: expect.any(String) });
    });

    it('refuses an access token offered as a refresh token', async () => {
      const pair = (await api.post<Pair>('/api/token/obtain/', ADMIN)).body;

      const response = await api.post('/api/token/refresh/', { refresh: pair.access });

      expect(response.status).toBe(401);
    });

    it('refuses garbage with 401 and a missing token with 400', async () => {
      const garbage = await api.post('/api/token/refresh/', { refresh: 'not-a-jwt' });
      const missing = await api.post('/api/token/refresh/', {});

      expect(garbage.status).toBe(401);
      expect(missing.status).toBe(400);
      expect(missing.body).toEqual({ refresh: expect.any(Array) });
    });

    it('refuses the refresh token of a user deactivated since', async () => {
      const user = await api.createUser(admin, { email: 'deactivated-later@example.com' });
      const pair = (
        await api.post<Pair>('/api/token/obtain/', {
          email: 'deactivated-later@example.com',
          password: user.password,
        })
      ).body;
      await api.patch(`/api/v1/users/${user.id}/`, { is_active: false }, admin);

      const response = await api.post('/api/token/refresh/', { refresh: pair.refresh });

      expect(response.status).toBe(401);
    });
  });

  describe('Bearer tokens', () => {
    it('let the holder in', async () => {
      const response = await api.request('GET', '/api/v1/me/', {
        authorization: `Bearer ${admin}`,
      });

      expect(response.status).toBe(200);
    });

    it('are required: no header, a bad token or a refresh token get 401', async () => {
      const pair = (await api.post<Pair>('/api/token/obtain/', ADMIN)).body;

      const none = await api.get('/api/v1/me/');
      const bad = await api.get('/api/v1/me/', 'x.y.z');
      const refresh = await api.get('/api/v1/me/', pair.refresh);
      const tampered = await api.get('/api/v1/me/', `${pair.access.slice(0, -2)}AA`);
      const unknownScheme = await api.request('GET', '/api/v1/me/', {
        authorization: `Basic ${Buffer.from('a:b').toString('base64')}`,
      });

      for (const response of [none, bad, refresh, tampered, unknownScheme]) {
        expect(response.status).toBe(401);
        expect(response.body).toEqual({ detail: expect.any(String) });
      }
    });
  });

  describe('API tokens (Authorization: Token <key>)', () => {
    it('are created with 201, and the key is shown only then', async () => {
      const created = await api.post<ApiToken & Record<string, unknown>>(
        '/api/v1/tokens/',
        { description: 'nightly report' },
        admin,
      );

      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(Number),
        type: 'token',
        url: `/api/v1/tokens/${created.body.id}/`,
        description: 'nightly report',
        key_prefix: created.body.key?.slice(0, 8),
        created: expect.any(String),
        expires: null,
        last_used: null,
        key: expect.stringMatching(/^[\w-]{40}$/),
      });

      const list = await api.get<{ count: number; results: ApiToken[] }>('/api/v1/tokens/', admin);

      expect(list.status).toBe(200);
      expect(list.body.count).toBeGreaterThanOrEqual(1);
      expect(list.body.results.find((t) => t.id === created.body.id)).not.toHaveProperty('key');
      expect(list.text).not.toContain(created.body.key);

      const [row] = await api.dataSource.query<{ key_hash: string }[]>(
        'SELECT key_hash FROM api_tokens WHERE id = $1',
        [created.body.id],
      );

      expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.key_hash).not.toContain(created.body.key);
    });

    it('let scripts in until the token is deleted', async () => {
      const created = await api.post<ApiToken>('/api/v1/tokens/', {}, admin);
      const authorization = `Token ${created.body.key}`;

      const before = await api.request<{ results: { email: string }[] }>('GET', '/api/v1/me/', {
        authorization,
      });

      expect(before.status).toBe(200);
      expect(before.body.results[0].email).toBe(ADMIN.email);

      const deleted = await api.delete(`/api/v1/tokens/${created.body.id}/`, admin);
      const after = await api.request('GET', '/api/v1/me/', { authorization });

      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');
      expect(after.status).toBe(401);
      expect((await api.delete(`/api/v1/tokens/${created.body.id}/`, admin)).status).toBe(404);
    });

    it('record when they were last used', async () => {
      const created = await api.post<ApiToken>('/api/v1/tokens/', {}, admin);
      await api.request('GET', '/api/v1/me/', { authorization: `Token ${created.body.key}` });

      const list = await api.get<{ results: (ApiToken & { last_used: string | null })[] }>(
        '/api/v1/tokens/',
        admin,
      );

      expect(list.body.results.find((t) => t.id === created.body.id)?.last_used).toEqual(
        expect.any(String),
      );
    });

    it('stop working once expired', async () => {
      const expires = new Date(Date.now() + 60 * 60 * 1000).toISOString();
      const created = await api.post<ApiToken & { expires: string }>(
        '/api/v1/tokens/',
        { expires },
        admin,
      );
      const authorization = `Token ${created.body.key}`;

      expect(created.status).toBe(201);
      expect(created.body.expires).toBe(expires);
      expect((await api.request('GET', '/api/v1/me/', { authorization })).status).toBe(200);

      await api.dataSource.query(
        "UPDATE api_tokens SET expires = now() - interval '1 second' WHERE id = $1",
        [created.body.id],
      );

      expect((await api.request('GET', '/api/v1/me/', { authorization })).status).toBe(401);
    });

    it('refuse an expiry in the past or a malformed one with 400', async () => {
      const past = await api.post('/api/v1/tokens/', { expires: '2001-01-01T00:00:00Z' }, admin);
      const malformed = await api.post('/api/v1/tokens/', { expires: 'tomorrow' }, admin);

      expect(past.status).toBe(400);
      expect(past.body).toEqual({ expires: expect.any(Array) });
      expect(malformed.status).toBe(400);
      expect(malformed.body).toEqual({ expires: expect.any(Array) });
    });

    it('refuse an unknown key with 401', async () => {
      const response = await api.request('GET', '/api/v1/me/', {
        authorization: 'Token not-a-real-key-0123456789',
      });

      expect(response.status).toBe(401);
    });

    it('belong to their owner: others can neither list nor delete them', async () => {
      const created = await api.post<ApiToken>('/api/v1/tokens/', {}, admin);
      const other = await api.createUser(admin, { email: 'token-neighbour@example.com' });

      const list = await api.get<{ count: number }>('/api/v1/tokens/', other.token);
      const removal = await api.delete(`/api/v1/tokens/${created.body.id}/`, other.token);

      expect(list.body.count).toBe(0);
      expect(removal.status).toBe(404);
    });
  });

  describe('the first start', () => {
    it('created admin@cyborg.local with an argon2id hash', async () => {
      const rows = await api.dataSource.query<{ email: string; password: string }[]>(
        'SELECT email, password, is_superuser FROM users ORDER BY id LIMIT 1',
      );

      expect(rows[0]).toMatchObject({ email: 'admin@cyborg.local', is_superuser: true });
      expect(rows[0].password).toMatch(/^\$argon2id\$/);
      expect(rows[0].password).not.toContain(ADMIN.password);
    });

    it('hashes the passwords of users made later with argon2id too', async () => {
      const rows = await api.dataSource.query<{ password: string }[]>('SELECT password FROM users');

      expect(rows.length).toBeGreaterThan(1);
      for (const row of rows) expect(row.password).toMatch(/^\$argon2id\$/);
    });
  });
});
