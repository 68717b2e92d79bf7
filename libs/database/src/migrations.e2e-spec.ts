import type { DataSource } from 'typeorm';

import { cloneTestDatabase } from '@cyborg/testing';

import { createDataSource } from './data-source';
import { MIGRATIONS } from './migrations';

/** What `migration:generate` would write: the SQL that would bring the schema to the entities. */
async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();

  return sql.upQueries.map((q) => q.query);
}

/** Everything in the public schema a migration may have made, but the migrations table. */
async function schemaObjects(dataSource: DataSource): Promise<string[]> {
  const rows = await dataSource.query<{ object: string }[]>(
    `SELECT 'table ' || table_name AS object FROM information_schema.tables
       WHERE table_schema = 'public' AND table_name <> 'migrations'
     UNION ALL
     SELECT 'sequence ' || sequence_name FROM information_schema.sequences
       WHERE sequence_schema = 'public' AND sequence_name <> 'migrations_id_seq'
     UNION ALL
     SELECT 'function ' || p.proname FROM pg_proc p
       JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
     UNION ALL
     SELECT 'type ' || t.typname FROM pg_type t
       JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd')
     ORDER BY 1`,
  );

  return rows.map((r) => r.object);
}

describe('Database migrations', () => {
  let dataSource: DataSource;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await cloneTestDatabase();
    drop = database.drop;
    dataSource = createDataSource(database.url);
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await drop();
  });

  it('are all applied to the test template', async () => {
    const applied = await dataSource.query<{ name: string }[]>(
      'SELECT name FROM migrations ORDER BY id',
    );

    expect(await dataSource.showMigrations()).toBe(false);
    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
  });

  it('build exactly the schema the entities describe', async () => {
    expect(await pendingSchemaChanges(dataSource)).toEqual([]);
  });

  it('are listed oldest first, each with a timestamp of its own', () => {
    const stamps = MIGRATIONS.map((m) => Number(/(\d{13})$/.exec(m.name)?.[1]));

    expect(stamps.every((t) => Number.isSafeInteger(t))).toBe(true);
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
    expect(new Set(stamps).size).toBe(stamps.length);
  });

  it('can all be undone, leaving nothing of the schema behind', async () => {
    const before = await schemaObjects(dataSource);

    for (let i = 0; i < MIGRATIONS.length; i++) {
      await dataSource.undoLastMigration({ transaction: 'each' });
    }

    expect(before.length).toBeGreaterThan(0);
    expect(await dataSource.query('SELECT name FROM migrations')).toEqual([]);
    expect(await schemaObjects(dataSource)).toEqual([]);
  });

  it('can then be applied again, giving the same schema and seed data', async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    const settings = await dataSource.query<{ count: string }[]>(
      'SELECT count(*) AS count FROM settings',
    );

    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await pendingSchemaChanges(dataSource)).toEqual([]);
    expect(Number(settings[0].count)).toBeGreaterThan(0);
  });

  it('undo and redo the newest migration alone', async () => {
    const before = await schemaObjects(dataSource);

    await dataSource.undoLastMigration({ transaction: 'each' });
    await dataSource.runMigrations({ transaction: 'each' });

    expect(await schemaObjects(dataSource)).toEqual(before);
    expect(await pendingSchemaChanges(dataSource)).toEqual([]);
  });
});
