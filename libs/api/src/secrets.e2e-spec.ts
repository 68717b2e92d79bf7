import { generateSshKeyPair } from '@cyborg/crypto';
import { createPolicy, createRepository, TestApi } from '@cyborg/testing';

/** Clear values that must never come back from the API nor sit in PostgreSQL. */
const SECRETS = {
  repositoryKey: 'repo-passphrase-Zq7-clear',
  databasePassword: 'mysql-password-Xk3-clear',
  mailPassword: 'smtp-password-Wn5-clear',
  sshPassword: 'ssh-passphrase-Vb2-clear',
  userPassword: 'user-password-Pm9-clear',
};

/** The lines of a PEM or OpenSSH private key that carry key material. */
function keyMaterial(privateKey: string): string[] {
  return privateKey
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('-----'))
    .map((line) => line.trim());
}

interface Setting {
  id: number;
  key: string;
  value: unknown;
}

describe('Secrets', () => {
  let api: TestApi;
  let admin: string;
  let repositoryId: number;
  let policyId: number;
  let userId: number;
  let settingIds: Map<string, number>;
  const sshKey = generateSshKeyPair('ed25519');

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await api.loginAdmin();

    const repository = await createRepository(api, admin, {
      repository_key: SECRETS.repositoryKey,
    });
    repositoryId = repository.id;
    policyId = (
      await createPolicy(api, admin, {
        repository: repositoryId,
        policy_type: 'mysql',
        extra_vars: { user: 'backup', password: SECRETS.databasePassword },
      })
    ).id;
    userId = (
      await api.post<{ id: number }>(
        '/api/v1/users/',
        { email: 'secret-keeper@example.com', password: SECRETS.userPassword },
        admin,
      )
    ).body.id;

    const settings = await api.get<{ results: Setting[] }>(
      '/api/v1/settings/?page_size=200',
      admin,
    );
    settingIds = new Map(settings.body.results.map((s) => [s.key, s.id]));
    await api.patch(setting('mail_password'), { value: SECRETS.mailPassword }, admin);
    await api.patch(setting('ssh_password'), { value: SECRETS.sshPassword }, admin);
    await api.patch(setting('ssh_key'), { value: sshKey.privateKey }, admin);
  });

  afterAll(() => api.stop());

  function setting(key: string): string {
    return `/api/v1/settings/${settingIds.get(`cyborgbackup_${key}`)}/`;
  }

  function expectNoSecretIn(text: string): void {
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    for (const line of keyMaterial(sshKey.privateKey)) expect(text).not.toContain(line);
    expect(text).not.toMatch(/PRIVATE KEY/);
    expect(text).not.toContain('enc:v1:');
    expect(text).not.toContain('$argon2');
  }

  async function storedValue(sql: string, params: unknown[] = []): Promise<string> {
    const rows = await api.dataSource.query<{ value: string }[]>(sql, params);

    return rows[0].value;
  }

  describe('in API answers', () => {
    it('never appear in any list or detail', async () => {
      const paths = [
        '/api/v1/repositories/',
        `/api/v1/repositories/${repositoryId}/`,
        '/api/v1/policies/',
        `/api/v1/policies/${policyId}/`,
        '/api/v1/users/',
        `/api/v1/users/${userId}/`,
        '/api/v1/me/',
        '/api/v1/clients/',
        '/api/v1/schedules/',
        '/api/v1/settings/?page_size=200',
        setting('mail_password'),
        setting('ssh_password'),
        setting('ssh_key'),
        '/api/v1/settings/get_ssh_publickey/',
        '/api/v1/tokens/',
      ];

      for (const path of paths) {
        const response = await api.get(path, admin);

        expect(response.status).toBe(200);
        expectNoSecretIn(response.text);
      }
    });

    it('are shown as $encrypted$ where they are set', async () => {
      const repository = await api.get<{ repository_key: string }>(
        `/api/v1/repositories/${repositoryId}/`,
        admin,
      );
      const policy = await api.get<{ extra_vars: Record<string, unknown> }>(
        `/api/v1/policies/${policyId}/`,
        admin,
      );

      expect(repository.body.repository_key).toBe('$encrypted$');
      expect(policy.body.extra_vars).toEqual({ user: 'backup', password: '$encrypted$' });
      for (const key of ['mail_password', 'ssh_password', 'ssh_key']) {
        expect((await api.get<Setting>(setting(key), admin)).body.value).toBe('$encrypted$');
      }
    });

    it('never appear in the answers to the writes that set them', async () => {
      const repository = await api.post(
        '/api/v1/repositories/',
        { name: 'echo', path: 'borg@h.example.com:/r', repository_key: SECRETS.repositoryKey },
        admin,
      );
      const policy = await api.patch(
        `/api/v1/policies/${policyId}/`,
        { extra_vars: { user: 'backup', password: SECRETS.databasePassword } },
        admin,
      );
      const mail = await api.patch(
        setting('mail_password'),
        { value: SECRETS.mailPassword },
        admin,
      );
      const key = await api.patch(setting('ssh_key'), { value: sshKey.privateKey }, admin);
      const user = await api.patch(
        `/api/v1/users/${userId}/`,
        { password: SECRETS.userPassword },
        admin,
      );

      for (const response of [repository, policy, mail, key, user]) {
        expect(response.status).toBeLessThan(300);
        expectNoSecretIn(response.text);
      }
    });

    it('cannot be found by filtering or searching', async () => {
      const byKey = await api.get(`/api/v1/repositories/?repository_key=x`, admin);
      const byPassword = await api.get(`/api/v1/users/?password=x`, admin);
      const byValue = await api.get(`/api/v1/settings/?value=x`, admin);
      const search = await api.get<{ count: number }>(
        `/api/v1/repositories/?search=${SECRETS.repositoryKey}`,
        admin,
      );

      expect(byKey.status).toBe(400);
      expect(byPassword.status).toBe(400);
      expect(byValue.status).toBe(400);
      expect(search.body.count).toBe(0);
    });
  });

  describe('in PostgreSQL', () => {
    it('are stored encrypted, the clear value absent', async () => {
      const repositoryKey = await storedValue(
        'SELECT repository_key AS value FROM repositories WHERE id = $1',
        [repositoryId],
      );
      const databasePassword = await storedValue(
        "SELECT extra_vars->>'password' AS value FROM policies WHERE id = $1",
        [policyId],
      );
      const settings = await api.dataSource.query<{ key: string; value: string }[]>(
        "SELECT key, value FROM settings WHERE setting_type IN ('password', 'privatekey')",
      );

      expect(repositoryKey).toMatch(/^enc:v1:/);
      expect(databasePassword).toMatch(/^enc:v1:/);
      expect(settings.map((s) => s.key).sort()).toEqual([
        'cyborgbackup_mail_password',
        'cyborgbackup_ssh_key',
        'cyborgbackup_ssh_password',
      ]);
      for (const row of settings) expect(row.value).toMatch(/^enc:v1:/);
    });

    it('leave no clear copy in any row of any table that holds them', async () => {
      for (const table of ['repositories', 'policies', 'settings', 'users']) {
        const rows = await api.dataSource.query<{ row: string }[]>(
          `SELECT t::text AS row FROM ${table} t`,
        );

        for (const { row } of rows) {
          for (const secret of Object.values(SECRETS)) expect(row).not.toContain(secret);
          for (const line of keyMaterial(sshKey.privateKey)) expect(row).not.toContain(line);
        }
      }
    });

    it('hash user passwords with argon2id', async () => {
      const hash = await storedValue('SELECT password AS value FROM users WHERE id = $1', [userId]);

      expect(hash).toMatch(/^\$argon2id\$/);
    });

    it('are encrypted again with a fresh nonce each time they are set', async () => {
      const before = await storedValue(
        'SELECT repository_key AS value FROM repositories WHERE id = $1',
        [repositoryId],
      );
      await api.patch(
        `/api/v1/repositories/${repositoryId}/`,
        { repository_key: SECRETS.repositoryKey },
        admin,
      );
      const after = await storedValue(
        'SELECT repository_key AS value FROM repositories WHERE id = $1',
        [repositoryId],
      );

      expect(after).toMatch(/^enc:v1:/);
      expect(after).not.toBe(before);
    });
  });

  describe('sent back as $encrypted$ or left out', () => {
    it('keep the stored repository key', async () => {
      const url = `/api/v1/repositories/${repositoryId}/`;
      const sql = 'SELECT repository_key AS value FROM repositories WHERE id = $1';
      const before = await storedValue(sql, [repositoryId]);

      const placeholder = await api.patch(url, { repository_key: '$encrypted$' }, admin);
      const afterPlaceholder = await storedValue(sql, [repositoryId]);
      const current = (await api.get<Record<string, unknown>>(url, admin)).body;
      const put = await api.request('PUT', url, { token: admin, body: current });
      const afterPut = await storedValue(sql, [repositoryId]);
      await api.patch(url, { name: 'Renamed' }, admin);
      const afterRename = await storedValue(sql, [repositoryId]);

      expect(placeholder.status).toBe(200);
      expect(afterPlaceholder).toBe(before);
      expect(put.status).toBe(200);
      expect(afterPut).toBe(before);
      expect(afterRename).toBe(before);
    });

    it('keep the stored password in extra_vars, also when other fields change', async () => {
      const url = `/api/v1/policies/${policyId}/`;
      const sql = "SELECT extra_vars->>'password' AS value FROM policies WHERE id = $1";
      const before = await storedValue(sql, [policyId]);

      await api.patch(url, { extra_vars: { user: 'backup', password: '$encrypted$' } }, admin);
      const afterPlaceholder = await storedValue(sql, [policyId]);
      await api.patch(url, { name: 'Renamed', keep_daily: 3 }, admin);
      const afterRename = await storedValue(sql, [policyId]);
      const current = (await api.get<Record<string, unknown>>(url, admin)).body;
      const put = await api.request('PUT', url, { token: admin, body: current });
      const afterPut = await storedValue(sql, [policyId]);

      expect(afterPlaceholder).toBe(before);
      expect(afterRename).toBe(before);
      expect(put.status).toBe(200);
      expect(afterPut).toBe(before);
    });

    it('are not checked in their encrypted form, so a long password blocks no later edit', async () => {
      const password = 'p'.repeat(1000);
      const policy = await createPolicy(api, admin, {
        policy_type: 'postgresql',
        extra_vars: { database: 'shop', password },
      });
      const url = `/api/v1/policies/${policy.id}/`;

      const renamed = await api.patch(url, { name: 'Long password' }, admin);
      const placeholder = await api.patch(
        url,
        { extra_vars: { database: 'shop', password: '$encrypted$' } },
        admin,
      );
      const stored = await storedValue(
        "SELECT extra_vars->>'password' AS value FROM policies WHERE id = $1",
        [policy.id],
      );

      expect(renamed.status).toBe(200);
      expect(placeholder.status).toBe(200);
      expect(stored).toMatch(/^enc:v1:/);
      expect(stored).not.toContain(password);
    });

    it('keep the stored secret settings', async () => {
      for (const key of ['mail_password', 'ssh_password', 'ssh_key']) {
        const sql = 'SELECT value FROM settings WHERE key = $1';
        const before = await storedValue(sql, [`cyborgbackup_${key}`]);

        const response = await api.patch(setting(key), { value: '$encrypted$' }, admin);

        expect(response.status).toBe(200);
        expect(await storedValue(sql, [`cyborgbackup_${key}`])).toBe(before);
      }
      const shown = await api.get<{ pubkey: string }>('/api/v1/settings/get_ssh_publickey/', admin);

      expect(shown.body.pubkey.split(' ')[1]).toBe(sshKey.publicKey.split(' ')[1]);
    });
  });

  describe("sent as ''", () => {
    it('clear the repository key', async () => {
      const response = await api.patch<{ repository_key: string }>(
        `/api/v1/repositories/${repositoryId}/`,
        { repository_key: '' },
        admin,
      );
      const stored = await storedValue(
        'SELECT repository_key AS value FROM repositories WHERE id = $1',
        [repositoryId],
      );

      expect(response.body.repository_key).toBe('');
      expect(stored).toBe('');
    });

    it('clear the password in extra_vars', async () => {
      const response = await api.patch<{ extra_vars: Record<string, unknown> }>(
        `/api/v1/policies/${policyId}/`,
        { extra_vars: { user: 'backup', password: '' } },
        admin,
      );
      const stored = await storedValue(
        "SELECT extra_vars->>'password' AS value FROM policies WHERE id = $1",
        [policyId],
      );

      expect(response.body.extra_vars).toEqual({ user: 'backup', password: '' });
      expect(stored).toBe('');
    });

    it('clear the secret settings', async () => {
      for (const key of ['mail_password', 'ssh_password', 'ssh_key']) {
        const response = await api.patch<Setting>(setting(key), { value: '' }, admin);
        const stored = await storedValue('SELECT value FROM settings WHERE key = $1', [
          `cyborgbackup_${key}`,
        ]);

        expect(response.status).toBe(200);
        expect(response.body.value).toBe('');
        expect(stored).toBe('');
      }
      expect((await api.get('/api/v1/settings/get_ssh_publickey/', admin)).status).toBe(404);
    });
  });
});
