import { ConfigError, loadConfig } from '@cyborg/config';

import { prepareDatabase } from './prepare-database';

/** `npm run migrate`: creates the database if needed and applies pending migrations. */
async function main(): Promise<void> {
  const config = loadConfig();
  await prepareDatabase(config.databaseUrl);
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : String(error);
  process.stderr.write(`migrate: ${message}\n`);
  process.exit(1);
});
