import { migrateDatabase } from '../../database/src/prepare-database';
import { templateDatabase, TEST_SERVER_URL, withAdminClient } from './test-database';

/** Builds the migrated template every integration test file copies. */
export default async function globalSetup(): Promise<void> {
  process.env.TZ = 'UTC';
  const template = templateDatabase();
  await withAdminClient((client) => client.query(`CREATE DATABASE ${template}`));
  await migrateDatabase(`${TEST_SERVER_URL}/${template}`);
}
