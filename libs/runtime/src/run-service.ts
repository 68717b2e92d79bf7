import { Logger, LogLevel as NestLogLevel } from '@nestjs/common';

import { AppConfig, ConfigError, loadConfig, LogLevel } from '@cyborg/config';
import { prepareDatabase } from '@cyborg/database';

const ORDER: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

/** Nest takes the list of levels to print, not a threshold. */
export function nestLogLevels(level: LogLevel): NestLogLevel[] {
  return ORDER.slice(0, ORDER.indexOf(level) + 1);
}

/** One line an operator can act on, for the errors start-up commonly meets. */
function describeStartupError(error: unknown, config: AppConfig): string {
  const code = (error as { code?: string }).code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT') {
    const url = new URL(config.databaseUrl);

    return `cannot reach PostgreSQL at ${url.hostname}:${url.port || 5432} (${code}); is it running?`;
  }
  if (code === '28P01' || code === '28000')
    return 'PostgreSQL refused the credentials in DATABASE_URL';

  return error instanceof Error ? error.message : String(error);
}

/**
 * The start of every service process: read the configuration (a bad variable
 * ends the process with one line naming it), bring the schema up to date,
 * then hand over to the service.
 */
export async function runService(
  name: string,
  start: (config: AppConfig) => Promise<void>,
): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${name}: configuration error: ${error.message}\n`);
    process.exit(1);
  }

  Logger.overrideLogger(nestLogLevels(config.logLevel));
  const logger = new Logger(name);
  try {
    await prepareDatabase(config.databaseUrl);
    await start(config);
  } catch (error) {
    logger.error(`cannot start: ${describeStartupError(error, config)}`);
    if (config.debug && error instanceof Error) logger.error(error.stack);
    process.exit(1);
  }
}
