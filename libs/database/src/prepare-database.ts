import { Logger } from '@nestjs/common';
import { Client } from 'pg';

import { createDataSource } from './data-source';

/** Any constant will do, as long as nothing else in the database uses it. */
const MIGRATION_LOCK_ID = 7_311_042;

/** Creates the database named in the URL when it does not exist yet. */
export async function ensureDatabaseExists(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!name) throw new Error('DATABASE_URL names no database');

  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      new Logger('Database').log(`Created database ${name}`);
    }
  } catch (error) {
    // Two services starting together may race to create it; the loser is fine.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await admin.end();
  }
}

/**
 * Brings the schema up to date. Every service calls this at boot; an advisory
 * lock lets only one of them migrate while the others wait.
 */
export async function migrateDatabase(databaseUrl: string): Promise<string[]> {
  const dataSource = createDataSource(databaseUrl);
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });

    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    await runner.release();
    await dataSource.destroy();
  }
}

export async function prepareDatabase(databaseUrl: string): Promise<void> {
  await ensureDatabaseExists(databaseUrl);
  const applied = await migrateDatabase(databaseUrl);
  for (const name of applied) new Logger('Database').log(`Applied migration ${name}`);
}
