import {
  ADMIN,
  createClient,
  createPolicy,
  ISO_INSTANT,
  objectKeys,
  TestApi,
  unique,
} from '@cyborg/testing';

interface Client {
  id: number;
  hostname: string;
  summary_fields: { policies: { id: number; name: string }[] };
  [field: string]: unknown;
}

const CLIENT_FIELDS = objectKeys([
  'hostname',
  'ip',
  'version',
  'port',
  'ready',
  'hypervisor_ready',
  'hypervisor_name',
  'bandwidth_limit',
  'enabled',
  'uuid',
]);

describe('Clients API', () => {
  let api: TestApi;
  let admin: string;
  let adminId: number;
  let adminSummary: object;

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await api.loginAdmin();
    adminId = (await api.get<{ results: { id: number }[] }>('/api/v1/me/', admin)).body.results[0]
      .id;
    adminSummary = { id: adminId, email: ADMIN.email, first_name: '', last_name: '' };
  });

  afterAll(() => api.stop());

  it('creates a client with 201, the defaults filled and the hostname lower-cased', async () => {
    const response = await api.post<Client>(
      '/api/v1/clients/',
      { hostname: 'Web1.Example.COM' },
      admin,
    );

    expect(response.status).toBe(201);
    expect(Object.keys(response.body).sort()).toEqual(CLIENT_FIELDS);
    expect(response.body).toEqual({
      id: expect.any(Number),
      type: 'client',
      url: `/api/v1/clients/${response.body.id}/`,
      related: {},
      summary_fields: { created_by: adminSummary, modified_by: adminSummary, policies: [] },
      created: expect.stringMatching(ISO_INSTANT),
      modified: expect.stringMatching(ISO_INSTANT),
      created_by: adminId,
      modified_by: adminId,
      hostname: 'web1.example.com',
      ip: '',
      version: '',
      port: 22,
      ready: false,
      hypervisor_ready: false,
      hypervisor_name: '',
      bandwidth_limit: null,
      enabled: true,
      uuid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
    });
  });

  it('accepts every writable field', async () => {
    const response = await api.post<Client>(
      '/api/v1/clients/',
      {
        hostname: '192.0.2.10',
        ip: '192.0.2.10',
        version: '1.4.0',
        port: 2222,
        ready: true,
        hypervisor_ready: true,
        hypervisor_name: 'pve1.example.com',
        bandwidth_limit: 5000,
        enabled: false,
      },
      admin,
    );

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      hostname: '192.0.2.10',
      ip: '192.0.2.10',
      version: '1.4.0',
      port: 2222,
      ready: true,
      hypervisor_ready: true,
      hypervisor_name: 'pve1.example.com',
      bandwidth_limit: 5000,
      enabled: false,
    });
  });

  it('lists clients as {count, next, previous, results}', async () => {
    const created = await createClient(api, admin);

    const response = await api.get<{ count: number; results: Client[] }>('/api/v1/clients/', admin);

    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['count', 'next', 'previous', 'results']);
    expect(response.body.results[0].id).toBe(created.id);
    for (const client of response.body.results) {
      expect(Object.keys(client).sort()).toEqual(CLIENT_FIELDS);
    }
  });

  it('reads one client with 200, and answers 404 for an unknown id', async () => {
    const created = await createClient(api, admin);

    const found = await api.get(`/api/v1/clients/${created.id}/`, admin);
    const unknown = await api.get('/api/v1/clients/999999/', admin);

    expect(found.status).toBe(200);
    expect(found.body).toEqual(created);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ detail: expect.any(String) });
    expect((await api.patch('/api/v1/clients/999999/', { port: 23 }, admin)).status).toBe(404);
    expect((await api.delete('/api/v1/clients/999999/', admin)).status).toBe(404);
  });

  it('updates with PATCH and PUT, recording who changed it', async () => {
    const other = await api.createUser(admin, { email: 'client-editor@example.com' });
    await api.patch(`/api/v1/users/${other.id}/`, { is_superuser: true }, admin);
    const created = await createClient(api, admin);
    const url = `/api/v1/clients/${created.id}/`;

    const patched = await api.patch<Client>(url, { port: 2200, bandwidth_limit: 100 }, other.token);
    const put = await api.request<Client>('PUT', url, {
      token: admin,
      body: { ...patched.body, enabled: false, bandwidth_limit: null },
    });

    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      port: 2200,
      bandwidth_limit: 100,
      created_by: adminId,
      modified_by: other.id,
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      hostname: created.hostname,
      port: 2200,
      enabled: false,
      bandwidth_limit: null,
      uuid: created.uuid,
      modified_by: adminId,
    });
  });

  it('refuses a hostname already taken, whatever its case, with 400 naming the field', async () => {
    const first = await createClient(api, admin);
    const second = await createClient(api, admin);

    const duplicate = await api.post(
      '/api/v1/clients/',
      { hostname: String(first.hostname).toUpperCase() },
      admin,
    );
    const renamed = await api.patch(
      `/api/v1/clients/${second.id}/`,
      { hostname: first.hostname },
      admin,
    );
    const unchanged = await api.patch(
      `/api/v1/clients/${first.id}/`,
      { hostname: String(first.hostname).toUpperCase() },
      admin,
    );

    expect(duplicate.status).toBe(400);
    expect(duplicate.body).toEqual({ hostname: [expect.stringMatching(/already exists/)] });
    expect(renamed.status).toBe(400);
    expect(renamed.body).toEqual({ hostname: [expect.stringMatching(/already exists/)] });
    expect(unchanged.status).toBe(200);
  });

  it('gives all but one of simultaneous creations of a hostname a 400, never a 500', async () => {
    const hostname = `race-${unique()}.example.com`;

    const responses = await Promise.all(
      Array.from({ length: 8 }, () => api.post('/api/v1/clients/', { hostname }, admin)),
    );

    expect(responses.map((r) => r.status).sort()).toEqual([201, ...Array<number>(7).fill(400)]);
    for (const refused of responses.filter((r) => r.status === 400)) {
      expect(refused.body).toEqual({ hostname: [expect.stringMatching(/already exists/)] });
    }
  });

  it('answers 400 with {field: [messages]} for invalid fields', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'hostname'],
      [{ hostname: 'not a host!' }, 'hostname'],
      [{ hostname: 'ok.example.com', port: 70000 }, 'port'],
      [{ hostname: 'ok.example.com', port: '22' }, 'port'],
      [{ hostname: 'ok.example.com', ip: '300.1.1.1' }, 'ip'],
      [{ hostname: 'ok.example.com', bandwidth_limit: 0 }, 'bandwidth_limit'],
      [{ hostname: 'ok.example.com', enabled: 'yes' }, 'enabled'],
      [{ hostname: 'ok.example.com', hypervisor_name: '-oProxyCommand=x' }, 'hypervisor_name'],
      [{ hostname: 'ok.example.com', policies: [1] }, 'policies'],
    ];

    for (const [body, field] of cases) {
      const response = await api.post('/api/v1/clients/', body, admin);

      expect(response.status).toBe(400);
      expect(response.body).toEqual({ [field]: expect.arrayContaining([expect.any(String)]) });
    }
  });

  it('shows the policies of a client in summary_fields', async () => {
    const client = await createClient(api, admin);
    const policy = await createPolicy(api, admin, { clients: [client.id] });

    const found = await api.get<Client>(`/api/v1/clients/${client.id}/`, admin);

    expect(found.body.summary_fields.policies).toEqual([{ id: policy.id, name: policy.name }]);
  });

  it('deletes with 204, taking the client out of its policies', async () => {
    const client = await createClient(api, admin);
    const kept = await createClient(api, admin);
    const policy = await createPolicy(api, admin, { clients: [client.id, kept.id] });

    const removed = await api.delete(`/api/v1/clients/${client.id}/`, admin);
    const after = await api.get<{ clients: number[] }>(`/api/v1/policies/${policy.id}/`, admin);

    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    expect((await api.get(`/api/v1/clients/${client.id}/`, admin)).status).toBe(404);
    expect(after.status).toBe(200);
    expect(after.body.clients).toEqual([kept.id]);
  });
});
