import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';

import type { DataSource } from 'typeorm';

import { createDataSource } from '@cyborg/database';
import { cloneTestDatabase } from '@cyborg/testing';

import { catalogedArchiveNames, forgetArchives } from './catalog-lifecycle';
import { ingestArchiveListing } from './catalog-ingest';

const BORG_ENV = {
  BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'yes',
  BORG_RELOCATED_REPO_ACCESS_IS_OK: 'yes',
};

/** Runs borg with an argv array; resolves with its stdout. */
function borg(args: string[], env: Record<string, string>, cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('borg', args, { env: { ...process.env, ...env }, cwd });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`borg ${args[0]} failed: ${err}`)),
    );
  });
}

/** `borg list --json-lines` of one archive as a stream, and a promise of borg's success. */
function listing(repo: string, archive: string, env: Record<string, string>) {
  const child = spawn('borg', ['list', '--json-lines', `${repo}::${archive}`], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const done = new Promise<void>((resolve, reject) =>
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`borg exited ${code}`)),
    ),
  );

  return { stdout: child.stdout, done };
}

describe('Catalog ingest and lifecycle (real borg, real PostgreSQL)', () => {
  let dataSource: DataSource;
  let drop: () => Promise<void>;
  let work: string;
  let env: Record<string, string>;
  let repo: string;
  let repositoryId: number;
  let otherRepositoryId: number;
  let jobId: number;

  async function partitions(): Promise<string[]> {
    const rows = await dataSource.query<{ name: string }[]>(
      `SELECT c.relname AS name FROM pg_class c
       WHERE c.relname LIKE 'catalog\\_entries\\_%' AND c.relkind = 'r' ORDER BY 1`,
    );

    return rows.map((r) => r.name);
  }

  beforeAll(async () => {
    const database = await cloneTestDatabase();
    drop = database.drop;
    dataSource = createDataSource(database.url);
    await dataSource.initialize();
    [{ id: repositoryId }, { id: otherRepositoryId }] = await dataSource.query(
      `INSERT INTO repositories (name, path) VALUES ('r1', 'a@b:/r1'), ('r2', 'a@b:/r2') RETURNING id`,
    );
    [{ id: jobId }] = await dataSource.query(
      `INSERT INTO jobs (name, job_type, repository_id) VALUES ('catalog', 'catalog', $1) RETURNING id`,
      [repositoryId],
    );

    work = mkdtempSync(join(tmpdir(), 'cyborg-catalog-'));
    env = { ...BORG_ENV, BORG_BASE_DIR: join(work, 'borg-home') };
    repo = join(work, 'repo');
    const src = join(work, 'src');
    mkdirSync(join(src, 'srv/www/img'), { recursive: true });
    writeFileSync(join(src, 'srv/www/index.html'), '<h1>hello</h1>\n');
    writeFileSync(join(src, 'srv/www/img/logo.png'), Buffer.alloc(1234));
    writeFileSync(join(src, 'srv/www/tab\there'), 'x');
    utimesSync(join(src, 'srv/www/index.html'), 1_700_000_000, 1_700_000_000);
    await borg(['init', '-e', 'none', repo], env);
    // Only srv/www is given: borg stores neither `srv` nor the working directory.
    await borg(['create', `${repo}::first`, 'srv/www'], env, src);
    writeFileSync(join(src, 'srv/www/index.html'), '<h1>hello again</h1>\n');
    await borg(['create', `${repo}::second`, 'srv/www'], env, src);
  }, 120_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await drop?.();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("stores every entry of a real archive with its metadata, and the archive's origin", async () => {
    const { stdout, done } = listing(repo, 'first', env);
    const result = await ingestArchiveListing(
      dataSource,
      stdout,
      {
        repositoryId,
        clientId: null,
        policyId: null,
        jobId,
        archiveName: 'first',
        archiveTime: new Date('2024-05-01T00:00:00Z'),
      },
      { sourceDone: done },
    );
    const rows = await dataSource.query<Record<string, unknown>[]>(
      `SELECT path, parent, type, size::int, mode, owner, healthy, mtime FROM catalog_entries ORDER BY path`,
    );
    const [archive] = await dataSource.query<Record<string, unknown>[]>(
      `SELECT name, job_id, repository_id, entries::int, archive_time FROM catalog_archives`,
    );

    expect(result).toEqual({
      entries: 6,
      seconds: { load: expect.any(Number), index: expect.any(Number), swap: expect.any(Number) },
    });
    expect(rows.map((r) => [r.path, r.parent, r.type])).toEqual([
      ['srv', '', 'd'],
      ['srv/www', 'srv', 'd'],
      ['srv/www/img', 'srv/www', 'd'],
      ['srv/www/img/logo.png', 'srv/www/img', '-'],
      ['srv/www/index.html', 'srv/www', '-'],
      ['srv/www/tab\there', 'srv/www', '-'],
    ]);
    const index = rows.find((r) => r.path === 'srv/www/index.html');
    expect(index).toMatchObject({ size: 15, mode: '-rw-r--r--', healthy: true });
    expect((index?.mtime as Date).toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(archive).toEqual({
      name: 'first',
      job_id: jobId,
      repository_id: repositoryId,
      entries: 6,
      archive_time: new Date('2024-05-01T00:00:00Z'),
    });
  });

  it('replaces the catalog of an archive cataloged again, dropping the old partition', async () => {
    const before = await partitions();
    const { stdout, done } = listing(repo, 'first', env);
    await ingestArchiveListing(
      dataSource,
      stdout,
      { repositoryId, clientId: null, policyId: null, jobId: null, archiveName: 'first' },
      { sourceDone: done },
    );
    const archives = await dataSource.query<{ id: number }[]>(`SELECT id FROM catalog_archives`);
    const [{ count }] = await dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM catalog_entries`,
    );

    expect(archives).toHaveLength(1);
    expect(await partitions()).toEqual([`catalog_entries_${archives[0].id}`]);
    expect(before).not.toEqual(await partitions());
    expect(count).toBe(6);
  });

  it('stores nothing when borg fails, even if its output looked complete', async () => {
    const before = await partitions();
    const failing = Promise.reject(new Error('borg exited 2'));

    await expect(
      ingestArchiveListing(
        dataSource,
        Readable.from([`{"path": "x", "type": "-"}\n`]),
        { repositoryId, clientId: null, policyId: null, jobId: null, archiveName: 'broken' },
        { sourceDone: failing },
      ),
    ).rejects.toThrow('borg exited 2');
    expect(await partitions()).toEqual(before);
    expect(await catalogedArchiveNames(dataSource, repositoryId)).toEqual(new Set(['first']));
  });

  it('stores nothing from a listing that is not borg output', async () => {
    const before = await partitions();

    await expect(
      ingestArchiveListing(dataSource, Readable.from(['{"path": "a"}\n', 'not json\n']), {
        repositoryId,
        clientId: null,
        policyId: null,
        jobId: null,
        archiveName: 'garbage',
      }),
    ).rejects.toThrow(/line 2/);
    expect(await partitions()).toEqual(before);
  });

  it('lists cataloged archive names per repository', async () => {
    const { stdout, done } = listing(repo, 'second', env);
    await ingestArchiveListing(
      dataSource,
      stdout,
      { repositoryId, clientId: null, policyId: null, jobId: null, archiveName: 'second' },
      { sourceDone: done },
    );
    await ingestArchiveListing(dataSource, Readable.from(['{"path": "a", "type": "-"}\n']), {
      repositoryId: otherRepositoryId,
      clientId: null,
      policyId: null,
      jobId: null,
      archiveName: 'first',
    });

    expect(await catalogedArchiveNames(dataSource, repositoryId)).toEqual(
      new Set(['first', 'second']),
    );
    expect(await catalogedArchiveNames(dataSource, otherRepositoryId)).toEqual(new Set(['first']));
  });

  it('forgets pruned archives with their partitions, ignoring names it does not hold', async () => {
    const forgotten = await forgetArchives(dataSource, repositoryId, ['first', 'never-cataloged']);
    const names = await dataSource.query<{ name: string }[]>(
      `SELECT DISTINCT a.name FROM catalog_entries e JOIN catalog_archives a ON a.id = e.archive_id`,
    );

    expect(forgotten).toBe(1);
    expect(await catalogedArchiveNames(dataSource, repositoryId)).toEqual(new Set(['second']));
    expect(names).toEqual(expect.arrayContaining([{ name: 'second' }, { name: 'first' }]));
    expect(await partitions()).toHaveLength(2);
    expect(await forgetArchives(dataSource, repositoryId, [])).toBe(0);
  });

  it('lets a prune drop partitions while another archive is being loaded', async () => {
    const listing = new PassThrough();
    const ingest = ingestArchiveListing(dataSource, listing, {
      repositoryId,
      clientId: null,
      policyId: null,
      jobId: null,
      archiveName: 'third',
    });
    listing.write('{"path": "big", "type": "d"}\n');
    // Wait until the load has its table and is waiting for more of the listing.
    for (let loading = false; !loading;) {
      // Its table is not visible outside its transaction yet; its COPY statement is.
      const rows = await dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND query LIKE 'COPY "catalog\\_entries\\_%'`,
      );
      loading = rows[0].n > 0;
      if (!loading) await new Promise((resolve) => setTimeout(resolve, 20));
    }

    // With the load holding a lock on catalog_entries, this would wait for the listing's end.
    expect(await forgetArchives(dataSource, otherRepositoryId, ['first'])).toBe(1);
    listing.end('{"path": "big/file", "type": "-"}\n');
    expect(await ingest).toMatchObject({ entries: 2 });
    expect(await catalogedArchiveNames(dataSource, repositoryId)).toEqual(
      new Set(['second', 'third']),
    );
  });

  it("drops a repository's partitions when the repository is deleted", async () => {
    await dataSource.query(`DELETE FROM repositories WHERE id = $1`, [repositoryId]);

    expect(await partitions()).toEqual([]);
    expect(await catalogedArchiveNames(dataSource, repositoryId)).toEqual(new Set());
  });
});
