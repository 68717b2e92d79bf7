// Writes a migration holding the difference between the entities and the
// schema the existing migrations build:
//   npm run migration:generate -- AddSomething
// Review the file, add it to libs/database/src/migrations/index.ts, commit.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Client } from 'pg';

import { createDataSource } from '../libs/database/src/data-source';

const SERVER = process.env.CODEGEN_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const SCRATCH = `cyborgbackup_codegen_${process.pid}`;

function quote(sql: string): string {
  return `\`${sql.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;
}

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
    throw new Error('usage: npm run migration:generate -- PascalCaseName');
  }
  const admin = new Client({ connectionString: `${SERVER}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${SCRATCH}`);
  await admin.query(`CREATE DATABASE ${SCRATCH}`);

  const dataSource = createDataSource(`${SERVER}/${SCRATCH}`);
  await dataSource.initialize();
  await dataSource.runMigrations();
  const sql = await dataSource.driver.createSchemaBuilder().log();
  await dataSource.destroy();
  await admin.query(`DROP DATABASE ${SCRATCH}`);
  await admin.end();

  if (sql.upQueries.length === 0) {
    process.stdout.write('The entities match the migrations; nothing to generate.\n');

    return;
  }
  const timestamp = Date.now();
  const up = sql.upQueries.map((q) => `    await runner.query(${quote(q.query)});`).join('\n');
  const down = [...sql.downQueries]
    .reverse()
    .map((q) => `    await runner.query(${quote(q.query)});`)
    .join('\n');
  const file = join(__dirname, '..', 'libs/database/src/migrations', `${timestamp}-${name}.ts`);
  writeFileSync(
    file,
    `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${name}${timestamp} implements MigrationInterface {
  name = '${name}${timestamp}';

  async up(runner: QueryRunner): Promise<void> {
${up}
  }

  async down(runner: QueryRunner): Promise<void> {
${down}
  }
}
`,
  );
  process.stdout.write(`Wrote ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
