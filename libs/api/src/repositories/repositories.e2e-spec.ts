import {
  ADMIN,
  createPolicy,
  createRepository,
  ISO_INSTANT,
  objectKeys,
  TestApi,
} from '@cyborg/testing';

interface Repository {
  id: number;
  name: string;
  path: string;
  repository_key: string;
  [field: string]: unknown;
}

const REPOSITORY_FIELDS = objectKeys([
  'check_schedule',
  'next_check',
  'name',
  'path',
  'repository_key',
  'original_size',
  'compressed_size',
  'deduplicated_size',
  'ready',
  'enabled',
  'uuid',
]);

describe('Repositories API', () => {
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

  it('creates a repository with 201 and answers its whole shape, the key masked', async () => {
    const response = await api.post<Repository>(
      '/api/v1/repositories/',
      {
        name: 'Main',
        path: 'borg@backup.example.com:/srv/borg/main',
        repository_key: 'correct horse battery staple',
      },
      admin,
    );
    const summary = { id: adminId, email: ADMIN.email, first_name: '', last_name: '' };

    expect(response.status).toBe(201);
    expect(Object.keys(response.body).sort()).toEqual(REPOSITORY_FIELDS);
    expect(response.body).toEqual({
      id: expect.any(Number),
      type: 'repository',
      url: `/api/v1/repositories/${response.body.id}/`,
      related: {},
      summary_fields: { created_by: summary, modified_by: summary },
      created: expect.stringMatching(ISO_INSTANT),
      modified: expect.stringMatching(ISO_INSTANT),
      created_by: adminId,
      modified_by: adminId,
      name: 'Main',
      path: 'borg@backup.example.com:/srv/borg/main',
      repository_key: '$encrypted$',
      original_size: 0,
      compressed_size: 0,
      deduplicated_size: 0,
      ready: false,
      enabled: true,
      check_schedule: null,
      next_check: null,
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('shows an empty key as empty', async () => {
    const created = await createRepository(api, admin);

    expect(created.repository_key).toBe('');
  });

  it('accepts both path forms and refuses anything else with 400', async () => {
    const good = [
      'borg@host.example.com:/srv/borg/a',
      'ssh://borg@host.example.com:2222/srv/borg/b',
      'ssh://borg@192.0.2.1/./relative',
    ];
    const bad = [
      '/local/path',
      'host:/no-user',
      '-oProxyCommand=x@host:/a',
      'ftp://borg@host/a',
      '',
    ];

    for (const path of good) {
      const response = await api.post('/api/v1/repositories/', { name: 'ok', path }, admin);

      expect(response.status).toBe(201);
    }
    for (const path of bad) {
      const response = await api.post('/api/v1/repositories/', { name: 'bad', path }, admin);

      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        path: [expect.stringMatching(/user@host:\/path or ssh:\/\//)],
      });
    }
  });

  it('answers 400 for other invalid fields, and ignores the read-only sizes', async () => {
    const noName = await api.post('/api/v1/repositories/', { path: 'a@b.example:/c' }, admin);
    const badKey = await api.post(
      '/api/v1/repositories/',
      { name: 'x', path: 'a@b.example:/c', repository_key: 42 },
      admin,
    );
    const sizes = await api.post<Repository>(
      '/api/v1/repositories/',
      { name: 'x', path: 'a@b.example:/c', original_size: 99, deduplicated_size: 5 },
      admin,
    );

    expect(noName.status).toBe(400);
    expect(noName.body).toEqual({ name: expect.any(Array) });
    expect(badKey.status).toBe(400);
    expect(badKey.body).toEqual({ repository_key: expect.any(Array) });
    expect(sizes.status).toBe(201);
    expect(sizes.body).toMatchObject({ original_size: 0, deduplicated_size: 0 });
  });

  it('lists, reads, updates and deletes, answering 404 for unknown ids', async () => {
    const created = await createRepository(api, admin, { repository_key: 'secret-one' });
    const url = `/api/v1/repositories/${created.id}/`;

    const list = await api.get<{ count: number; results: Repository[] }>(
      '/api/v1/repositories/',
      admin,
    );
    const found = await api.get<Repository>(url, admin);
    const patched = await api.patch<Repository>(url, { name: 'Renamed', ready: true }, admin);
    const put = await api.request<Repository>('PUT', url, {
      token: admin,
      body: { ...patched.body, path: 'ssh://borg@other.example.com/srv/x' },
    });
    const badPatch = await api.patch(url, { path: 'nowhere' }, admin);
    const removed = await api.delete(url, admin);

    expect(list.status).toBe(200);
    expect(Object.keys(list.body).sort()).toEqual(['count', 'next', 'previous', 'results']);
    expect(list.body.results[0]).toEqual(created);
    expect(found.status).toBe(200);
    expect(found.body).toEqual(created);
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Renamed', ready: true });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      name: 'Renamed',
      path: 'ssh://borg@other.example.com/srv/x',
      repository_key: '$encrypted$',
    });
    expect(badPatch.status).toBe(400);
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    expect((await api.get(url, admin)).status).toBe(404);
    expect((await api.patch(url, { name: 'x' }, admin)).status).toBe(404);
    expect((await api.delete(url, admin)).status).toBe(404);
  });

  it("empties its policies' next_run while disabled", async () => {
    const repository = await createRepository(api, admin);
    const policy = await createPolicy(api, admin, { repository: repository.id });
    const url = `/api/v1/policies/${policy.id}/`;

    expect(policy.next_run).toEqual(expect.stringMatching(ISO_INSTANT));

    await api.patch(`/api/v1/repositories/${repository.id}/`, { enabled: false }, admin);
    const disabled = await api.get<{ next_run: string | null }>(url, admin);
    await api.patch(`/api/v1/repositories/${repository.id}/`, { enabled: true }, admin);
    const enabled = await api.get<{ next_run: string | null }>(url, admin);

    expect(disabled.body.next_run).toBeNull();
    expect(enabled.body.next_run).toBe(policy.next_run);
  });

  it('refuses with 409, not 500, to delete a repository a policy still uses', async () => {
    const repository = await createRepository(api, admin);
    const policy = await createPolicy(api, admin, { repository: repository.id });

    const refused = await api.delete(`/api/v1/repositories/${repository.id}/`, admin);

    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({ detail: expect.stringMatching(/still used by policies/) });
    expect((await api.get(`/api/v1/repositories/${repository.id}/`, admin)).status).toBe(200);

    await api.delete(`/api/v1/policies/${policy.id}/`, admin);

    expect((await api.delete(`/api/v1/repositories/${repository.id}/`, admin)).status).toBe(204);
  });
});
