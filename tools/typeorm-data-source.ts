// Data source for the TypeORM CLI (`npm run migration:generate -- Name`).
import { createDataSource } from '../libs/database/src/data-source';

export default createDataSource(
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/cyborgbackup_codegen',
);
