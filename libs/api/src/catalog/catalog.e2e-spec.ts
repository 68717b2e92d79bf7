import { Readable } from 'node:stream';

import { ingestArchiveListing } from '@cyborg/catalog';
import { createClient, createPolicy, createRepository, TestApi, unique } from '@cyborg/testing';

interface Entry {
  id: number;
  archive: number;
  archive_name: string;
  path: string;
  size: number;
  [field: string]: unknown;
}
interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}
interface Version extends Entry {
  archive_time: string;
  client: number;
  repository: number;
}

const ENTRY_FIELDS = [
  'archive',
  'archive_name',
  'group',
  'healthy',
  'id',
  'job',
  'mode',
  'mtime',
  'owner',
  'path',
  'size',
  'type',
  'url',
];

function item(path: string, fields: Record<string, unknown> = {}): string {
  return `${JSON.stringify({
    type: '-',
    mode: '-rw-r--r--',
    user: 'root',
    group: 'staff',
    path,
    healthy: true,
    mtime: '2024-05-01T10:00:00.000000',
    size: 10,
    ...fields,
  })}\n`;
}

/** An archive of `etc` and `home/alice` with `files` documents; the hosts file's size varies. */
function listing(hostsSize: number, files = 3): string {
  let text = item('etc', { type: 'd' }) + item('etc/hosts', { size: hostsSize });
  text += item('etc/ssh', { type: 'd' }) + item('etc/ssh/sshd_config', { size: 3000 });
  text += item('home', { type: 'd' }) + item('home/alice', { type: 'd' });
  for (let i = 0; i < files; i++) text += item(`home/alice/doc${i}.txt`, { size: i });

  return text;
}

describe('Catalog API', () => {
  let api: TestApi;
  let admin: string;
  let user: string;
  let repository: number;
  let otherRepository: number;
  let client: number;
  let policy: number;
  let jobId: number;
  let monday: number;
  let tuesday: number;
  let elsewhere: number;

  async function ingest(
    archiveName: string,
    text: string,
    target: { repositoryId: number; archiveTime: string; clientId?: number | null },
  ): Promise<number> {
    await ingestArchiveListing(api.dataSource, Readable.from([text]), {
      repositoryId: target.repositoryId,
      clientId: target.clientId === undefined ? client : target.clientId,
      policyId: policy,
      jobId,
      archiveName,
      archiveTime: new Date(target.archiveTime),
    });
    const [{ id }] = await api.dataSource.query<{ id: number }[]>(
      `SELECT id FROM catalog_archives WHERE repository_id = $1 AND name = $2`,
      [target.repositoryId, archiveName],
    );

    return id;
  }

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await api.loginAdmin();
    user = (await api.createUser(admin, { email: `reader-${unique()}@example.com` })).token;
    repository = (await createRepository(api, admin)).id;
    otherRepository = (await createRepository(api, admin)).id;
    client = (await createClient(api, admin)).id;
    policy = (await createPolicy(api, admin, { repository, clients: [client] })).id;
    [{ id: jobId }] = await api.dataSource.query<{ id: number }[]>(
      `INSERT INTO jobs (name, job_type, repository_id) VALUES ('catalog', 'catalog', $1) RETURNING id`,
      [repository],
    );
    monday = await ingest('web-monday', listing(100), {
      repositoryId: repository,
      archiveTime: '2024-05-06T01:00:00Z',
    });
    tuesday = await ingest('web-tuesday', listing(200, 60), {
      repositoryId: repository,
      archiveTime: '2024-05-07T01:00:00Z',
    });
    elsewhere = await ingest(
      'db-monday',
      item('var', { type: 'd' }) + item('var/lib/pg', { type: 'd' }),
      {
        repositoryId: otherRepository,
        archiveTime: '2024-05-06T02:00:00Z',
        clientId: null,
      },
    );
  });

  afterAll(() => api.stop());

  it('are listed in the API index', async () => {
    expect((await api.get('/api/v1/', user)).body).toMatchObject({
      catalogs: '/api/v1/catalogs/',
      escatalogs: '/api/v1/escatalogs/',
      archives: '/api/v1/archives/',
    });
  });

  describe('/api/v1/catalogs/', () => {
    it("lists entries with the original's fields, to any logged-in user", async () => {
      const response = await api.get<Page<Entry>>(
        '/api/v1/catalogs/?archive_name=web-monday&path=etc/hosts',
        user,
      );

      expect(response.status).toBe(200);
      expect(response.body.count).toBe(1);
      const [entry] = response.body.results;
      expect(Object.keys(entry).sort()).toEqual(ENTRY_FIELDS);
      expect(entry).toEqual({
        id: expect.any(Number),
        url: `/api/v1/catalogs/${entry.id}/`,
        archive: monday,
        archive_name: 'web-monday',
        path: 'etc/hosts',
        type: '-',
        job: jobId,
        mode: '-rw-r--r--',
        mtime: '2024-05-01T10:00:00.000Z',
        owner: 'root',
        group: 'staff',
        size: 100,
        healthy: true,
      });
      expect((await api.get('/api/v1/catalogs/')).status).toBe(401);
    });

    it('filters on archive and entry fields together, pages, and projects fields', async () => {
      const page1 = await api.get<Page<Entry>>(
        `/api/v1/catalogs/?repository=${repository}&path__startswith=home/alice/doc&size__gte=5&order_by=-size&page_size=20`,
        admin,
      );
      const page3 = await api.get<Page<Partial<Entry>>>(
        `/api/v1/catalogs/?repository=${repository}&path__startswith=home/alice/doc&size__gte=5&order_by=-size&page_size=20&page=3&fields=path,size`,
        admin,
      );

      expect(page1.body.count).toBe(55);
      expect(page1.body.results[0]).toMatchObject({ archive_name: 'web-tuesday', size: 59 });
      expect(page1.body.next).toContain('page=2');
      expect(page3.body.results).toHaveLength(15);
      expect(page3.body.results[14]).toEqual({ path: 'home/alice/doc5.txt', size: 5 });
    });

    it('counts an unfiltered list from the archives, and 400s unknown filters naming them', async () => {
      const all = await api.get<Page<Entry>>('/api/v1/catalogs/?page_size=2', admin);
      const bad = await api.get('/api/v1/catalogs/?colour=red', admin);

      // web-monday 9, web-tuesday 66, db-monday 3 (var/lib added by the ingest).
      expect(all.body.count).toBe(9 + 66 + 3);
      expect(all.body.results).toHaveLength(2);
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ colour: [expect.stringContaining('Unknown filter')] });
    });

    it('gets one entry by id; ids that name nothing are 404', async () => {
      const listed = await api.get<Page<Entry>>(
        '/api/v1/catalogs/?archive_name=db-monday&path=var/lib/pg',
        admin,
      );
      const id = listed.body.results[0].id;

      expect((await api.get<Entry>(`/api/v1/catalogs/${id}/`, admin)).body).toEqual(
        listed.body.results[0],
      );
      expect((await api.get(`/api/v1/catalogs/${id + 1000}/`, admin)).status).toBe(404);
      expect((await api.get('/api/v1/catalogs/12/', admin)).status).toBe(404);
      expect((await api.get('/api/v1/catalogs/abc/', admin)).status).toBe(404);
    });
  });

  describe('/api/v1/escatalogs/', () => {
    it('searches paths of one archive with a regular expression', async () => {
      const response = await api.get<Page<Entry>>(
        `/api/v1/escatalogs/?archive_name=web-tuesday&path__regexp=${encodeURIComponent('doc5[0-9]\\.txt$')}`,
        user,
      );

      expect(response.status).toBe(200);
      expect(response.body.results.map((e) => e.path).sort()).toEqual(
        Array.from({ length: 10 }, (_, i) => `home/alice/doc5${i}.txt`),
      );
    });

    it.each([
      ['(a)\\1', 'Back-references'],
      ['x'.repeat(300), 'at most'],
      ['a{1,1000}', 'exceed'],
      ['(unclosed', 'Invalid regular expression'],
      // Within the allowed bounds, but PostgreSQL's own guard refuses to compile it.
      ['((x{1,100}){1,100}){1,100}', 'too complex'],
    ])('refuses the pattern %j with 400 naming path__regexp', async (pattern, reason) => {
      const response = await api.get(
        `/api/v1/escatalogs/?path__regexp=${encodeURIComponent(pattern)}`,
        admin,
      );

      expect(response.status).toBe(400);
      expect(response.body).toEqual({ path__regexp: [expect.stringContaining(reason)] });
    });
  });

  describe('/api/v1/archives/', () => {
    it('lists archives per client and policy, newest first', async () => {
      const response = await api.get<Page<Record<string, unknown>>>(
        `/api/v1/archives/?client=${client}&policy=${policy}`,
        user,
      );

      expect(response.status).toBe(200);
      expect(response.body.results.map((a) => a.name)).toEqual(['web-tuesday', 'web-monday']);
      expect(response.body.results[1]).toMatchObject({
        id: monday,
        type: 'archive',
        url: `/api/v1/archives/${monday}/`,
        archive_time: '2024-05-06T01:00:00.000Z',
        entries: 9,
        repository,
        client,
        policy,
        job: jobId,
        related: { browse: `/api/v1/archives/${monday}/browse/` },
      });
      expect((await api.get(`/api/v1/archives/${elsewhere}/`, user)).body).toMatchObject({
        name: 'db-monday',
        client: null,
      });
    });

    it('browses one directory of an archive, the top by default, by name and in pages', async () => {
      const top = await api.get<Page<Entry & { name: string }>>(
        `/api/v1/archives/${tuesday}/browse/`,
        user,
      );
      const alice = await api.get<Page<Entry & { name: string }>>(
        `/api/v1/archives/${tuesday}/browse/?path=/home/alice/&page_size=50&page=2`,
        user,
      );
      // `var/lib` was not listed by borg: the ingest added it so the tree can be walked.
      const varDir = await api.get<Page<Entry>>(
        `/api/v1/archives/${elsewhere}/browse/?path=var`,
        user,
      );

      expect(top.body.results.map((e) => [e.name, e.type])).toEqual([
        ['etc', 'd'],
        ['home', 'd'],
      ]);
      expect(alice.body.count).toBe(60);
      expect(alice.body.results).toHaveLength(10);
      expect(alice.body.previous).toContain('page_size=50');
      expect(alice.body.results[0]).toMatchObject({
        name: 'doc54.txt',
        path: 'home/alice/doc54.txt',
      });
      expect(varDir.body.results.map((e) => e.path)).toEqual(['var/lib']);
    });

    it('answers 404 for an unknown archive and 400 for unknown parameters', async () => {
      expect((await api.get('/api/v1/archives/999999/browse/', user)).status).toBe(404);
      const bad = await api.get(`/api/v1/archives/${tuesday}/browse/?dir=etc`, user);
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ dir: [expect.any(String)] });
      const page = await api.get(`/api/v1/archives/${tuesday}/browse/?page_size=1000`, user);
      expect(page.body).toEqual({ page_size: [expect.any(String)] });
    });

    it('finds every version of a path across archives, newest first, with size and date', async () => {
      const response = await api.get<Page<Version>>('/api/v1/archives/find/?path=/etc/hosts', user);

      expect(response.status).toBe(200);
      expect(response.body.count).toBe(2);
      expect(response.body.results.map((v) => [v.archive_name, v.archive_time, v.size])).toEqual([
        ['web-tuesday', '2024-05-07T01:00:00.000Z', 200],
        ['web-monday', '2024-05-06T01:00:00.000Z', 100],
      ]);
      expect(response.body.results[0]).toMatchObject({ client, repository, archive: tuesday });
    });

    it('finds by pattern or substring, narrowed to a repository or an archive', async () => {
      const pattern = await api.get<Page<Version>>(
        `/api/v1/archives/find/?path__regex=${encodeURIComponent('^(etc|var)/[a-z]+$')}`,
        user,
      );
      const narrowed = await api.get<Page<Version>>(
        `/api/v1/archives/find/?path__contains=doc1&repository=${repository}&archive_name=web-monday`,
        user,
      );
      const other = await api.get<Page<Version>>(
        `/api/v1/archives/find/?path__iregex=SSHD&repository=${otherRepository}`,
        user,
      );

      expect(pattern.body.results.map((v) => `${v.archive_name}:${v.path}`)).toEqual([
        'web-tuesday:etc/hosts',
        'web-tuesday:etc/ssh',
        'db-monday:var/lib',
        'web-monday:etc/hosts',
        'web-monday:etc/ssh',
      ]);
      expect(narrowed.body.results.map((v) => v.path)).toEqual(['home/alice/doc1.txt']);
      expect(other.body.count).toBe(0);
    });

    it('refuses a find without exactly one path criterion, or with a bad one, naming it', async () => {
      const none = await api.get('/api/v1/archives/find/', user);
      const two = await api.get('/api/v1/archives/find/?path=a&path__contains=b', user);
      const unknown = await api.get('/api/v1/archives/find/?path=a&colour=red', user);
      const bad = await api.get('/api/v1/archives/find/?path__regexp=(?=x)', user);

      expect([none.status, two.status, unknown.status, bad.status]).toEqual([400, 400, 400, 400]);
      expect(none.body).toEqual({ path: [expect.any(String)] });
      expect(unknown.body).toEqual({ colour: [expect.any(String)] });
      expect(bad.body).toEqual({ path__regexp: [expect.stringContaining('Look-ahead')] });
    });
  });

  describe('POST /api/v1/repositories/{id}/catalog_import/', () => {
    it('creates a pending catalog job importing existing archives, announced in the outbox', async () => {
      const mark = await api.dataSource.query<{ max: number }[]>(
        'SELECT COALESCE(max(id), 0)::int AS max FROM outbox_messages',
      );
      const response = await api.post<Record<string, unknown>>(
        `/api/v1/repositories/${otherRepository}/catalog_import/`,
        {},
        admin,
      );
      const [job] = await api.dataSource.query<{ extra_vars: unknown }[]>(
        'SELECT extra_vars FROM jobs WHERE id = $1',
        [response.body.id],
      );
      const messages = await api.dataSource.query<{ routing_key: string; payload: unknown }[]>(
        'SELECT routing_key, payload FROM outbox_messages WHERE id > $1',
        [mark[0].max],
      );

      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        type: 'job',
        job_type: 'catalog',
        launch_type: 'manual',
        status: 'pending',
        repository: otherRepository,
        policy: null,
        client: null,
      });
      expect(job.extra_vars).toEqual({ import_existing: true });
      expect(messages).toEqual([
        { routing_key: 'job.created', payload: { jobIds: [response.body.id] } },
      ]);
    });

    it('refuses a second import while one is under way, with 409', async () => {
      const response = await api.post(
        `/api/v1/repositories/${otherRepository}/catalog_import/`,
        {},
        admin,
      );

      expect(response.status).toBe(409);
    });

    it('is for superusers only, on repositories that exist and are enabled', async () => {
      const disabled = (await createRepository(api, admin, { enabled: false })).id;

      expect(
        (await api.post(`/api/v1/repositories/${repository}/catalog_import/`, {}, user)).status,
      ).toBe(403);
      expect(
        (await api.post(`/api/v1/repositories/${repository}/catalog_import/`, {})).status,
      ).toBe(401);
      expect(
        (await api.post('/api/v1/repositories/999999/catalog_import/', {}, admin)).status,
      ).toBe(404);
      expect(
        (await api.post(`/api/v1/repositories/${disabled}/catalog_import/`, {}, admin)).status,
      ).toBe(409);
    });
  });
});
