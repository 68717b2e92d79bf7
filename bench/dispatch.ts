// Dispatch latency of the job pipeline: 10,000 enabled policies fall due at
// once; how long from the due time until each job runs, and how many jobs
// start per second. Services run as separate processes from dist/ (the npm
// script builds first); executors run in simulated mode, so this measures
// the pipeline (scheduler, outbox, RabbitMQ, task manager, executor claim),
// not borg. Prints one JSON object on its last line.

import { Client } from 'pg';

import { ServiceProcess, TEST_SECRET_KEY, TestVhost, waitFor } from '@cyborg/testing';

import { benchDatabase } from './bench-database';

const POLICIES = Number(process.env.BENCH_POLICIES ?? 10_000);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const database = benchDatabase();
  const databaseUrl = database.url;
  await database.prepare();
  const vhost = await TestVhost.create();
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const processes: ServiceProcess[] = [];

  try {
    await db.query(`UPDATE settings SET value = 'false'
      WHERE key IN ('cyborgbackup_catalog_enabled', 'cyborgbackup_auto_prune')`);
    await db.query(`INSERT INTO schedules (name, crontab) VALUES ('bench', '0 3 * * *')`);
    await db.query(
      `INSERT INTO repositories (name, path, ready)
       SELECT 'r' || i, 'borg@repo' || i || '.example.com:/srv/borg', true FROM generate_series(1, $1::int) i`,
      [POLICIES],
    );
    await db.query(
      `INSERT INTO clients (hostname, ready) SELECT 'c' || i || '.example.com', true FROM generate_series(1, $1::int) i`,
      [POLICIES],
    );
    await db.query(
      `INSERT INTO policies (name, policy_type, repository_id, schedule_id, next_run)
       SELECT 'p' || i, 'config', i, 1, now() + interval '1 day' FROM generate_series(1, $1::int) i`,
      [POLICIES],
    );
    await db.query(`INSERT INTO policy_clients (policy_id, client_id) SELECT id, id FROM policies`);

    const env = {
      DATABASE_URL: databaseUrl,
      AMQP_URL: vhost.url,
      SECRET_KEY: TEST_SECRET_KEY,
      EXECUTOR_SIMULATE_MS: '0',
      EXECUTOR_CAPACITY: '50',
      MAX_RUNNING_JOBS: '1000',
      LOG_LEVEL: 'log',
    };
    for (const app of ['scheduler', 'task-manager', 'executor', 'executor'] as const) {
      processes.push(await ServiceProcess.start(app, env));
    }

    const due = (
      await db.query<{ now: Date }>(`UPDATE policies SET next_run = now() RETURNING now()`)
    ).rows[0].now;
    await waitFor(
      'every job to start',
      async () => {
        const { rows } = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM jobs WHERE started IS NOT NULL`,
        );

        return rows[0].n >= POLICIES;
      },
      30 * 60_000,
    );
    const { rows } = await db.query<{ latency: number; launch: number; started: Date }>(
      `SELECT EXTRACT(EPOCH FROM started - $1) * 1000 AS latency,
              EXTRACT(EPOCH FROM created - $1) * 1000 AS launch, started FROM jobs`,
      [due],
    );
    const latencies = rows.map((r) => Number(r.latency)).sort((a, b) => a - b);
    const launches = rows.map((r) => Number(r.launch)).sort((a, b) => a - b);
    const last = Math.max(...rows.map((r) => r.started.getTime()));
    const result = {
      benchmark: 'dispatch',
      policies: POLICIES,
      executors: 2,
      executor_capacity: 50,
      latency_ms_p50: Math.round(percentile(latencies, 50)),
      latency_ms_p99: Math.round(percentile(latencies, 99)),
      // Of which: due time to the job row existing (the scheduler's part).
      launched_ms_p50: Math.round(percentile(launches, 50)),
      launched_ms_p99: Math.round(percentile(launches, 99)),
      jobs_per_second: Math.round((POLICIES / ((last - due.getTime()) / 1000)) * 10) / 10,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await db.end();
    await vhost.delete();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
