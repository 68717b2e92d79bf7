import {
  ADMIN,
  createClient,
  createPolicy,
  createRepository,
  createSchedule,
  TestApi,
  unique,
} from '@cyborg/testing';

/**
 * The permission model, endpoint by endpoint: anonymous callers reach only the
 * public routes, ordinary users read everything but other users and edit only
 * parts of their own account and their own API tokens, superusers do the rest.
 */

type Role = 'anonymous' | 'user' | 'admin';
type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

const ROLES: Role[] = ['anonymous', 'user', 'admin'];
const USER_PASSWORD = 'user-password-1234';

/** Ids the paths and bodies of the matrix refer to, as `{name}` in a path. */
interface Fixtures {
  admin: { id: number; token: string; email: string };
  user: { id: number; token: string; email: string };
  spareUser: number;
  schedule: number;
  repository: number;
  client: number;
  policy: number;
  spareSchedule: number;
  spareRepository: number;
  spareClient: number;
  sparePolicy: number;
  setting: number;
  tokens: { user: { own: number; others: number }; admin: { own: number; others: number } };
}

/** What a row may depend on: the fixtures and who is calling. */
interface Context {
  f: Fixtures;
  role: Role;
  /** The caller's account; the admin's for anonymous calls, which never get that far. */
  self: Fixtures['user'];
  /** Another account than the caller's. */
  other: Fixtures['user'];
}

interface Row {
  method: Method;
  path: string;
  body?: (c: Context) => unknown;
  /** Tells apart rows on the same route, e.g. ` {is_superuser}`. */
  label: string;
  expected: Record<Role, number>;
}

function row(
  method: Method,
  path: string,
  [anonymous, user, admin]: [number, number, number],
  body?: (c: Context) => unknown,
  fields?: string,
): Row {
  const label = fields ? ` {${fields}}` : '';

  return { method, path, body, label, expected: { anonymous, user, admin } };
}

/** Replaces `{name}` in a path by the id it stands for. */
function resolvePath(path: string, c: Context): string {
  const ownTokens = c.role === 'user' ? c.f.tokens.user : c.f.tokens.admin;
  const ids: Record<string, number> = {
    self: c.self.id,
    other: c.other.id,
    spare_user: c.f.spareUser,
    schedule: c.f.schedule,
    repository: c.f.repository,
    client: c.f.client,
    policy: c.f.policy,
    spare_schedule: c.f.spareSchedule,
    spare_repository: c.f.spareRepository,
    spare_client: c.f.spareClient,
    spare_policy: c.f.sparePolicy,
    setting: c.f.setting,
    own_token: ownTokens.own,
    others_token: ownTokens.others,
  };

  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (ids[name] === undefined) throw new Error(`no fixture named ${name}`);

    return String(ids[name]);
  });
}

const policyBody = (c: Context) => ({
  name: `Policy ${unique()}`,
  policy_type: 'rootfs',
  clients: [c.f.client],
  repository: c.f.repository,
  schedule: c.f.schedule,
});

/** Every route of the API with the status each kind of caller gets. [anonymous, user, admin] */
const MATRIX: Row[] = [
  // Public routes.
  row('GET', '/api/', [200, 200, 200]),
  row('GET', '/api/v1/ping/', [200, 200, 200]),
  row('GET', '/api/docs/', [200, 200, 200]),
  row('GET', '/api/docs/openapi.json', [200, 200, 200]),
  row('POST', '/api/token/obtain/', [200, 200, 200], (c) => ({
    email: c.f.user.email,
    password: USER_PASSWORD,
  })),
  row('POST', '/api/token/refresh/', [401, 401, 401], () => ({ refresh: 'not-a-token' })),

  // The index, configuration and the caller.
  row('GET', '/api/v1/', [401, 200, 200]),
  row('GET', '/api/v1/config/', [401, 200, 200]),
  row('GET', '/api/v1/me/', [401, 200, 200]),

  // Users: others are invisible to ordinary users; their own account is partly editable.
  row('GET', '/api/v1/users/', [401, 200, 200]),
  row('GET', '/api/v1/users/{self}/', [401, 200, 200]),
  row('GET', '/api/v1/users/{other}/', [401, 404, 200]),
  row('POST', '/api/v1/users/', [401, 403, 201], () => ({
    email: `new-${unique()}@example.com`,
    password: 'a-long-password',
  })),
  row(
    'PATCH',
    '/api/v1/users/{self}/',
    [401, 200, 200],
    () => ({ first_name: 'Renamed' }),
    'first_name',
  ),
  row(
    'PATCH',
    '/api/v1/users/{self}/',
    [401, 200, 200],
    () => ({ notify_backup_failed: true }),
    'notify_backup_failed',
  ),
  row(
    'PATCH',
    '/api/v1/users/{self}/',
    [401, 200, 200],
    (c) => ({ password: c.role === 'admin' ? ADMIN.password : USER_PASSWORD }),
    'password',
  ),
  row(
    'PATCH',
    '/api/v1/users/{self}/',
    [401, 403, 200],
    () => ({ is_superuser: true }),
    'is_superuser',
  ),
  row('PATCH', '/api/v1/users/{self}/', [401, 403, 200], (c) => ({ email: c.self.email }), 'email'),
  row('PATCH', '/api/v1/users/{self}/', [401, 403, 200], () => ({ is_active: true }), 'is_active'),
  row('PATCH', '/api/v1/users/{other}/', [401, 404, 200], () => ({ last_name: 'Changed' })),
  row('PUT', '/api/v1/users/{self}/', [401, 200, 200], () => ({ last_name: 'Put' }), 'last_name'),
  row(
    'PUT',
    '/api/v1/users/{self}/',
    [401, 403, 200],
    () => ({ is_superuser: true }),
    'is_superuser',
  ),
  row('PUT', '/api/v1/users/{other}/', [401, 404, 200], () => ({ last_name: 'Changed' })),
  row('DELETE', '/api/v1/users/{self}/', [401, 403, 409]),
  row('DELETE', '/api/v1/users/{spare_user}/', [401, 403, 204]),

  // Backup definitions: read by everyone logged in, written by superusers.
  row('GET', '/api/v1/clients/', [401, 200, 200]),
  row('GET', '/api/v1/clients/{client}/', [401, 200, 200]),
  row('POST', '/api/v1/clients/', [401, 403, 201], () => ({
    hostname: `created-${unique()}.example.com`,
  })),
  row('PATCH', '/api/v1/clients/{client}/', [401, 403, 200], () => ({ port: 2222 })),
  row('PUT', '/api/v1/clients/{client}/', [401, 403, 200], () => ({ port: 22 })),
  row('DELETE', '/api/v1/clients/{spare_client}/', [401, 403, 204]),

  row('GET', '/api/v1/schedules/', [401, 200, 200]),
  row('GET', '/api/v1/schedules/{schedule}/', [401, 200, 200]),
  row('POST', '/api/v1/schedules/', [401, 403, 201], () => ({
    name: 'Hourly',
    crontab: '0 * * * *',
  })),
  row('PATCH', '/api/v1/schedules/{schedule}/', [401, 403, 200], () => ({ name: 'Patched' })),
  row('PUT', '/api/v1/schedules/{schedule}/', [401, 403, 200], () => ({ crontab: '30 2 * * *' })),
  row('DELETE', '/api/v1/schedules/{spare_schedule}/', [401, 403, 204]),

  row('GET', '/api/v1/repositories/', [401, 200, 200]),
  row('GET', '/api/v1/repositories/{repository}/', [401, 200, 200]),
  row('POST', '/api/v1/repositories/', [401, 403, 201], () => ({
    name: 'Created',
    path: 'borg@backup.example.com:/srv/borg/created',
    repository_key: 'a passphrase',
  })),
  row('PATCH', '/api/v1/repositories/{repository}/', [401, 403, 200], () => ({
    name: 'Patched',
  })),
  row('PUT', '/api/v1/repositories/{repository}/', [401, 403, 200], () => ({
    repository_key: 'another passphrase',
  })),
  row('DELETE', '/api/v1/repositories/{spare_repository}/', [401, 403, 204]),

  row('GET', '/api/v1/policies/', [401, 200, 200]),
  row('GET', '/api/v1/policies/{policy}/', [401, 200, 200]),
  row('GET', '/api/v1/policies/{policy}/calendar/', [401, 200, 200]),
  row('POST', '/api/v1/policies/', [401, 403, 201], policyBody),
  row('PATCH', '/api/v1/policies/{policy}/', [401, 403, 200], () => ({ keep_daily: 7 })),
  row('PUT', '/api/v1/policies/{policy}/', [401, 403, 200], () => ({ keep_weekly: 4 })),
  row('DELETE', '/api/v1/policies/{spare_policy}/', [401, 403, 204]),

  // Settings: readable by everyone logged in (secrets masked), changed by superusers.
  row('GET', '/api/v1/settings/', [401, 200, 200]),
  row('GET', '/api/v1/settings/{setting}/', [401, 200, 200]),
  row('PATCH', '/api/v1/settings/{setting}/', [401, 403, 200], () => ({
    value: 'https://backup.example.com',
  })),
  row('PUT', '/api/v1/settings/{setting}/', [401, 403, 200], () => ({
    value: 'https://backup.example.com',
  })),
  row('GET', '/api/v1/settings/generate_ssh/', [401, 200, 200]),
  row('POST', '/api/v1/settings/generate_ssh/', [401, 403, 201], () => ({ force: true })),
  row('GET', '/api/v1/settings/get_ssh_publickey/', [401, 200, 200]),
  // Host keys and restores: superusers only (a restore writes files anywhere on a client).
  row('GET', '/api/v1/known_hosts/', [401, 403, 200]),
  row('GET', '/api/v1/policies/vmmodule/', [401, 200, 200]),
  row('POST', '/api/v1/restore/', [401, 403, 400], () => ({ archive_name: 'none' })),
  // Settings are a fixed set: nobody creates or deletes one.
  row('POST', '/api/v1/settings/', [404, 404, 404], () => ({ key: 'x', value: 'y' })),
  row('DELETE', '/api/v1/settings/{setting}/', [404, 404, 404]),

  // API tokens: each user manages their own, superusers included.
  row('GET', '/api/v1/tokens/', [401, 200, 200]),
  row('POST', '/api/v1/tokens/', [401, 201, 201], () => ({ description: 'nightly script' })),
  row('DELETE', '/api/v1/tokens/{own_token}/', [401, 204, 204]),
  row('DELETE', '/api/v1/tokens/{others_token}/', [401, 404, 404]),
];

describe('Permissions', () => {
  let api: TestApi;
  let f: Fixtures;

  async function newToken(token: string): Promise<number> {
    const response = await api.post<{ id: number }>('/api/v1/tokens/', {}, token);
    if (response.status !== 201) throw new Error(`token creation failed: ${response.text}`);

    return response.body.id;
  }

  async function settingId(key: string): Promise<number> {
    const response = await api.get<{ results: { id: number }[] }>(
      `/api/v1/settings/?key=${key}`,
      f.admin.token,
    );

    return response.body.results[0].id;
  }

  function call(role: Role, method: Method, path: string, body?: unknown) {
    const token = role === 'anonymous' ? undefined : f[role].token;

    return api.request(method, path, { token, body });
  }

  beforeAll(async () => {
    api = await TestApi.start();
    const adminToken = await api.loginAdmin();
    const me = await api.get<{ results: { id: number }[] }>('/api/v1/me/', adminToken);
    const userEmail = `user-${unique()}@example.com`;
    const user = await api.createUser(adminToken, { email: userEmail });
    const spareUser = await api.createUser(adminToken, { email: `spare-${unique()}@example.com` });
    const schedule = await createSchedule(api, adminToken);
    const repository = await createRepository(api, adminToken, { repository_key: 'secret' });
    const client = await createClient(api, adminToken);
    const policy = await createPolicy(api, adminToken, {
      schedule: schedule.id,
      repository: repository.id,
      clients: [client.id],
    });

    f = {
      admin: { id: me.body.results[0].id, token: adminToken, email: ADMIN.email },
      user: { id: user.id, token: user.token, email: userEmail },
      spareUser: spareUser.id,
      schedule: schedule.id,
      repository: repository.id,
      client: client.id,
      policy: policy.id,
      spareSchedule: (await createSchedule(api, adminToken)).id,
      spareRepository: (await createRepository(api, adminToken)).id,
      spareClient: (await createClient(api, adminToken)).id,
      sparePolicy: (
        await createPolicy(api, adminToken, { schedule: schedule.id, repository: repository.id })
      ).id,
      setting: 0,
      tokens: {
        user: { own: await newToken(user.token), others: 0 },
        admin: { own: await newToken(adminToken), others: 0 },
      },
    };
    f.setting = await settingId('cyborgbackup_url');
    // Each side's "others" token belongs to the other side and must survive the attempt.
    f.tokens.user.others = await newToken(adminToken);
    f.tokens.admin.others = await newToken(user.token);
  });

  afterAll(() => api.stop());

  describe('the SSH key endpoints', () => {
    it('answer 404 for the public key until a key exists, to any logged-in user', async () => {
      expect((await api.get('/api/v1/settings/get_ssh_publickey/')).status).toBe(401);
      expect((await api.get('/api/v1/settings/get_ssh_publickey/', f.user.token)).status).toBe(404);
      expect((await api.get('/api/v1/settings/get_ssh_publickey/', f.admin.token)).status).toBe(
        404,
      );
    });

    it('let only a superuser generate the key, and then show it to every user', async () => {
      const refused = await api.post('/api/v1/settings/generate_ssh/', {}, f.user.token);
      const stillNone = await api.get('/api/v1/settings/get_ssh_publickey/', f.user.token);
      const generated = await api.post<{ pubkey: string }>(
        '/api/v1/settings/generate_ssh/',
        {},
        f.admin.token,
      );
      const shown = await api.get<{ pubkey: string }>(
        '/api/v1/settings/get_ssh_publickey/',
        f.user.token,
      );

      expect(refused.status).toBe(403);
      expect(stillNone.status).toBe(404);
      expect(generated.status).toBe(201);
      expect(generated.body.pubkey).toMatch(/^ssh-ed25519 /);
      expect(shown.status).toBe(200);
      expect(shown.body.pubkey).toBe(generated.body.pubkey);
    });

    it('refuse to replace an existing key unless forced', async () => {
      const again = await api.post('/api/v1/settings/generate_ssh/', {}, f.admin.token);

      expect(again.status).toBe(409);
    });
  });

  describe('write attempts by an ordinary user', () => {
    it('leave a client unchanged', async () => {
      const before = await api.get(`/api/v1/clients/${f.client}/`, f.admin.token);
      const patched = await api.patch(
        `/api/v1/clients/${f.client}/`,
        { hostname: 'stolen.example.com', enabled: false },
        f.user.token,
      );
      const put = await api.request('PUT', `/api/v1/clients/${f.client}/`, {
        token: f.user.token,
        body: { port: 2200 },
      });
      const after = await api.get(`/api/v1/clients/${f.client}/`, f.admin.token);

      expect(patched.status).toBe(403);
      expect(put.status).toBe(403);
      expect(after.body).toEqual(before.body);
    });

    it('leave a schedule and a policy in place', async () => {
      const schedule = await api.delete(`/api/v1/schedules/${f.spareSchedule}/`, f.user.token);
      const policy = await api.delete(`/api/v1/policies/${f.sparePolicy}/`, f.user.token);

      expect(schedule.status).toBe(403);
      expect(policy.status).toBe(403);
      expect((await api.get(`/api/v1/schedules/${f.spareSchedule}/`, f.admin.token)).status).toBe(
        200,
      );
      expect((await api.get(`/api/v1/policies/${f.sparePolicy}/`, f.admin.token)).status).toBe(200);
    });

    it('leave a setting unchanged', async () => {
      const before = await api.get(`/api/v1/settings/${f.setting}/`, f.admin.token);
      const patched = await api.patch(
        `/api/v1/settings/${f.setting}/`,
        { value: 'https://evil.example.com' },
        f.user.token,
      );
      const after = await api.get(`/api/v1/settings/${f.setting}/`, f.admin.token);

      expect(patched.status).toBe(403);
      expect(after.body).toEqual(before.body);
    });

    it('refuse a self-edit that mixes allowed and forbidden fields as a whole', async () => {
      const patched = await api.patch(
        `/api/v1/users/${f.user.id}/`,
        { first_name: 'Mallory', is_superuser: true },
        f.user.token,
      );
      const after = await api.get<{ first_name: string; is_superuser: boolean }>(
        `/api/v1/users/${f.user.id}/`,
        f.admin.token,
      );

      expect(patched.status).toBe(403);
      expect(after.body.first_name).not.toBe('Mallory');
      expect(after.body.is_superuser).toBe(false);
    });

    it("leave another user's API token usable", async () => {
      const deleted = await api.delete(`/api/v1/tokens/${f.tokens.user.others}/`, f.user.token);
      const adminTokens = await api.get<{ results: { id: number }[] }>(
        '/api/v1/tokens/',
        f.admin.token,
      );

      expect(deleted.status).toBe(404);
      expect(adminTokens.body.results.map((t) => t.id)).toContain(f.tokens.user.others);
    });
  });

  describe('what an ordinary user reads', () => {
    it('holds only their own account in the user list, whatever the filter', async () => {
      const all = await api.get<{ count: number; results: { id: number }[] }>(
        '/api/v1/users/',
        f.user.token,
      );
      const searched = await api.get<{ count: number }>(
        `/api/v1/users/?email=${encodeURIComponent(ADMIN.email)}`,
        f.user.token,
      );

      expect(all.body.count).toBe(1);
      expect(all.body.results.map((u) => u.id)).toEqual([f.user.id]);
      expect(searched.body.count).toBe(0);
    });

    it('shows secrets masked', async () => {
      const repository = await api.get<{ repository_key: string }>(
        `/api/v1/repositories/${f.repository}/`,
        f.user.token,
      );
      const settings = await api.get<{ results: { setting_type: string; value: unknown }[] }>(
        '/api/v1/settings/?page_size=100',
        f.user.token,
      );
      const secretValues = settings.body.results
        .filter((s) => s.setting_type === 'privatekey' || s.setting_type === 'password')
        .map((s) => s.value);

      expect(repository.body.repository_key).toBe('$encrypted$');
      expect(secretValues.length).toBeGreaterThan(0);
      for (const value of secretValues) expect(['', '$encrypted$']).toContain(value);
      expect(JSON.stringify(settings.body)).not.toContain('PRIVATE KEY');
    });
  });

  describe('credentials', () => {
    it.each([
      ['a garbage bearer token', 'Bearer not-a-jwt'],
      ['a bearer scheme without a token', 'Bearer'],
      ['an unknown scheme', 'Basic YWRtaW46YWRtaW4='],
      ['an unknown API token', 'Token 0123456789abcdef0123456789abcdef'],
      ['an empty header value', ' '],
    ])('%s gets 401 on a protected route and is ignored on a public one', async (_, header) => {
      const protectedRoute = await api.request('GET', '/api/v1/clients/', {
        authorization: header,
      });
      const publicRoute = await api.request('GET', '/api/v1/ping/', { authorization: header });

      expect(protectedRoute.status).toBe(401);
      expect(publicRoute.status).toBe(200);
    });

    it('refuses a refresh token used as an access token', async () => {
      const pair = await api.post<{ refresh: string }>('/api/token/obtain/', {
        email: f.user.email,
        password: USER_PASSWORD,
      });

      expect((await api.get('/api/v1/clients/', pair.body.refresh)).status).toBe(401);
    });

    it('gives an API token the rights of its owner, no more', async () => {
      const created = await api.post<{ key: string }>('/api/v1/tokens/', {}, f.user.token);
      const authorization = `Token ${created.body.key}`;
      const read = await api.request('GET', '/api/v1/clients/', { authorization });
      const write = await api.request('POST', '/api/v1/clients/', {
        authorization,
        body: { hostname: `token-${unique()}.example.com` },
      });

      expect(read.status).toBe(200);
      expect(write.status).toBe(403);
    });
  });

  // Grouped by role, so that every refused attempt runs before the superuser's writes.
  const cases = ROLES.flatMap((role) =>
    MATRIX.map((r) => ({ ...r, role, status: r.expected[role] })),
  );

  it.each(cases)('$method $path$label as $role → $status', async (c) => {
    const self = c.role === 'user' ? f.user : f.admin;
    const other = c.role === 'user' ? f.admin : f.user;
    const context: Context = { f, role: c.role, self, other };
    const response = await call(c.role, c.method, resolvePath(c.path, context), c.body?.(context));

    // The text is compared only so that a failure shows it.
    expect([response.status, response.text]).toEqual([c.status, expect.any(String)]);
  });
});
