import {
  createClient,
  createPolicy,
  createRepository,
  createSchedule,
  type RequestOptions,
  TestApi,
  type TestResponse,
  unique,
} from '@cyborg/testing';

/**
 * Whatever a caller sends, the API answers 400 with the offending field named
 * (or 404 for an id that names nothing): never a 500, never a hang, never a
 * silently ignored or half-applied change. Everything here runs as superuser,
 * so permissions never hide a validation gap.
 */

type Method = 'POST' | 'PATCH' | 'PUT';
type Kind = 'string' | 'boolean' | 'int' | 'array' | 'object';
/** [field, what the value is, value] */
type Probe = [string, string, unknown];

const KB_100 = 'x'.repeat(100 * 1024);
const MB_2 = 'x'.repeat(2 * 1024 * 1024);
/** A valid host name of 203 characters. */
const LONG_HOST = `${Array(3).fill('h'.repeat(63)).join('.')}.example.com`;
/** A value nested deeper than anything legitimate. */
const DEEP = JSON.parse(`${'['.repeat(1000)}${']'.repeat(1000)}`) as unknown;

/** Probes every writable endpoint gets, whatever its fields. */
const COMMON_PROBES: Probe[] = [
  ['bogus', 'an unknown field', 1],
  ['bogus', 'an unknown field nested 1000 levels deep', DEEP],
  ['__proto__', 'a prototype-pollution key', { is_superuser: true }],
  ['constructor', 'a prototype-pollution key', { prototype: { is_superuser: true } }],
];

const WRONG_TYPES: Record<Kind, [string, unknown][]> = {
  string: [
    ['a number', 42],
    ['a boolean', true],
    ['an array', ['a']],
    ['an object', { a: 'b' }],
  ],
  boolean: [
    ['a string', 'true'],
    ['a number', 1],
    ['an array', [true]],
  ],
  int: [
    ['a string', '22'],
    ['a fraction', 22.5],
    ['a boolean', true],
    ['an array', [22]],
  ],
  array: [
    ['an object', { 0: 1 }],
    ['a string', '1,2'],
    ['a number', 1],
  ],
  object: [
    ['an array', []],
    ['a string', '{}'],
    ['a number', 1],
  ],
};

/** Values of the wrong type for a field, null included unless the field may be null. */
function wrong(field: string, kind: Kind, options: { nullable?: boolean } = {}): Probe[] {
  const probes: Probe[] = WRONG_TYPES[kind].map(([what, value]) => [field, what, value]);
  if (!options.nullable) probes.push([field, 'null', null]);

  return probes;
}

/** Wrong types plus text too long for any column and text PostgreSQL cannot store. */
function text(field: string): Probe[] {
  return [
    ...wrong(field, 'string'),
    [field, '100 KB of text', KB_100],
    [field, 'a NUL character', 'a\u0000b'],
  ];
}

/** Sets a key as an own property, `__proto__` included, so JSON.stringify sends it as is. */
function withField(base: Record<string, unknown>, field: string, value: unknown) {
  const body: Record<string, unknown> = { ...base };
  Object.defineProperty(body, field, { value, enumerable: true, writable: true });

  return body;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** 400 whose body holds `field: [messages]`; on failure the whole answer is shown. */
function expectFieldError(response: TestResponse, field: string): void {
  const body = response.body;
  const named =
    isObject(body) && Object.hasOwn(body, field) ? body[field] : `no ${field} in ${response.text}`;

  expect({ status: response.status, named }).toEqual({
    status: 400,
    named: expect.arrayContaining([expect.any(String)]),
  });
}

/** 400 (or another client error) with a JSON object body: the server kept its footing. */
function expectRefused(response: TestResponse, status = 400): void {
  expect({ status: response.status, text: response.text }).toEqual({
    status,
    text: expect.stringMatching(/^\{.*\}$/s),
  });
}

/** A writable endpoint, its valid creation body and the field probes shared by its methods. */
interface Target {
  name: string;
  /** `{name}` placeholders stand for fixture ids. */
  routes: [Method, string][];
  valid: () => Record<string, unknown>;
  probes: Probe[];
}

const TARGETS: Target[] = [
  {
    name: 'users',
    routes: [
      ['POST', '/api/v1/users/'],
      ['PATCH', '/api/v1/users/{user}/'],
      ['PUT', '/api/v1/users/{user}/'],
    ],
    valid: () => ({ email: `probe-${unique()}@example.com`, password: 'a-long-password' }),
    probes: [
      ...text('email'),
      ['email', 'not an e-mail', 'not-an-email'],
      ...wrong('password', 'string'),
      ['password', 'a short password', 'short'],
      ['password', '100 KB of text', KB_100],
      ...text('first_name'),
      ...text('last_name'),
      ...wrong('is_superuser', 'boolean'),
      ...wrong('is_active', 'boolean'),
      ...wrong('notify_backup_failed', 'boolean'),
      ...wrong('notify_backup_monthly', 'boolean'),
    ],
  },
  {
    name: 'clients',
    routes: [
      ['POST', '/api/v1/clients/'],
      ['PATCH', '/api/v1/clients/{client}/'],
      ['PUT', '/api/v1/clients/{client}/'],
    ],
    valid: () => ({ hostname: `probe-${unique()}.example.com` }),
    probes: [
      ...text('hostname'),
      ['hostname', 'an empty string', ''],
      ...wrong('ip', 'string'),
      ['ip', 'not an address', '999.1.1.1'],
      ...text('version'),
      ...wrong('port', 'int'),
      ['port', 'zero', 0],
      ['port', 'a port over 65535', 65536],
      ['port', 'a huge number', 1e300],
      ...wrong('ready', 'boolean'),
      ...wrong('hypervisor_ready', 'boolean'),
      ...wrong('hypervisor_name', 'string'),
      ...wrong('bandwidth_limit', 'int', { nullable: true }),
      ['bandwidth_limit', 'zero', 0],
      ...wrong('enabled', 'boolean'),
    ],
  },
  {
    name: 'schedules',
    routes: [
      ['POST', '/api/v1/schedules/'],
      ['PATCH', '/api/v1/schedules/{schedule}/'],
      ['PUT', '/api/v1/schedules/{schedule}/'],
    ],
    valid: () => ({ name: 'Probe', crontab: '0 3 * * *' }),
    probes: [
      ...text('name'),
      ['name', 'an empty string', ''],
      ...text('crontab'),
      ...wrong('enabled', 'boolean'),
    ],
  },
  {
    name: 'repositories',
    routes: [
      ['POST', '/api/v1/repositories/'],
      ['PATCH', '/api/v1/repositories/{repository}/'],
      ['PUT', '/api/v1/repositories/{repository}/'],
    ],
    valid: () => ({ name: 'Probe', path: `borg@backup.example.com:/srv/${unique()}` }),
    probes: [
      ...text('name'),
      ...text('path'),
      ['path', 'a location longer than the column', `borg@${LONG_HOST}:/${'a'.repeat(900)}`],
      ...text('repository_key'),
      ...wrong('ready', 'boolean'),
      ...wrong('enabled', 'boolean'),
    ],
  },
  {
    name: 'policies',
    routes: [
      ['POST', '/api/v1/policies/'],
      ['PATCH', '/api/v1/policies/{policy}/'],
      ['PUT', '/api/v1/policies/{policy}/'],
    ],
    valid: () => ({
      name: 'Probe',
      policy_type: 'rootfs',
      repository: ids.repository,
      schedule: ids.schedule,
      clients: [ids.client],
    }),
    probes: [
      ...text('name'),
      ...wrong('policy_type', 'string'),
      ['policy_type', 'an unknown type', 'nope'],
      ...wrong('clients', 'array'),
      ['clients', 'fractions', [1.5]],
      ['clients', 'strings', ['1']],
      ['clients', 'zero', [0]],
      ['clients', 'an id beyond any integer column', [99_999_999_999]],
      ['clients', 'an unknown id', [2_000_000_000]],
      ['clients', 'a repeated id', [1, 1]],
      ...wrong('repository', 'int'),
      ['repository', 'an id beyond any integer column', 99_999_999_999],
      ['repository', 'an unknown id', 2_000_000_000],
      ...wrong('schedule', 'int'),
      ['schedule', 'an id beyond any integer column', 99_999_999_999],
      ['schedule', 'an unknown id', 2_000_000_000],
      ...wrong('extra_vars', 'object'),
      ['extra_vars', 'null', null],
      ['extra_vars', 'an unknown key', { bogus: 1 }],
      ['extra_vars', 'a list nested 1000 levels deep', { exclude: DEEP }],
      ...wrong('keep_daily', 'int', { nullable: true }),
      ['keep_daily', 'a negative number', -1],
      ['keep_yearly', 'a huge number', 1e12],
      ...text('vmprovider'),
      ['vmprovider', 'a path', '../modules/x'],
      ['vmprovider', 'dots only', '..'],
      ['vmprovider', 'a leading --', '--help'],
      ...text('prehook'),
      ...text('posthook'),
      ...wrong('mode_pull', 'boolean'),
      ...wrong('enabled', 'boolean'),
    ],
  },
  {
    name: 'a string setting',
    routes: [
      ['PATCH', '/api/v1/settings/{url_setting}/'],
      ['PUT', '/api/v1/settings/{url_setting}/'],
    ],
    valid: () => ({ value: 'https://backup.example.com' }),
    probes: [...text('value'), ['value', 'two lines', 'a\nb']],
  },
  {
    name: 'a boolean setting',
    routes: [['PATCH', '/api/v1/settings/{boolean_setting}/']],
    valid: () => ({ value: true }),
    probes: wrong('value', 'boolean'),
  },
  {
    name: 'an integer setting',
    routes: [['PATCH', '/api/v1/settings/{integer_setting}/']],
    valid: () => ({ value: 30 }),
    probes: [
      ...wrong('value', 'int'),
      ['value', 'a negative number', -1],
      ['value', 'a huge number', 1e300],
    ],
  },
  {
    name: 'a private key setting',
    routes: [['PATCH', '/api/v1/settings/{key_setting}/']],
    valid: () => ({ value: '' }),
    probes: [
      ...wrong('value', 'string'),
      ['value', 'text that is no key', 'not a key'],
      ['value', '100 KB of text', KB_100],
      ['value', 'a NUL character', '-----BEGIN OPENSSH PRIVATE KEY-----\u0000'],
    ],
  },
  {
    name: 'a password setting',
    routes: [['PATCH', '/api/v1/settings/{password_setting}/']],
    valid: () => ({ value: 'secret' }),
    probes: [...text('value')],
  },
  {
    name: 'SSH key generation',
    routes: [['POST', '/api/v1/settings/generate_ssh/']],
    // A key exists (see beforeAll), so a body that slipped through would answer 409, not 400.
    valid: () => ({}),
    probes: [
      ...wrong('type', 'string'),
      ['type', 'an unknown type', 'dsa'],
      ...wrong('size', 'int'),
      ['size', 'a weak size', 1024],
      ...wrong('force', 'boolean'),
    ],
  },
  {
    name: 'API tokens',
    routes: [['POST', '/api/v1/tokens/']],
    valid: () => ({ description: 'probe' }),
    probes: [
      ...text('description'),
      ...wrong('expires', 'string', { nullable: true }),
      ['expires', 'not a date', 'tomorrow'],
      ['expires', 'a date in the past', '2000-01-01T00:00:00Z'],
    ],
  },
  {
    name: 'login',
    routes: [['POST', '/api/token/obtain/']],
    valid: () => ({ email: 'nobody@example.com', password: 'wrong-password' }),
    probes: [...text('email'), ...text('password')],
  },
  {
    name: 'token refresh',
    routes: [['POST', '/api/token/refresh/']],
    valid: () => ({ refresh: 'not-a-token' }),
    probes: [...text('refresh')],
  },
];

/** Bodies that are no JSON object at all. [what, request options] */
const NOT_AN_OBJECT: [string, RequestOptions][] = [
  ['broken JSON', { rawBody: '{"name": ' }],
  ['a JSON array', { rawBody: '[{"name": "x"}]' }],
  ['an empty JSON array', { rawBody: '[]' }],
  ['a JSON string', { rawBody: '"name"' }],
  ['a JSON number', { rawBody: '42' }],
  ['JSON null', { rawBody: 'null' }],
  ['JSON true', { rawBody: 'true' }],
  ['a text/plain body', { rawBody: '{"name": "x"}', contentType: 'text/plain' }],
  ['a form body', { rawBody: 'name=x', contentType: 'application/x-www-form-urlencoded' }],
  ['a 2 MB body', { rawBody: JSON.stringify({ name: MB_2 }) }],
  ['JSON nested 100000 levels deep', { rawBody: `{"a":${'['.repeat(1e5)}${']'.repeat(1e5)}}` }],
];

/**
 * No body, or an empty one, counts as `{}`, as it did in the original system: scripts call
 * actions bare. So it is refused only where a field is required. [method, path, status, field]
 */
const EMPTY_BODY: [Method, string, number, string | null][] = [
  ['POST', '/api/v1/users/', 400, 'email'],
  ['PATCH', '/api/v1/users/{user}/', 200, null],
  ['POST', '/api/v1/clients/', 400, 'hostname'],
  ['PUT', '/api/v1/clients/{client}/', 200, null],
  ['POST', '/api/v1/schedules/', 400, 'crontab'],
  ['PATCH', '/api/v1/schedules/{schedule}/', 200, null],
  ['POST', '/api/v1/repositories/', 400, 'path'],
  ['PATCH', '/api/v1/repositories/{repository}/', 200, null],
  ['POST', '/api/v1/policies/', 400, 'policy_type'],
  ['PATCH', '/api/v1/policies/{policy}/', 200, null],
  ['PATCH', '/api/v1/settings/{url_setting}/', 400, 'value'],
  ['POST', '/api/v1/settings/generate_ssh/', 409, null],
  ['POST', '/api/v1/tokens/', 201, null],
  ['POST', '/api/token/obtain/', 400, 'email'],
  ['POST', '/api/token/refresh/', 400, 'refresh'],
];

/** Ids filled in beforeAll, for `{name}` placeholders. */
const ids: Record<string, number> = {};

function resolve(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (ids[name] === undefined) throw new Error(`no fixture named ${name}`);

    return String(ids[name]);
  });
}

const routes = TARGETS.flatMap((t) => t.routes.map(([method, path]) => ({ method, path, t })));

describe('Hostile input', () => {
  let api: TestApi;
  let admin: string;
  let user: { id: number; token: string };

  function send(method: string, path: string, options: RequestOptions = {}) {
    return api.request(method, resolve(path), { token: admin, ...options });
  }

  async function settingId(key: string): Promise<number> {
    const response = await api.get<{ results: { id: number }[] }>(
      `/api/v1/settings/?key=${key}`,
      admin,
    );

    return response.body.results[0].id;
  }

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await api.loginAdmin();
    user = await api.createUser(admin, { email: `user-${unique()}@example.com` });
    ids.user = user.id;
    ids.schedule = (await createSchedule(api, admin, { name: `${'a'.repeat(40)}!` })).id;
    ids.repository = (await createRepository(api, admin)).id;
    ids.client = (await createClient(api, admin)).id;
    ids.policy = (
      await createPolicy(api, admin, { schedule: ids.schedule, repository: ids.repository })
    ).id;
    ids.folders_policy = (
      await createPolicy(api, admin, {
        schedule: ids.schedule,
        repository: ids.repository,
        policy_type: 'folders',
        extra_vars: { folders: ['/etc'] },
      })
    ).id;
    ids.url_setting = await settingId('cyborgbackup_url');
    ids.boolean_setting = await settingId('cyborgbackup_catalog_enabled');
    ids.integer_setting = await settingId('cyborgbackup_job_cleaning');
    ids.key_setting = await settingId('cyborgbackup_ssh_key');
    ids.password_setting = await settingId('cyborgbackup_mail_password');
    await send('POST', '/api/v1/settings/generate_ssh/', { body: {} });
  });

  afterAll(() => api.stop());

  describe('bodies that are no JSON object', () => {
    const cases = routes.flatMap((r) =>
      NOT_AN_OBJECT.map(([what, options]) => ({ ...r, what, options })),
    );

    it.each(cases)('$method $path with $what → 400', async ({ method, path, options }) => {
      const response = await send(method, path, options);

      expectRefused(response);
    });
  });

  describe('empty bodies', () => {
    const cases = EMPTY_BODY.flatMap(([method, path, status, field]) =>
      (
        [
          ['an empty JSON body', { rawBody: '' }],
          ['no body at all', {}],
        ] as [string, RequestOptions][]
      ).map(([what, options]) => ({ method, path, status, field, what, options })),
    );

    it.each(cases)('$method $path with $what → $status', async (c) => {
      const before = c.method === 'POST' ? null : await send('GET', c.path);
      const response = await send(c.method, c.path, c.options);

      if (c.field) expectFieldError(response, c.field);
      else expect([response.status, response.text]).toEqual([c.status, expect.any(String)]);
      // An empty update changes no field (a timestamp may move, as it did in the original).
      if (before && response.status === 200) {
        expect(response.body).toEqual({ ...(before.body as object), modified: expect.any(String) });
      }
    });
  });

  describe('fields of the wrong type, size or value', () => {
    const cases = routes.flatMap((r) =>
      [...r.t.probes, ...COMMON_PROBES].map(([field, what, value]) => ({
        ...r,
        field,
        what,
        value,
      })),
    );

    it.each(cases)(
      '$method $path with $what as $field → 400 naming $field',
      async ({ method, path, t, field, value }) => {
        const base = method === 'POST' ? t.valid() : {};
        const response = await send(method, path, { body: withField(base, field, value) });

        expectFieldError(response, field);
      },
    );

    it('changes nothing when one field of a PATCH is refused', async () => {
      const before = await send('GET', '/api/v1/clients/{client}/');
      const response = await send('PATCH', '/api/v1/clients/{client}/', {
        body: { enabled: false, port: 'not a port' },
      });
      const after = await send('GET', '/api/v1/clients/{client}/');

      expectFieldError(response, 'port');
      expect(after.body).toEqual(before.body);
    });

    it('keeps null for the fields that may be null', async () => {
      const client = await send('PATCH', '/api/v1/clients/{client}/', {
        body: { bandwidth_limit: null },
      });
      const policy = await send('PATCH', '/api/v1/policies/{policy}/', {
        body: { keep_daily: null },
      });

      expect(client.status).toBe(200);
      expect(policy.status).toBe(200);
    });
  });

  describe('shell syntax in fields that end up in commands', () => {
    const SHELL = [
      ['a semicolon', 'web1;reboot'],
      ['a command substitution', 'web1$(reboot)'],
      ['backticks', 'web1`reboot`'],
      ['single quotes', "web1'x'"],
      ['double quotes', 'web1"x"'],
      ['a newline', 'web1\nreboot'],
      ['a pipe', 'web1|reboot'],
      ['a space', 'web1 reboot'],
      ['a leading --', '--oProxyCommand=reboot'],
      ['a leading -', '-web1'],
    ];
    const REPOSITORY_PATHS = [
      ['a semicolon in the user', 'bo;rg@backup:/srv/borg'],
      ['a semicolon in the host', 'borg@backup;reboot:/srv/borg'],
      ['a command substitution in the host', 'borg@$(reboot):/srv/borg'],
      ['backticks in the host', 'borg@`reboot`:/srv/borg'],
      ['quotes in the host', "borg@'backup':/srv/borg"],
      ['quotes in the user', 'b"org@backup:/srv/borg'],
      ['a newline in the path', 'borg@backup:/srv/borg\nreboot'],
      ['a leading -- in the path', 'borg@backup:--remote-path=reboot'],
      ['a leading -- in the URL host', 'ssh://borg@--oProxyCommand=reboot/srv'],
      ['a leading -- before everything', '--rsh=reboot'],
      ['a leading - in the user', '-oProxyCommand=reboot@backup:/srv'],
    ];
    const CRONTABS = [
      ['a semicolon', '0 3 * * *; reboot'],
      ['a command substitution', '$(reboot) 3 * * *'],
      ['backticks', '`reboot` 3 * * *'],
      ['quotes around it', '"0 3 * * *"'],
      ['a single quote', "0 3 * * *'"],
      ['a newline', '0 3 * * *\nreboot'],
      ['a second line', '0 3 * * *\n* * * * *'],
      ['a leading --', '-- 3 * * *'],
      ['only an option', '--help'],
      ['seven fields', '0 3 * * * * *'],
      ['a nickname', '@reboot'],
    ];
    const FOLDERS = [
      ['a leading --', ['--exclude=/']],
      ['a leading -', ['-x']],
      ['a relative path', ['etc']],
      ['a dot path', ['./etc']],
      ['a newline', ['/etc\n--remote-path=reboot']],
      ['an empty folder', ['']],
      ['no folder', []],
      ['a string instead of a list', '/etc'],
    ];
    type Case = { method: Method; path: string; field: string; what: string; body: object };
    const cases: Case[] = [
      ...SHELL.flatMap(([what, value]) =>
        (
          [
            ['POST', '/api/v1/clients/', 'hostname'],
            ['PATCH', '/api/v1/clients/{client}/', 'hostname'],
            ['PATCH', '/api/v1/clients/{client}/', 'ip'],
            ['PATCH', '/api/v1/clients/{client}/', 'hypervisor_name'],
          ] as const
        ).map(([method, path, field]) => ({ method, path, field, what, body: { [field]: value } })),
      ),
      ...REPOSITORY_PATHS.flatMap(([what, path]) => [
        {
          method: 'POST' as const,
          path: '/api/v1/repositories/',
          field: 'path',
          what,
          body: { name: 'Shell', path },
        },
        {
          method: 'PATCH' as const,
          path: '/api/v1/repositories/{repository}/',
          field: 'path',
          what,
          body: { path },
        },
      ]),
      ...CRONTABS.flatMap(([what, crontab]) => [
        {
          method: 'POST' as const,
          path: '/api/v1/schedules/',
          field: 'crontab',
          what,
          body: { name: 'Shell', crontab },
        },
        {
          method: 'PATCH' as const,
          path: '/api/v1/schedules/{schedule}/',
          field: 'crontab',
          what,
          body: { crontab },
        },
      ]),
      ...FOLDERS.map(([what, folders]) => ({
        method: 'PATCH' as const,
        path: '/api/v1/policies/{folders_policy}/',
        field: 'extra_vars',
        what: `folders with ${String(what)}`,
        body: { extra_vars: { folders } },
      })),
      {
        method: 'PATCH',
        path: '/api/v1/policies/{folders_policy}/',
        field: 'extra_vars',
        what: 'an exclude pattern with a leading --',
        body: { extra_vars: { folders: ['/etc'], exclude: ['--remote-path=reboot'] } },
      },
      {
        method: 'POST',
        path: '/api/v1/policies/',
        field: 'extra_vars',
        what: 'a database name with a leading --',
        body: {
          name: 'Shell',
          policy_type: 'mysql',
          repository: 0,
          schedule: 0,
          extra_vars: { databases: ['--all-databases'] },
        },
      },
      {
        method: 'POST',
        path: '/api/v1/policies/',
        field: 'extra_vars',
        what: 'a database host with a semicolon',
        body: {
          name: 'Shell',
          policy_type: 'postgresql',
          repository: 0,
          schedule: 0,
          extra_vars: { host: 'db;reboot' },
        },
      },
    ];

    it.each(cases)('$method $path with $what in $field → 400', async (c) => {
      const body: Record<string, unknown> = { ...c.body };
      if (body.repository === 0) body.repository = ids.repository;
      if (body.schedule === 0) body.schedule = ids.schedule;
      if (c.path === '/api/v1/clients/' && typeof body.hostname === 'string') {
        body.hostname = body.hostname.replace('web1', `shell-${unique()}`);
      }
      const response = await send(c.method, c.path, { body });

      expectFieldError(response, c.field);
    });

    // Commands take the path as one argument and quote it where it crosses a shell (see
    // libs/domain/src/repository-path.util.spec.ts), so odd characters after the host are
    // data, stored and returned exactly as sent.
    it('stores shell characters after the host of a repository path literally', async () => {
      const path = "borg@backup.example.com:/srv/a;b/$(x)/`y`/'z'";
      const response = await send('POST', '/api/v1/repositories/', {
        body: { name: 'Literal', path },
      });

      expect(response.status).toBe(201);
      expect((response.body as { path: string }).path).toBe(path);
    });
  });

  describe('prototype-pollution keys', () => {
    it('do not make an ordinary user a superuser', async () => {
      const proto = await api.request('PATCH', `/api/v1/users/${user.id}/`, {
        token: user.token,
        rawBody: '{"first_name": "Eve", "__proto__": {"is_superuser": true}}',
      });
      const constructor = await api.request('PATCH', `/api/v1/users/${user.id}/`, {
        token: user.token,
        rawBody: '{"constructor": {"prototype": {"is_superuser": true}}}',
      });
      const after = await send('GET', '/api/v1/users/{user}/');

      expectFieldError(proto, '__proto__');
      expectFieldError(constructor, 'constructor');
      expect(after.body).toMatchObject({ is_superuser: false });
      expect(after.body).not.toMatchObject({ first_name: 'Eve' });
    });

    it('do not pollute the prototypes of the server process', async () => {
      const response = await send('POST', '/api/v1/clients/', {
        rawBody: '{"hostname": "pollution.example.com", "__proto__": {"polluted": "yes"}}',
      });

      expectFieldError(response, '__proto__');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    });

    it('inside extra_vars are refused as unknown keys', async () => {
      const response = await send('PATCH', '/api/v1/policies/{folders_policy}/', {
        rawBody: '{"extra_vars": {"folders": ["/etc"], "__proto__": {"folders": ["/"]}}}',
      });
      const after = await send('GET', '/api/v1/policies/{folders_policy}/');

      expectFieldError(response, 'extra_vars');
      expect(after.body).toMatchObject({ extra_vars: { folders: ['/etc'] } });
    });
  });

  describe('hostile query strings on lists', () => {
    /** [list, a text field of it] */
    const LISTS: [string, string][] = [
      ['/api/v1/users/', 'email'],
      ['/api/v1/clients/', 'hostname'],
      ['/api/v1/schedules/', 'name'],
      ['/api/v1/repositories/', 'name'],
      ['/api/v1/policies/', 'name'],
      ['/api/v1/settings/', 'key'],
    ];
    /** [what, query with `TEXT` for the text field, the parameter the answer must name] */
    const QUERIES: [string, string, string | null][] = [
      ['an unknown filter', 'bogus=1', 'bogus'],
      ['an unknown lookup', 'TEXT__nope=1', 'TEXT__nope'],
      ['a text lookup on a number', 'id__regex=1', 'id__regex'],
      ['letters for a number', 'id=abc', 'id'],
      ['letters in an in-list', 'id__in=a,b', 'id__in'],
      ['an id beyond any integer column', 'id=99999999999', null],
      ['a bad boolean for isnull', 'id__isnull=maybe', 'id__isnull'],
      ['an unknown field after not__', 'not__bogus=1', 'not__bogus'],
      ['an unknown field after or__', 'or__bogus=1', 'or__bogus'],
      ['brackets in a parameter name', 'TEXT[]=x', 'TEXT[]'],
      ['page 0', 'page=0', 'page'],
      ['a negative page', 'page=-1', 'page'],
      ['letters for the page', 'page=abc', 'page'],
      ['a fraction for the page', 'page=1.5', 'page'],
      ['an enormous page number', 'page=99999999999', 'page'],
      ['a page size of 100000', 'page_size=100000', 'page_size'],
      ['a page size of 0', 'page_size=0', 'page_size'],
      ['ordering by the password', 'order_by=password', 'order_by'],
      ['ordering by a lone -', 'order_by=-', 'order_by'],
      ['ordering by SQL', 'order_by=id;DROP TABLE users', 'order_by'],
      ['the order alias with a bad field', 'order=password', 'order_by'],
      ['projecting the password', 'fields=password', 'fields'],
      ['projecting the constructor', 'fields=constructor', 'fields'],
      ['projecting __proto__', 'fields=__proto__', 'fields'],
      ['an invalid regex', 'TEXT__regex=(', null],
      ['an invalid case-insensitive regex', 'TEXT__iregex=[z-a]', null],
      ['a NUL character in a filter', 'TEXT=a%00b', 'TEXT'],
      ['a NUL character in a search', 'search=a%00b', 'search'],
      ['a 2000-character value', `TEXT=${'a'.repeat(2000)}`, 'TEXT'],
    ];
    const cases = LISTS.flatMap(([list, field]) =>
      QUERIES.map(([what, query, param]) => ({
        list,
        what,
        query: query.replace(/TEXT/g, field),
        param: param?.replace(/TEXT/g, field) ?? null,
      })),
    );

    it.each(cases)('$list with $what → 400', async ({ list, query, param }) => {
      const response = await send('GET', `${list}?${query}`);

      if (param) expectFieldError(response, param);
      else expectRefused(response);
    });

    /** [list, filters on secrets] */
    const SECRETS: [string, string][] = [
      ['/api/v1/users/', 'password=x'],
      ['/api/v1/users/', 'password__startswith=$argon2'],
      ['/api/v1/repositories/', 'repository_key=x'],
      ['/api/v1/repositories/', 'repository_key__regex=^a'],
      ['/api/v1/repositories/', 'order_by=repository_key'],
      ['/api/v1/policies/', 'repository__repository_key=x'],
      ['/api/v1/policies/', 'extra_vars__password=x'],
      ['/api/v1/policies/', 'extra_vars=x'],
      ['/api/v1/settings/', 'value=x'],
      ['/api/v1/settings/', 'value__startswith=-----BEGIN'],
      ['/api/v1/settings/', 'order_by=value'],
    ];

    it.each(SECRETS)('%s?%s, on a secret, → 400', async (list, query) => {
      const response = await send('GET', `${list}?${query}`);

      expectRefused(response);
    });

    it('answers a page past the last with 404', async () => {
      expectRefused(await send('GET', '/api/v1/clients/?page=999999'), 404);
    });

    it('takes LIKE wildcards in a search as plain characters', async () => {
      const response = await send('GET', '/api/v1/schedules/?search=%25_%5C');

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ count: 0 });
    });

    it.each([
      ['(a+)+$'],
      ['(a|a)*$'],
      ['(a*)*b'],
      ['((a+)+)+b'],
      ['^(a+)+\\1$'],
      ['(.*a){20}'],
      ['(a{1,100}){1,100}b'],
    ])('answers the catastrophic regex %s quickly, 200 or 400', async (regex) => {
      const started = Date.now();
      const response = await send(
        'GET',
        `/api/v1/schedules/?name__regex=${encodeURIComponent(regex)}`,
      );

      expect([200, 400]).toContain(response.status);
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });

  describe('malformed ids', () => {
    const RESOURCES = ['users', 'clients', 'schedules', 'repositories', 'policies', 'settings'];
    const BAD_IDS = [
      'abc',
      '-1',
      '0',
      '99999999999',
      '2147483648',
      '1.5',
      '%00',
      'null',
      '%20',
      '1;DROP TABLE users',
    ];
    const cases = RESOURCES.flatMap((resource) =>
      (['GET', 'PATCH', 'PUT', 'DELETE'] as const)
        .filter((method) => resource !== 'settings' || method !== 'DELETE')
        .flatMap((method) => BAD_IDS.map((id) => ({ method, path: `/api/v1/${resource}/${id}/` }))),
    );

    it.each(cases)('$method $path → 404', async ({ method, path }) => {
      const body = method === 'PATCH' || method === 'PUT' ? { body: {} } : {};

      expectRefused(await send(method, path, body), 404);
    });

    it.each(BAD_IDS)('GET /api/v1/policies/%s/calendar/ → 404', async (id) => {
      expectRefused(await send('GET', `/api/v1/policies/${id}/calendar/`), 404);
    });

    it.each(BAD_IDS)('DELETE /api/v1/tokens/%s/ → 404', async (id) => {
      expectRefused(await send('DELETE', `/api/v1/tokens/${id}/`), 404);
    });

    // Only the canonical spelling of an id names an object: no hex, exponent, sign or padding.
    it.each([
      ['hexadecimal', (id: number) => `0x${id.toString(16)}`],
      ['an exponent', (id: number) => `${id}e0`],
      ['a decimal point', (id: number) => `${id}.0`],
      ['a leading zero', (id: number) => `0${id}`],
      ['a plus sign', (id: number) => `+${id}`],
      ['a leading space', (id: number) => `%20${id}`],
    ])('refuses an existing id written with %s', async (_, spell) => {
      const response = await send('GET', `/api/v1/clients/${spell(ids.client)}/`);

      expectRefused(response, 404);
    });

    it('refuses a calendar month that is no YYYY-MM', async () => {
      for (const month of ['2026-13', '2026-1', 'abc', '2026-01-01', '']) {
        expectFieldError(
          await send('GET', `/api/v1/policies/{policy}/calendar/?month=${month}`),
          'month',
        );
      }
    });
  });
});
