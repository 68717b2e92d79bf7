import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

/**
 * Integration tests run against the real PostgreSQL. Global setup migrates one
 * template database; every test file then gets its own copy of it, so files
 * run in parallel without seeing each other's rows.
 */
export const TEST_SERVER_URL = (
  process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432'
).replace(/\/$/, '');
export const TEST_DATABASE_PREFIX = 'cyborgbackup_test_';

/**
 * Names of one test run's databases. Global setup picks the run id and puts it
 * in the environment the test workers inherit, so two runs on one server
 * (two developers, or CI beside a developer) never drop each other's databases.
 */
export function runId(): string {
  process.env.CYBORG_TEST_RUN ??= randomBytes(4).toString('hex');

  return process.env.CYBORG_TEST_RUN;
}

export function templateDatabase(): string {
  return `${TEST_DATABASE_PREFIX}${runId()}_template`;
}

export async function withAdminClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: `${TEST_SERVER_URL}/postgres` });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Copies the migrated template into a fresh database and returns its URL. */
export async function cloneTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${TEST_DATABASE_PREFIX}${runId()}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(async (client) => {
    // Two files copying the template at once can collide; a short retry settles it.
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${name} TEMPLATE ${templateDatabase()}`);

        return;
      } catch (error) {
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  });

  return {
    url: `${TEST_SERVER_URL}/${name}`,
    drop: () =>
      withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}
