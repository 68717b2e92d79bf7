import { execFileSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import { Client } from 'pg';

import { JobEntity } from '@cyborg/database';
import {
  createPolicy,
  createRepository,
  createSchedule,
  BorgTestbed,
  ensureUser,
  REPOSITORY_USER,
  SshHost,
  TEST_SECRET_KEY,
  TEST_SERVER_URL,
  TestApi,
  unique,
} from '@cyborg/testing';

import type { RunContext, RunOutcome } from '../job-runner';

import { BorgRunner } from './borg.runner';

/**
 * The borg runners against real sshd "hosts" on loopback and real borg: a
 * client logged into as root, a second client for restores, and a repository
 * host where a separate user owns the repositories. The client reaches the
 * repository through the forwarded in-process agent.
 */
jest.setTimeout(120_000);

const PASSPHRASE = 'correct horse; $(battery) `staple`';
const CANARY = `/tmp/cyborg-canary-${process.pid}`;
// For file names, which cannot hold "/": a command that ran would create it in the remote
// shell's working directory (root's home, or the restore destination).
const CANARY_NAME = `cyborg-canary-${process.pid}`;
const CANARY_PLACES = [CANARY, `/root/${CANARY_NAME}`, `/tmp/${CANARY_NAME}`];

interface Ran {
  outcome: RunOutcome;
  lines: string[];
}

describe('borg runners over SSH', () => {
  let api: TestApi;
  let token: string;
  let runner: BorgRunner;
  let clientHost: SshHost;
  let workDir: string;
  let repoDir: string;
  let repositoryId: number;
  let scheduleId: number;
  let clientId: number;
  let secondClientId: number;
  let db: Client;

  let testbed: BorgTestbed;

  function borgAsOwner(args: string[], options: { cwd?: string } = {}): string {
    return testbed.borgAsOwner(args, PASSPHRASE, options);
  }

  function scratch(): string {
    const dir = mkdtempSync(join(workDir, 'x-'));
    chownSync(dir, Number(execFileSync('id', ['-u', REPOSITORY_USER], { encoding: 'utf8' })), 0);

    return dir;
  }

  async function newJob(fields: {
    jobType: string;
    policy?: number | null;
    client?: number | null;
    extraVars?: Record<string, unknown>;
  }): Promise<JobEntity> {
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO jobs (name, job_type, status, policy_id, client_id, repository_id, extra_vars)
       VALUES ($1, $2, 'running', $3, $4, $5, $6) RETURNING id`,
      [
        `test ${fields.jobType}`,
        fields.jobType,
        fields.policy ?? null,
        fields.client ?? null,
        repositoryId,
        JSON.stringify(fields.extraVars ?? {}),
      ],
    );

    return api.dataSource.getRepository(JobEntity).findOneOrFail({
      where: { id: rows[0].id },
      relations: ['policy', 'client', 'repository'],
    });
  }

  async function run(job: JobEntity, signal = new AbortController().signal): Promise<Ran> {
    const lines: string[] = [];
    const context: RunContext = {
      signal,
      emit: (line) => {
        lines.push(line);

        return Promise.resolve();
      },
      markWorkStarted: () => Promise.resolve(),
    };
    const outcome = await runner.run(job, context);

    return { outcome, lines };
  }

  async function runJob(fields: Parameters<typeof newJob>[0]): Promise<Ran & { job: JobEntity }> {
    const job = await newJob(fields);
    const ran = await run(job);
    if (ran.outcome.status !== 'successful') {
      throw new Error(`${fields.jobType} ${ran.outcome.explanation}\n${ran.lines.join('\n')}`);
    }
    // What the executor does once a runner returns.
    await db.query(`UPDATE jobs SET status = 'successful', finished = now() WHERE id = $1`, [
      job.id,
    ]);

    return { ...ran, job };
  }

  async function policy(
    policyType: string,
    extraVars: Record<string, unknown>,
    more: Record<string, unknown> = {},
  ) {
    return (
      await createPolicy(api, token, {
        policy_type: policyType,
        extra_vars: extraVars,
        repository: repositoryId,
        schedule: scheduleId,
        clients: [clientId],
        ...more,
      })
    ).id;
  }

  async function backup(policyId: number): Promise<string> {
    const { job } = await runJob({ jobType: 'job', policy: policyId, client: clientId });
    const { rows } = await db.query<{ archive_name: string }>(
      'SELECT archive_name FROM jobs WHERE id = $1',
      [job.id],
    );

    return rows[0].archive_name;
  }

  beforeAll(async () => {
    api = await TestApi.start();
    token = await api.loginAdmin();
    db = new Client({ connectionString: api.config.databaseUrl });
    await db.connect();
    runner = new BorgRunner(api.dataSource, TEST_SECRET_KEY);
    const key = await api.post<{ pubkey: string }>(
      '/api/v1/settings/generate_ssh/',
      { type: 'ed25519' },
      token,
    );
    expect(key.status).toBe(201);
    testbed = await BorgTestbed.start();
    testbed.authorize(key.body.pubkey);
    ({ client: clientHost, workDir, repositoryDir: repoDir } = testbed);
    scheduleId = (await createSchedule(api, token)).id;
    repositoryId = (
      await createRepository(api, token, {
        path: testbed.repositoryPath('main'),
        repository_key: PASSPHRASE,
      })
    ).id;
    clientId = (
      await api.post<{ id: number }>(
        '/api/v1/clients/',
        { hostname: '127.0.0.2', port: clientHost.port },
        token,
      )
    ).body.id;
    secondClientId = (
      await api.post<{ id: number }>(
        '/api/v1/clients/',
        { hostname: '127.0.0.3', port: testbed.secondClient.port },
        token,
      )
    ).body.id;
    rmSync(CANARY, { force: true });
  });

  afterAll(async () => {
    await testbed?.stop();
    await db?.end();
    await api?.stop();
  });

  afterEach(() => {
    for (const place of CANARY_PLACES) expect(existsSync(place)).toBe(false);
    expect(execFileSync('find', [workDir, '-name', CANARY_NAME], { encoding: 'utf8' })).toBe('');
  });

  it('prepares the repository and the client', async () => {
    const repository = await runJob({ jobType: 'prepare_repository' });
    expect(repository.outcome.explanation).toContain('is ready');
    expect(existsSync(join(repoDir, 'main', 'config'))).toBe(true);
    // Initialised with repokey: the key lives in the repository, under the passphrase.
    expect(borgAsOwner(['info', '--json', join(repoDir, 'main')])).toContain('"mode": "repokey');

    const again = await runJob({ jobType: 'prepare_repository' });
    expect(again.lines.join('\n')).toContain('already initialised');

    await runJob({ jobType: 'prepare_client', client: clientId });
    await runJob({ jobType: 'prepare_client', client: secondClientId });
    const { rows } = await db.query('SELECT ip, version, ready FROM clients WHERE id = $1', [
      clientId,
    ]);
    expect(rows[0]).toEqual({
      ip: '127.0.0.2',
      version: expect.stringMatching(/^1\.\d+\.\d+/),
      ready: true,
    });
    const repositories = await db.query<{ ready: boolean }>(
      'SELECT ready FROM repositories WHERE id = $1',
      [repositoryId],
    );
    expect(repositories.rows[0].ready).toBe(true);
  });

  it('backs up folders, skipping excludes, and records sizes; hostile names are taken literally', async () => {
    const source = join(workDir, 'source folder');
    const hostileNames = [
      `; touch ${CANARY_NAME}`,
      `$(touch ${CANARY_NAME})`,
      `\`touch ${CANARY_NAME}\``,
      'it\'s "quoted"',
      'new\nline',
      '--help',
    ];
    mkdirSync(join(source, 'sub'), { recursive: true });
    writeFileSync(join(source, 'a.txt'), 'alpha\n');
    writeFileSync(join(source, 'sub', 'b.bin'), Buffer.alloc(100_000, 7));
    writeFileSync(join(source, 'skip.log'), 'excluded');
    for (const name of hostileNames) writeFileSync(join(source, name), name);
    const hostileFolder = join(workDir, '$(touch ' + CANARY + ')');
    mkdirSync(hostileFolder, { recursive: true });
    writeFileSync(join(hostileFolder, 'inside'), 'x');

    const policyId = await policy('folders', {
      folders: [source, hostileFolder, `${workDir}/missing; touch ${CANARY}`],
      exclude: ['*.log', `--exclude=; touch ${CANARY}`.slice(2)],
    });
    const job = await newJob({ jobType: 'job', policy: policyId, client: clientId });
    const ran = await run(job);
    // The missing folder is a warning from borg, not an error.
    expect(ran.outcome).toMatchObject({ status: 'successful' });
    expect(ran.outcome.explanation).toContain('warnings');
    const { rows } = await db.query<Record<string, string>>(
      'SELECT archive_name, original_size, deduplicated_size FROM jobs WHERE id = $1',
      [job.id],
    );
    expect(rows[0].archive_name).toMatch(/^folders-127\.0\.0\.2-\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d$/);
    expect(Number(rows[0].original_size)).toBeGreaterThan(100_000);
    expect(Number(rows[0].deduplicated_size)).toBeGreaterThan(0);
    const repository = await db.query<{ original_size: string }>(
      'SELECT original_size FROM repositories WHERE id = $1',
      [repositoryId],
    );
    expect(Number(repository.rows[0].original_size)).toBeGreaterThan(100_000);

    const out = scratch();
    borgAsOwner(['extract', `${repoDir}/main::${rows[0].archive_name}`], { cwd: out });
    rmSync(join(source, 'skip.log'));
    execFileSync('diff', ['-r', source, join(out, source.slice(1))]);
    expect(readFileSync(join(out, hostileFolder.slice(1), 'inside'), 'utf8')).toBe('x');
  });

  it('backs up a PostgreSQL database as a dump equal to a fresh one', async () => {
    const name = `cyborg_dump_${unique().replace(/-/g, '_')}`;
    const admin = new Client({ connectionString: `${TEST_SERVER_URL}/postgres` });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const target = new Client({ connectionString: `${TEST_SERVER_URL}/${name}` });
    await target.connect();
    await target.query(
      `CREATE TABLE t (id int, note text); INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 500) g`,
    );
    await target.end();
    try {
      const policyId = await policy('postgresql', {
        database: name,
        host: '127.0.0.1',
        user: 'postgres',
        password: 'unused; $(touch ' + CANARY + ')',
      });
      const archive = await backup(policyId);
      const out = scratch();
      const dumped = borgAsOwner(['extract', '--stdout', `${repoDir}/main::${archive}`], {
        cwd: out,
      });
      const fresh = execFileSync(
        'pg_dump',
        ['--create', '-h', '127.0.0.1', '-U', 'postgres', name],
        { encoding: 'utf8' },
      );
      // pg_dump guards its output with a random \restrict key, different on every run.
      const stable = (dump: string) => dump.replace(/^\\(un)?restrict \S+$/gm, '\\restrict KEY');
      expect(stable(dumped)).toBe(stable(fresh));
      expect(dumped).toContain('row 500');
    } finally {
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('backs up a MariaDB database as a dump equal to a fresh one', async () => {
    const name = `cyborg_dump_${unique().replace(/-/g, '_')}`;
    const sql = (statement: string) =>
      execFileSync('mariadb', ['-e', statement], { encoding: 'utf8' });
    sql(
      `CREATE DATABASE ${name}; CREATE TABLE ${name}.t (id int, note text); INSERT INTO ${name}.t VALUES (1, 'one'), (2, 'two; $(x)')`,
    );
    try {
      const policyId = await policy('mysql', { databases: [name] });
      const archive = await backup(policyId);
      const out = scratch();
      const dumped = borgAsOwner(['extract', '--stdout', `${repoDir}/main::${archive}`], {
        cwd: out,
      });
      const fresh = execFileSync(
        'mysqldump',
        [
          '--single-transaction',
          '--routines',
          '--events',
          '--triggers',
          '--skip-dump-date',
          '--databases',
          name,
        ],
        { encoding: 'utf8' },
      );
      expect(dumped).toBe(fresh);
      expect(dumped).toContain("'two; $(x)'");
    } finally {
      sql(`DROP DATABASE ${name}`);
    }
  });

  it('backs up the output of a piped command, and a database name that is hostile passes literally', async () => {
    const policyId = await policy('piped', {
      command: "printf 'first line\\n'; seq 1 1000",
      filename: 'numbers.txt',
    });
    const archive = await backup(policyId);
    const out = scratch();
    const content = borgAsOwner(
      ['extract', '--stdout', `${repoDir}/main::${archive}`, 'numbers.txt'],
      { cwd: out },
    );
    expect(content).toBe(
      `first line\n${Array.from({ length: 1000 }, (_, i) => i + 1).join('\n')}\n`,
    );

    const hostile = await policy('mysql', {
      databases: [`x; touch ${CANARY}`, `$(touch ${CANARY})`],
    });
    const failed = await run(await newJob({ jobType: 'job', policy: hostile, client: clientId }));
    expect(failed.outcome.status).toBe('failed');
    expect(failed.lines.join('\n')).toContain(`Unknown database 'x; touch ${CANARY}'`);
  });

  it('pull mode: borg on the repository host reads the client over SSH, files and dumps', async () => {
    const source = join(workDir, 'pulled');
    mkdirSync(join(source, 'deep', 'er'), { recursive: true });
    writeFileSync(join(source, 'deep', 'er', 'file'), 'pulled through tar\n');
    writeFileSync(join(source, `odd $(touch ${CANARY_NAME}) 'name'`), 'odd');
    writeFileSync(join(source, 'skip.tmp'), 'excluded');
    const files = await policy(
      'folders',
      { folders: [source], exclude: ['*.tmp'] },
      { mode_pull: true },
    );
    const archive = await backup(files);
    const out = scratch();
    borgAsOwner(['extract', `${repoDir}/main::${archive}`], { cwd: out });
    rmSync(join(source, 'skip.tmp'));
    execFileSync('diff', ['-r', source, join(out, source.slice(1))]);

    const name = `cyborg_pull_${unique().replace(/-/g, '_')}`;
    execFileSync('mariadb', [
      '-e',
      `CREATE DATABASE ${name}; CREATE TABLE ${name}.t (v text); INSERT INTO ${name}.t VALUES ('pulled')`,
    ]);
    try {
      const dumpArchive = await backup(
        await policy('mysql', { databases: [name] }, { mode_pull: true }),
      );
      const dumped = borgAsOwner(['extract', '--stdout', `${repoDir}/main::${dumpArchive}`], {
        cwd: out,
      });
      expect(dumped).toContain("('pulled')");
    } finally {
      execFileSync('mariadb', ['-e', `DROP DATABASE ${name}`]);
    }
  });

  it('logs in as a user other than root and runs borg through sudo', async () => {
    const user = 'cyborgbackup';
    ensureUser(user);
    writeFileSync(`/etc/sudoers.d/${user}-test`, `${user} ALL=(root) NOPASSWD: ALL\n`, {
      mode: 0o440,
    });
    await db.query(`UPDATE settings SET value = $1 WHERE key = 'cyborgbackup_backup_user'`, [user]);
    try {
      const source = join(workDir, 'root-only');
      mkdirSync(source, { mode: 0o700 });
      writeFileSync(join(source, 'secret'), 'only root reads this', { mode: 0o600 });
      const archive = await backup(await policy('folders', { folders: [source] }));
      const out = scratch();
      borgAsOwner(['extract', `${repoDir}/main::${archive}`], { cwd: out });
      expect(readFileSync(join(out, source.slice(1), 'secret'), 'utf8')).toBe(
        'only root reads this',
      );
    } finally {
      await db.query(`UPDATE settings SET value = 'root' WHERE key = 'cyborgbackup_backup_user'`);
      rmSync(`/etc/sudoers.d/${user}-test`, { force: true });
    }
  });

  it('runs hooks: a failing pre-hook stops the backup, the post-hook runs anyway', async () => {
    const marker = join(workDir, 'posthook-ran');
    const policyId = await policy(
      'folders',
      { folders: [workDir] },
      // Hooks run exactly as the operator wrote them, once: the quoted $( ) stays text.
      {
        prehook: `echo preparing; echo '$(touch ${CANARY})'; exit 3`,
        posthook: `touch '${marker}'`,
      },
    );
    const ran = await run(await newJob({ jobType: 'job', policy: policyId, client: clientId }));
    expect(ran.outcome).toEqual({
      status: 'failed',
      explanation: 'The pre-hook exited with code 3; borg did not run.',
    });
    expect(ran.lines).toEqual(expect.arrayContaining(['preparing', `$(touch ${CANARY})`]));
    expect(existsSync(marker)).toBe(true);
  });

  it('refuses hostile host names and repository locations before anything runs', async () => {
    for (const hostname of [
      `x; touch ${CANARY}`,
      `$(touch ${CANARY})`,
      '`id`',
      '-oProxyCommand=x',
      'a\nb',
    ]) {
      const response = await api.post<Record<string, string[]>>(
        '/api/v1/clients/',
        { hostname },
        token,
      );
      expect(response.status).toBe(400);
      expect(response.body).toHaveProperty('hostname');
    }
    for (const path of [
      `ssh://u@h;touch ${CANARY}/x`,
      `u@$(touch ${CANARY}):/x`,
      '-oProxyCommand=x@h:/x',
    ]) {
      const response = await api.post<Record<string, string[]>>(
        '/api/v1/repositories/',
        { name: 'r', path },
        token,
      );
      expect(response.status).toBe(400);
      expect(response.body).toHaveProperty('path');
    }
  });

  it('prunes to exactly the archives the keep rules imply, then compacts', async () => {
    const policyId = await policy('config', {}, { keep_daily: 3, keep_monthly: 2 });
    const source = join(workDir, 'tiny');
    mkdirSync(source, { recursive: true });
    writeFileSync(join(source, 'f'), 'f');
    // One archive a day from 2026-01-25 to 2026-03-05 at noon, plus a second one on 2026-03-05.
    const made: string[] = [];
    for (
      let day = new Date('2026-01-25T12:00:00Z');
      day <= new Date('2026-03-05T12:00:00Z');
      day = new Date(day.getTime() + 86_400_000)
    ) {
      const name = `config-127.0.0.2-${day.toISOString().slice(0, 19).replace('T', '_').replace(/:/g, '-')}`;
      borgAsOwner(
        [
          'create',
          '--timestamp',
          day.toISOString().slice(0, 19),
          `${repoDir}/main::${name}`,
          source,
        ],
        { cwd: workDir },
      );
      made.push(name);
    }
    // An archive of another client whose name shares the prefix: prune must leave it alone.
    borgAsOwner(['create', `${repoDir}/main::config-127.0.0.2-extra-2026-01-01_00-00-00`, source]);

    const ran = await runJob({ jobType: 'prune', policy: policyId, client: clientId });
    const left = borgAsOwner(['list', '--short', '--glob-archives', 'config-*', `${repoDir}/main`])
      .trim()
      .split('\n')
      .sort();
    // keep_daily 3: Mar 5, 4, 3. keep_monthly 2, from what is left: the last of February, the last of January.
    expect(left).toEqual([
      'config-127.0.0.2-2026-01-31_12-00-00',
      'config-127.0.0.2-2026-02-28_12-00-00',
      'config-127.0.0.2-2026-03-03_12-00-00',
      'config-127.0.0.2-2026-03-04_12-00-00',
      'config-127.0.0.2-2026-03-05_12-00-00',
      'config-127.0.0.2-extra-2026-01-01_00-00-00',
    ]);
    expect(ran.outcome.explanation).toBe(
      `Pruned ${made.length - 5} archives, kept 5; space compacted.`,
    );
  });

  it('restores onto a second client, with an item list, dry run, and hostile items passed literally', async () => {
    const source = join(workDir, 'restore-source');
    mkdirSync(join(source, 'keep'), { recursive: true });
    writeFileSync(join(source, 'keep', 'one'), '1');
    writeFileSync(join(source, 'keep', `two $(touch ${CANARY_NAME})`), '2');
    writeFileSync(join(source, 'other'), 'not restored');
    const archive = await backup(await policy('folders', { folders: [source] }));
    const destination = join(workDir, `restored into; $(touch ${CANARY})`);

    const dry = await runJob({
      jobType: 'restore',
      client: secondClientId,
      extraVars: {
        archive_name: archive,
        dest_folder: destination,
        item: `${source.slice(1)}/keep`,
        dry_run: true,
      },
    });
    expect(dry.outcome.explanation).toContain('Dry run');
    expect(existsSync(join(destination, source.slice(1)))).toBe(false);

    await runJob({
      jobType: 'restore',
      client: secondClientId,
      extraVars: {
        archive_name: archive,
        dest_folder: destination,
        item: [`${source.slice(1)}/keep`, `--foo; touch ${CANARY}`],
      },
    }).catch((error: Error) => expect(error.message).toContain('never matched'));
    await runJob({
      jobType: 'restore',
      client: secondClientId,
      extraVars: {
        archive_name: archive,
        dest_folder: destination,
        item: `${source.slice(1)}/keep`,
      },
    });
    execFileSync('diff', ['-r', join(source, 'keep'), join(destination, source.slice(1), 'keep')]);
    expect(existsSync(join(destination, source.slice(1), 'other'))).toBe(false);
  });

  it('POST /api/v1/restore/ checks its fields and makes a restore job that runs on the destination', async () => {
    const source = join(workDir, 'api-restore');
    mkdirSync(source, { recursive: true });
    writeFileSync(join(source, 'data'), 'restored through the API');
    const archive = await backup(await policy('folders', { folders: [source] }));
    const bad = await api.post<Record<string, string[]>>(
      '/api/v1/restore/',
      { archive_name: archive, destination: 'no-such-client', dest_folder: 'relative', item: [1] },
      token,
    );
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body).sort()).toEqual(['dest_folder', 'destination', 'item[0]']);

    const destination = join(workDir, 'api-restored');
    const made = await api.post<{ id: number; job_type: string; client: number }>(
      '/api/v1/restore/',
      { archive_name: archive, destination: '127.0.0.3', dest_folder: destination },
      token,
    );
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ job_type: 'restore', client: secondClientId });
    await db.query(`UPDATE jobs SET status = 'running' WHERE id = $1`, [made.body.id]);
    const job = await api.dataSource.getRepository(JobEntity).findOneOrFail({
      where: { id: made.body.id },
      relations: ['policy', 'client', 'repository'],
    });
    const ran = await run(job);
    expect(ran.outcome.status).toBe('successful');
    expect(readFileSync(join(destination, source.slice(1), 'data'), 'utf8')).toBe(
      'restored through the API',
    );
  });

  it('restore test: passes on an intact archive, reports changed and removed files', async () => {
    const source = join(workDir, 'tested');
    mkdirSync(source, { recursive: true });
    for (let i = 0; i < 10; i++) writeFileSync(join(source, `file-${i}`), `content ${i}\n`);
    const policyId = await policy('folders', { folders: [source] });
    await backup(policyId);
    const intact = await runJob({
      jobType: 'check',
      policy: policyId,
      client: clientId,
      extraVars: { restore_test: true },
    });
    expect(intact.outcome.explanation).toBe(
      'Restore test: 10 files extracted and identical to the source.',
    );

    writeFileSync(join(source, 'file-3'), 'changed\n');
    rmSync(join(source, 'file-7'));
    const ran = await run(
      await newJob({
        jobType: 'check',
        policy: policyId,
        client: clientId,
        extraVars: { restore_test: true },
      }),
    );
    expect(ran.outcome).toEqual({
      status: 'failed',
      explanation: `Restore test: 10 files compared; changed: ${source}/file-3; removed: ${source}/file-7.`,
    });
  });

  it('asks a client live which databases it has, and lists the VM providers', async () => {
    const name = `cyborg_probe_${unique().replace(/-/g, '_')}`;
    execFileSync('mariadb', ['-e', `CREATE DATABASE ${name}`]);
    const admin = new Client({ connectionString: `${TEST_SERVER_URL}/postgres` });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const mysql = await api.get<{ results: string[] }>(
        `/api/v1/policies/module/mysql/${clientId}/`,
        token,
      );
      expect(mysql.status).toBe(200);
      expect(mysql.body.results).toContain(name);
      const postgresql = await api.post<{ results: string[] }>(
        `/api/v1/policies/module/postgresql/${clientId}/`,
        { host: '127.0.0.1', user: 'postgres' },
        token,
      );
      expect(postgresql.status).toBe(200);
      expect(postgresql.body.results).toContain(name);
      const hostile = await api.post<Record<string, string[]>>(
        `/api/v1/policies/module/postgresql/${clientId}/`,
        { host: `x; touch ${CANARY}`, user: `-U${CANARY}` },
        token,
      );
      expect(hostile.status).toBe(400);
      expect(Object.keys(hostile.body).sort()).toEqual(['host', 'user']);
      const unknown = await api.get<Record<string, string[]>>(
        `/api/v1/policies/module/oracle/${clientId}/`,
        token,
      );
      expect(unknown.status).toBe(400);
      expect(unknown.body).toHaveProperty('module');
      const providers = await api.get<{ results: { name: string; type: string }[] }>(
        '/api/v1/policies/vmmodule/',
        token,
      );
      expect(providers.body.results.map((p) => [p.name, p.type])).toEqual([
        ['proxmox', 'proxmox'],
        ['libvirt', 'vm'],
      ]);
    } finally {
      execFileSync('mariadb', ['-e', `DROP DATABASE ${name}`]);
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('checks the repository with borg check', async () => {
    const ran = await runJob({ jobType: 'check' });
    expect(ran.outcome.explanation).toBe('The repository and its archives are consistent.');
  });

  it('fails a job on a changed host key, naming the host, until the new key is accepted', async () => {
    const policyId = await policy('folders', { folders: [workDir + '/tiny'] });
    await clientHost.changeHostKey();
    const ran = await run(await newJob({ jobType: 'job', policy: policyId, client: clientId }));
    expect(ran.outcome.status).toBe('failed');
    expect(ran.outcome.explanation).toContain(
      `The SSH host key of 127.0.0.2 port ${clientHost.port} has changed`,
    );
    const listed = await api.get<{ results: Record<string, unknown>[] }>(
      '/api/v1/known_hosts/',
      token,
    );
    const entry = listed.body.results.find((k) => k.host === '127.0.0.2');
    expect(entry).toMatchObject({
      port: clientHost.port,
      pending_fingerprint: expect.stringMatching(/^SHA256:/),
    });
    const accepted = await api.post<Record<string, unknown>>(
      `/api/v1/known_hosts/${String(entry?.id)}/accept/`,
      {},
      token,
    );
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      fingerprint: entry?.pending_fingerprint,
      pending_fingerprint: null,
    });
    await backup(policyId);
  });

  it('stops the remote borg when the job is canceled', async () => {
    const marker = `cyborg-cancel-${process.pid}`;
    const policyId = await policy('piped', { command: `sleep 300; echo ${marker}` });
    const controller = new AbortController();
    const job = await newJob({ jobType: 'job', policy: policyId, client: clientId });
    const running = run(job, controller.signal).catch((error: Error) => error);
    for (
      let i = 0;
      i < 100 &&
      !execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).includes(
        `sleep 300; echo ${marker}`,
      );
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    controller.abort(new Error('canceled'));
    await running;
    let alive = true;
    for (let i = 0; i < 50 && alive; i++) {
      alive = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).includes(
        `sleep 300; echo ${marker}`,
      );
      if (alive) await new Promise((r) => setTimeout(r, 100));
    }
    expect(alive).toBe(false);
  });

  it('catalogs a backup, imports archives made outside, and forgets what prune removes', async () => {
    const source = join(workDir, 'cataloged');
    mkdirSync(join(source, 'sub'), { recursive: true });
    for (let i = 0; i < 25; i++) writeFileSync(join(source, 'sub', `file ${i}`), String(i));
    const policyId = await policy('folders', { folders: [source] });
    const { job: backupJob } = await runJob({ jobType: 'job', policy: policyId, client: clientId });
    const archive = (
      await db.query<{ archive_name: string }>('SELECT archive_name FROM jobs WHERE id = $1', [
        backupJob.id,
      ])
    ).rows[0].archive_name;
    const catalogJob = await newJob({ jobType: 'catalog', policy: policyId, client: clientId });
    await db.query('INSERT INTO job_dependencies (job_id, depends_on_id) VALUES ($1, $2)', [
      catalogJob.id,
      backupJob.id,
    ]);
    const cataloged = await run(catalogJob);
    // The 25 files, sub, the folder itself and each parent folder up to /.
    const entries = 27 + source.split('/').length - 2;
    expect(cataloged.outcome).toEqual({
      status: 'successful',
      explanation: `Catalog of ${archive}: ${entries} entries stored.`,
    });
    const found = await api.get<{
      count: number;
      results: { path: string; archive_name: string }[];
    }>(
      `/api/v1/catalogs/?archive_name=${encodeURIComponent(archive)}&path=${encodeURIComponent(`${source.slice(1)}/sub/file 7`)}`,
      token,
    );
    expect(found.body.count).toBe(1);

    // Archives made by hand, outside the system: two old piped ones.
    const old = ['piped-127.0.0.2-2025-01-01_00-00-00', 'piped-127.0.0.2-2025-01-02_00-00-00'];
    for (const [index, name] of old.entries()) {
      borgAsOwner(
        [
          'create',
          '--timestamp',
          `2025-01-0${index + 1}T00:00:00`,
          `${repoDir}/main::${name}`,
          source,
        ],
        {
          cwd: workDir,
        },
      );
    }
    const launched = await api.post<{ id: number; job_type: string }>(
      `/api/v1/repositories/${repositoryId}/catalog_import/`,
      {},
      token,
    );
    expect(launched.status).toBe(201);
    await db.query(`UPDATE jobs SET status = 'running' WHERE id = $1`, [launched.body.id]);
    const importJob = await api.dataSource.getRepository(JobEntity).findOneOrFail({
      where: { id: launched.body.id },
      relations: ['policy', 'client', 'repository'],
    });
    const imported = await run(importJob);
    expect(imported.outcome.status).toBe('successful');
    expect(imported.outcome.explanation).toMatch(
      /^Imported the catalog of \d+ archives: \d+ entries\.$/,
    );
    const names = async () =>
      (await db.query<{ name: string }>('SELECT name FROM catalog_archives')).rows.map(
        (r) => r.name,
      );
    expect(await names()).toEqual(expect.arrayContaining([archive, ...old]));
    const again = await run(
      await newJob({ jobType: 'catalog', extraVars: { import_existing: true } }),
    );
    expect(again.outcome.explanation).toBe('Imported the catalog of 0 archives: 0 entries.');

    const piped = await policy('piped', { command: 'echo x' }, { keep_daily: 1 });
    const pruned = await runJob({ jobType: 'prune', policy: piped, client: clientId });
    expect(pruned.lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Removed \d+ pruned archives from the catalog\.$/),
      ]),
    );
    const left = await names();
    expect(left).not.toEqual(expect.arrayContaining([old[0]]));
    expect(left).not.toContain(old[1]);
    expect(left).toContain(archive);
  });
});
