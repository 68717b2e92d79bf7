// A database of its own for one benchmark run: created and migrated like a
// production one, dropped at the end whatever happened.
import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

import { prepareDatabase } from '@cyborg/database';

export const BENCH_DATABASE_SERVER =
  process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';

export interface BenchDatabase {
  url: string;
  /** Creates and migrates it (`prepareDatabase`). */
  prepare(): Promise<void>;
  drop(): Promise<void>;
}

export function benchDatabase(): BenchDatabase {
  const name = `cyborgbackup_bench_${randomBytes(4).toString('hex')}`;
  const url = `${BENCH_DATABASE_SERVER}/${name}`;

  return {
    url,
    prepare: () => prepareDatabase(url),
    async drop() {
      const admin = new Client({ connectionString: `${BENCH_DATABASE_SERVER}/postgres` });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
