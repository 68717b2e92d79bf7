import { migrateDatabase } from '../../database/src/prepare-database';
import { TEMPLATE_DATABASE, TEST_SERVER_URL, withAdminClient } from './test-database';

/** Builds the migrated template every integration test file copies. */
export default async function globalSetup(): Promise<void> {
  process.env.TZ = 'UTC';
  await withAdminClient(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  });
  await migrateDatabase(`${TEST_SERVER_URL}/${TEMPLATE_DATABASE}`);
}
