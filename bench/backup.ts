// Overhead of the system around borg: the wall time of a backup launched
// through the API (launch request to the job reported successful), beside the
// same `borg create` run by hand over ssh on the same data, from the same
// client to the same kind of repository. Everything runs on this machine:
// sshd "hosts" on loopback, the whole system in one process (all-in-one from
// dist/; the npm script builds first). Two rounds: a full backup into fresh
// repositories, then an incremental one. Prints one JSON object last.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Client } from 'pg';

import { generateSshKeyPair, SecretBox } from '@cyborg/crypto';
import {
  BorgTestbed,
  freePort,
  ServiceProcess,
  TEST_SECRET_KEY,
  TestVhost,
  waitFor,
} from '@cyborg/testing';

import { benchDatabase } from './bench-database';

const FILES = Number(process.env.BENCH_BACKUP_FILES ?? 2_000);
const FILE_BYTES = Number(process.env.BENCH_BACKUP_FILE_BYTES ?? 32 * 1024);
const PASSPHRASE = 'bench passphrase';
const ADMIN_PASSWORD = 'bench-admin-password';

async function main(): Promise<void> {
  const database = benchDatabase();
  const databaseUrl = database.url;
  await database.prepare();
  const vhost = await TestVhost.create();
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const testbed = await BorgTestbed.start();
  let service: ServiceProcess | null = null;
  try {
    // The system key, made here so that the by-hand run can use it too.
    const key = generateSshKeyPair('ed25519');
    const box = new SecretBox(TEST_SECRET_KEY);
    await db.query(`UPDATE settings SET value = $1 WHERE key = 'cyborgbackup_ssh_key'`, [
      box.encrypt(key.privateKey),
    ]);
    await db.query(`UPDATE settings SET value = 'false'
      WHERE key IN ('cyborgbackup_catalog_enabled', 'cyborgbackup_auto_prune')`);
    testbed.authorize(key.publicKey);
    const keyFile = join(testbed.workDir, 'bench_key');
    writeFileSync(keyFile, key.privateKey, { mode: 0o600 });

    const source = join(testbed.workDir, 'source');
    mkdirSync(source);
    for (let i = 0; i < FILES; i++) {
      const dir = join(source, `d${i % 50}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `f${i}`), randomBytes(FILE_BYTES));
    }
    chmodSync(source, 0o755);
    execFileSync('sh', ['-c', `tar -cf - ${JSON.stringify(source)} > /dev/null`]);

    for (const repo of ['api', 'manual']) {
      testbed.borgAsOwner(
        ['init', '--encryption=repokey', `${testbed.repositoryDir}/${repo}`],
        PASSPHRASE,
      );
    }
    const port = await freePort();
    service = await ServiceProcess.start('all-in-one', {
      DATABASE_URL: databaseUrl,
      AMQP_URL: vhost.url,
      SECRET_KEY: TEST_SECRET_KEY,
      CYBORG_ADMIN_PASSWORD: ADMIN_PASSWORD,
      PORT: String(port),
      LOG_LEVEL: 'log',
    });
    await waitFor(
      'the API',
      async () =>
        (await fetch(`http://127.0.0.1:${port}/api/v1/ping/`).catch(() => null))?.ok ?? false,
      60_000,
    );
    const api = `http://127.0.0.1:${port}`;
    const login = await fetch(`${api}/api/token/obtain/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@cyborg.local', password: ADMIN_PASSWORD }),
    });
    const token = ((await login.json()) as { access: string }).access;
    const post = async (path: string, body: unknown): Promise<{ id: number }> => {
      const response = await fetch(`${api}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.status !== 201)
        throw new Error(`${path}: ${response.status} ${await response.text()}`);

      return (await response.json()) as { id: number };
    };
    const schedule = await post('/api/v1/schedules/', { name: 'bench', crontab: '0 3 * * *' });
    const repository = await post('/api/v1/repositories/', {
      name: 'bench',
      path: testbed.repositoryPath('api'),
      repository_key: PASSPHRASE,
    });
    const client = await post('/api/v1/clients/', {
      hostname: '127.0.0.2',
      port: testbed.client.port,
    });
    // Both initialised above: the measured launches are backups only, like the by-hand runs.
    await db.query('UPDATE repositories SET ready = true WHERE id = $1', [repository.id]);
    await db.query('UPDATE clients SET ready = true WHERE id = $1', [client.id]);
    const policy = await post('/api/v1/policies/', {
      name: 'bench',
      policy_type: 'folders',
      extra_vars: { folders: [source] },
      schedule: schedule.id,
      repository: repository.id,
      clients: [client.id],
    });

    const viaApi = async (): Promise<number> => {
      const started = performance.now();
      await post(`/api/v1/policies/${policy.id}/launch/`, {});
      const status = await waitFor(
        'the backup',
        async () => {
          const { rows } = await db.query<{ status: string; job_explanation: string }>(
            `SELECT status, job_explanation FROM jobs WHERE job_type = 'job' ORDER BY id DESC LIMIT 1`,
          );
          const row = rows[0];

          return row && !['new', 'pending', 'waiting', 'running'].includes(row.status) ? row : null;
        },
        30 * 60_000,
        20,
      );
      if (status.status !== 'successful')
        throw new Error(`API backup ${status.status}: ${status.job_explanation}`);

      return performance.now() - started;
    };
    let manualRound = 0;
    const byHand = (): number => {
      manualRound++;
      const started = performance.now();
      const remote =
        `BORG_PASSPHRASE='${PASSPHRASE}' BORG_RSH='ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null' ` +
        `borg create --json --compression lz4 ${testbed.repositoryPath('manual')}::manual-${manualRound} '${source}' > /dev/null`;
      const result = spawnSync(
        'ssh-agent',
        [
          'sh',
          '-c',
          `ssh-add -q "$1" && ssh -A -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -p ${testbed.client.port} root@127.0.0.2 "$2"`,
          'sh',
          keyFile,
          remote,
        ],
        { encoding: 'utf8' },
      );
      if (result.status !== 0) throw new Error(`by hand: ${result.stderr}`);

      return performance.now() - started;
    };

    // By hand first in one round, through the API first in the other, so that neither is
    // always the one that finds the caches warm.
    const fullByHand = byHand();
    const full = { api_ms: await viaApi(), by_hand_ms: fullByHand };
    const incremental = { api_ms: await viaApi(), by_hand_ms: byHand() };
    const round = (x: number) => Math.round(x);
    const result = {
      files: FILES,
      bytes: FILES * FILE_BYTES,
      full_api_ms: round(full.api_ms),
      full_by_hand_ms: round(full.by_hand_ms),
      full_ratio: Number((full.api_ms / full.by_hand_ms).toFixed(2)),
      incremental_api_ms: round(incremental.api_ms),
      incremental_by_hand_ms: round(incremental.by_hand_ms),
      incremental_ratio: Number((incremental.api_ms / incremental.by_hand_ms).toFixed(2)),
    };
    console.log(
      `full backup of ${FILES} files (${(result.bytes / 1e6).toFixed(0)} MB): API ${result.full_api_ms} ms, by hand ${result.full_by_hand_ms} ms`,
    );
    console.log(
      `incremental: API ${result.incremental_api_ms} ms, by hand ${result.incremental_by_hand_ms} ms`,
    );
    console.log(JSON.stringify(result));
  } finally {
    await service?.stop();
    await testbed.stop();
    await db.end();
    await vhost.delete();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
