import { TestApi } from '@cyborg/testing';

describe('API root', () => {
  let api: TestApi;
  let admin: string;

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await api.loginAdmin();
  });

  afterAll(() => api.stop());

  it('describes the versions at /api/ without credentials', async () => {
    const response = await api.get('/api/');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      description: expect.any(String),
      current_version: '/api/v1/',
      available_versions: { v1: '/api/v1/' },
    });
  });

  it('answers ping without credentials', async () => {
    const response = await api.get('/api/v1/ping/');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ version: '1.0', ping: 'pong' });
  });

  it('lists the resources at /api/v1/ for a logged-in user only', async () => {
    expect((await api.get('/api/v1/')).status).toBe(401);
    const response = await api.get<Record<string, string>>('/api/v1/', admin);

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      ping: '/api/v1/ping/',
      config: '/api/v1/config/',
      me: '/api/v1/me/',
      users: '/api/v1/users/',
      clients: '/api/v1/clients/',
      schedules: '/api/v1/schedules/',
      repositories: '/api/v1/repositories/',
      policies: '/api/v1/policies/',
      settings: '/api/v1/settings/',
    });
  });

  it('shows the configuration', async () => {
    const response = await api.get('/api/v1/config/', admin);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      version: '1.0',
      time_zone: 'UTC',
      debug: false,
      allowed_hosts: ['*'],
    });
  });

  it('answers /me/ with a one-item list holding the caller', async () => {
    const response = await api.get<{ count: number; results: { email: string }[] }>(
      '/api/v1/me/',
      admin,
    );

    expect(response.status).toBe(200);
    expect(response.body.count).toBe(1);
    expect(response.body.results[0]).toMatchObject({
      email: 'admin@cyborg.local',
      is_superuser: true,
      type: 'user',
    });
    expect(response.body.results[0]).not.toHaveProperty('password');
  });

  it('serves the OpenAPI document and Swagger UI under /api/docs', async () => {
    const document = await api.get<{ openapi: string; paths: Record<string, unknown> }>(
      '/api/docs/openapi.json',
    );
    const page = await api.get('/api/docs/');

    expect(document.status).toBe(200);
    expect(document.body.openapi).toMatch(/^3\./);
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/clients', '/api/v1/policies/{id}']),
    );
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger');
  });

  it('answers 404 with a JSON body for an unknown path', async () => {
    const response = await api.get('/api/v1/nothing-here/', admin);

    expect(response.status).toBe(404);
    expect(response.body).toEqual({ detail: expect.any(String) });
  });
});
