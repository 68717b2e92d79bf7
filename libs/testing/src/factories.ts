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

/** The fields every object of API v1 starts with, before its own. */
export const OBJECT_FIELDS = [
  'id',
  'type',
  'url',
  'related',
  'summary_fields',
  'created',
  'modified',
  'created_by',
  'modified_by',
] as const;

/** The sorted keys an object of API v1 with these own fields must have, no more, no fewer. */
export function objectKeys(own: string[]): string[] {
  return [...OBJECT_FIELDS, ...own].sort();
}

/** An ISO 8601 instant in UTC, as the API writes every date. */
export const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
