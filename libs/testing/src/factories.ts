import type { TestApi } from './test-api';

/** What the factories return: the created object as the API answered it. */
export type ApiObject = { id: number } & Record<string, unknown>;

let sequence = 0;

/** A suffix that keeps names unique within one test file. */
export function unique(): string {
  sequence += 1;

  return `${process.pid}-${sequence}`;
}

async function create(
  api: TestApi,
  token: string,
  path: string,
  body: Record<string, unknown>,
): Promise<ApiObject> {
  const response = await api.post<ApiObject>(path, body, token);
  if (response.status !== 201) {
    throw new Error(`POST ${path} answered ${response.status}: ${response.text}`);
  }

  return response.body;
}

export function createSchedule(api: TestApi, token: string, fields: Record<string, unknown> = {}) {
  return create(api, token, '/api/v1/schedules/', {
    name: `Schedule ${unique()}`,
    crontab: '0 3 * * *',
    ...fields,
  });
}

export function createRepository(
  api: TestApi,
  token: string,
  fields: Record<string, unknown> = {},
) {
  const name = unique();

  return create(api, token, '/api/v1/repositories/', {
    name: `Repository ${name}`,
    path: `borg@backup.example.com:/srv/borg/${name}`,
    ...fields,
  });
}

export function createClient(api: TestApi, token: string, fields: Record<string, unknown> = {}) {
  return create(api, token, '/api/v1/clients/', {
    hostname: `client-${unique()}.example.com`,
    ...fields,
  });
}

/** A rootfs policy; makes its own schedule and repository unless they are given. */
export async function createPolicy(
  api: TestApi,
  token: string,
  fields: Record<string, unknown> = {},
) {
  const schedule = fields.schedule ?? (await createSchedule(api, token)).id;
  const repository = fields.repository ?? (await createRepository(api, token)).id;

  return create(api, token, '/api/v1/policies/', {
    name: `Policy ${unique()}`,
    policy_type: 'rootfs',
    ...fields,
    schedule,
    repository,
  });
}
