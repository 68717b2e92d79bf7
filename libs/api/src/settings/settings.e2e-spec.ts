import { generateSshKeyPair } from '@cyborg/crypto';
import { ISO_INSTANT, objectKeys, TestApi } from '@cyborg/testing';

interface Setting {
  id: number;
  key: string;
  value: unknown;
  setting_type: string;
  group: string;
  order: number;
  [field: string]: unknown;
}

const SETTING_FIELDS = objectKeys([
  'key',
  'value',
  'setting_type',
  'group',
  'order',
  'description',
]);

/** Bits of the modulus of an `ssh-rsa AAAA...` public key line. */
function rsaModulusBits(line: string): number {
  const blob = Buffer.from(line.split(' ')[1], 'base64');
  const fields: Buffer[] = [];
  for (let offset = 0; offset < blob.length;) {
    const length = blob.readUInt32BE(offset);
    fields.push(blob.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  const [type, , modulus] = fields;
  if (type.toString() !== 'ssh-rsa') throw new Error(`not an RSA key: ${type.toString()}`);
  const significant = modulus[0] === 0 ? modulus.subarray(1) : modulus;

  return significant.length * 8;
}

describe('Settings API', () => {
  let api: TestApi;
  let admin: string;
  let settings: Map<string, Setting>;

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await api.loginAdmin();
    const list = await api.get<{ results: Setting[] }>('/api/v1/settings/?page_size=200', admin);
    settings = new Map(list.body.results.map((s) => [s.key.replace(/^cyborgbackup_/, ''), s]));
  });

  afterAll(() => api.stop());

  function url(key: string): string {
    const setting = settings.get(key);
    if (!setting) throw new Error(`no setting ${key}`);

    return `/api/v1/settings/${setting.id}/`;
  }

  it('lists every setting in group and order, each with its whole shape', async () => {
    const response = await api.get<{ count: number; results: Setting[] }>(
      '/api/v1/settings/',
      admin,
    );
    const keys = response.body.results.map((s) => s.key);

    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['count', 'next', 'previous', 'results']);
    expect(response.body.count).toBe(response.body.results.length);
    expect(keys).toEqual(
      expect.arrayContaining(
        [
          'url',
          'catalog_enabled',
          'auto_prune',
          'backup_user',
          'mail_server',
          'mail_port',
          'mail_username',
          'mail_password',
          'mail_tls',
          'mail_from',
          'ssh_key',
          'ssh_password',
          'auto_restore_test',
          'job_cleaning',
          'metrics_enabled',
        ].map((k) => `cyborgbackup_${k}`),
      ),
    );
    const ordered = [...response.body.results].sort(
      (a, b) => a.group.localeCompare(b.group) || a.order - b.order,
    );
    expect(keys).toEqual(ordered.map((s) => s.key));
    for (const setting of response.body.results) {
      expect(Object.keys(setting).sort()).toEqual(SETTING_FIELDS);
      expect(['boolean', 'integer', 'string', 'privatekey', 'password']).toContain(
        setting.setting_type,
      );
    }
  });

  it('reads one setting with 200, typed, and answers 404 for an unknown id', async () => {
    const found = await api.get<Setting>(url('mail_port'), admin);

    expect(found.status).toBe(200);
    expect(found.body).toEqual({
      id: settings.get('mail_port')?.id,
      type: 'setting',
      url: url('mail_port'),
      related: {},
      summary_fields: {},
      created: expect.stringMatching(ISO_INSTANT),
      modified: expect.stringMatching(ISO_INSTANT),
      created_by: null,
      modified_by: null,
      key: 'cyborgbackup_mail_port',
      value: 25,
      setting_type: 'integer',
      group: 'mail',
      order: 2,
      description: expect.any(String),
    });
    expect(settings.get('mail_tls')?.value).toBe(false);
    expect(settings.get('mail_server')?.value).toBe('localhost');
    expect((await api.get('/api/v1/settings/999999/', admin)).status).toBe(404);
    expect((await api.patch('/api/v1/settings/999999/', { value: 1 }, admin)).status).toBe(404);
  });

  it('filters settings by group and key', async () => {
    const mail = await api.get<{ count: number; results: Setting[] }>(
      '/api/v1/settings/?group=mail',
      admin,
    );
    const one = await api.get<{ results: Setting[] }>(
      '/api/v1/settings/?key=cyborgbackup_mail_tls',
      admin,
    );

    expect(mail.body.count).toBe(6);
    expect(mail.body.results.every((s) => s.group === 'mail')).toBe(true);
    expect(one.body.results.map((s) => s.key)).toEqual(['cyborgbackup_mail_tls']);
  });

  it('changes a boolean setting, refusing anything but true or false', async () => {
    const changed = await api.patch<Setting>(url('mail_tls'), { value: true }, admin);
    const refused = await Promise.all(
      ['true', 1, null, 'yes'].map((value) => api.patch(url('mail_tls'), { value }, admin)),
    );

    expect(changed.status).toBe(200);
    expect(changed.body.value).toBe(true);
    for (const response of refused) {
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ value: [expect.any(String)] });
    }
    expect((await api.get<Setting>(url('mail_tls'), admin)).body.value).toBe(true);
  });

  it('changes an integer setting, refusing text, fractions and negatives', async () => {
    const changed = await api.patch<Setting>(url('mail_port'), { value: 587 }, admin);
    const refused = await Promise.all(
      ['587', 1.5, -1, true].map((value) => api.patch(url('mail_port'), { value }, admin)),
    );

    expect(changed.status).toBe(200);
    expect(changed.body.value).toBe(587);
    for (const response of refused) {
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ value: [expect.any(String)] });
    }
  });

  it('changes a string setting, refusing other types and several lines', async () => {
    const changed = await api.patch<Setting>(
      url('mail_server'),
      { value: 'smtp.example.com' },
      admin,
    );
    const emptied = await api.patch<Setting>(url('mail_username'), { value: '' }, admin);
    const refused = await Promise.all(
      [42, false, 'two\nlines', 'x'.repeat(5000)].map((value) =>
        api.patch(url('mail_server'), { value }, admin),
      ),
    );

    expect(changed.status).toBe(200);
    expect(changed.body.value).toBe('smtp.example.com');
    expect(emptied.status).toBe(200);
    expect(emptied.body.value).toBe('');
    for (const response of refused) {
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ value: [expect.any(String)] });
    }
  });

  it('answers 400 when the value is missing or other fields are sent', async () => {
    const missing = await api.patch(url('mail_port'), {}, admin);
    const extra = await api.patch(url('mail_port'), { value: 25, colour: 'red' }, admin);

    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ value: expect.any(Array) });
    expect(extra.status).toBe(400);
    expect(extra.body).toEqual({ colour: ['Unknown field.'] });
  });

  it('takes back with PUT the whole object it answered, changing only the value', async () => {
    const current = (await api.get<Setting>(url('job_cleaning'), admin)).body;

    const response = await api.request<Setting>('PUT', url('job_cleaning'), {
      token: admin,
      body: { ...current, value: 7 },
    });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      key: 'cyborgbackup_job_cleaning',
      value: 7,
      setting_type: 'integer',
    });
  });

  describe('the SSH key', () => {
    it('has no public key to show before one is generated', async () => {
      const response = await api.get('/api/v1/settings/get_ssh_publickey/', admin);

      expect(response.status).toBe(404);
      expect(response.body).toEqual({ detail: expect.any(String) });
    });

    it('describes what generate_ssh accepts', async () => {
      const response = await api.get('/api/v1/settings/generate_ssh/', admin);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        types: ['ed25519', 'rsa'],
        rsa_sizes: [2048, 3072, 4096],
        default: 'ed25519',
      });
    });

    it('is generated with 201, RSA at the size asked for', async () => {
      const response = await api.post<{ pubkey: string }>(
        '/api/v1/settings/generate_ssh/',
        { type: 'rsa', size: 2048 },
        admin,
      );

      expect(response.status).toBe(201);
      expect(Object.keys(response.body)).toEqual(['pubkey']);
      expect(response.body.pubkey).toMatch(/^ssh-rsa AAAA[\w+/=]+ \S+$/);
      expect(rsaModulusBits(response.body.pubkey)).toBe(2048);

      const shown = await api.get<{ pubkey: string }>('/api/v1/settings/get_ssh_publickey/', admin);

      expect(shown.status).toBe(200);
      expect(shown.body).toEqual({ pubkey: response.body.pubkey });
      expect((await api.get<Setting>(url('ssh_key'), admin)).body.value).toBe('$encrypted$');
    });

    it('is not replaced without force: 409, then 201 with force', async () => {
      const before = await api.get<{ pubkey: string }>(
        '/api/v1/settings/get_ssh_publickey/',
        admin,
      );

      const refused = await api.post('/api/v1/settings/generate_ssh/', { type: 'rsa' }, admin);
      const unchanged = await api.get<{ pubkey: string }>(
        '/api/v1/settings/get_ssh_publickey/',
        admin,
      );
      const forced = await api.post<{ pubkey: string }>(
        '/api/v1/settings/generate_ssh/',
        { force: true },
        admin,
      );
      const after = await api.get<{ pubkey: string }>('/api/v1/settings/get_ssh_publickey/', admin);

      expect(refused.status).toBe(409);
      expect(refused.body).toEqual({ detail: expect.stringMatching(/force/) });
      expect(unchanged.body).toEqual(before.body);
      expect(forced.status).toBe(201);
      expect(forced.body.pubkey).toMatch(/^ssh-ed25519 AAAA/);
      expect(after.body).toEqual({ pubkey: forced.body.pubkey });
    });

    it('refuses unknown key types and sizes with 400', async () => {
      const type = await api.post(
        '/api/v1/settings/generate_ssh/',
        { type: 'dsa', force: true },
        admin,
      );
      const size = await api.post(
        '/api/v1/settings/generate_ssh/',
        { type: 'rsa', size: 1024, force: true },
        admin,
      );
      const force = await api.post('/api/v1/settings/generate_ssh/', { force: 'yes' }, admin);

      expect(type.status).toBe(400);
      expect(type.body).toEqual({ type: expect.any(Array) });
      expect(size.status).toBe(400);
      expect(size.body).toEqual({ size: expect.any(Array) });
      expect(force.status).toBe(400);
      expect(force.body).toEqual({ force: expect.any(Array) });
    });

    it('may be set directly, but only to a usable private key', async () => {
      const pair = generateSshKeyPair('ed25519');
      const notAKey = await api.patch(url('ssh_key'), { value: 'not a key' }, admin);
      const publicKey = await api.patch(url('ssh_key'), { value: pair.publicKey }, admin);
      const accepted = await api.patch<Setting>(url('ssh_key'), { value: pair.privateKey }, admin);
      const shown = await api.get<{ pubkey: string }>('/api/v1/settings/get_ssh_publickey/', admin);

      expect(notAKey.status).toBe(400);
      expect(notAKey.body).toEqual({
        value: [expect.stringMatching(/Not a usable SSH private key/)],
      });
      expect(publicKey.status).toBe(400);
      expect(accepted.status).toBe(200);
      expect(accepted.body.value).toBe('$encrypted$');
      expect(shown.body.pubkey.split(' ').slice(0, 2)).toEqual(
        pair.publicKey.split(' ').slice(0, 2),
      );
    });
  });
});
