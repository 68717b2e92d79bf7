import { runId, TEST_DATABASE_PREFIX, withAdminClient } from './test-database';

/** Drops every database this run made, including those of files that crashed. */
export default async function globalTeardown(): Promise<void> {
  await withAdminClient(async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${TEST_DATABASE_PREFIX}${runId()}_%`],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  });
}
