import { readFileSync } from 'node:fs';

export type LogLevel = 'error' | 'warn' | 'log' | 'debug' | 'verbose';

const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

/** The whole configuration of every service, read once from the environment at boot. */
export interface AppConfig {
  databaseUrl: string;
  amqpUrl: string;
  elasticsearchUrl: string | null;
  elasticsearchIndexPrefix: string;
  secretKey: string;
  port: number;
  logLevel: LogLevel;
  timeZone: string;
  adminPassword: string | null;
  allowedHosts: string[];
  debug: boolean;
  executorCapacity: number;
  executorSimulateMs: number | null;
  maxRunningJobs: number;
}

/** Raised for the first variable that is missing or malformed; its message is one line. */
export class ConfigError extends Error {}

interface Variable<K extends keyof AppConfig> {
  key: K;
  env: string;
  description: string;
  secret: boolean;
  default?: string;
  parse: (raw: string) => AppConfig[K];
}

function url(protocols: string[]): (raw: string) => string {
  return (raw) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new Error('is not a URL');
    }
    if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
      throw new Error(`must start with ${protocols.map((p) => `${p}://`).join(' or ')}`);
    }

    return raw;
  };
}

function boolean(raw: string): boolean {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error('must be true or false');
}

function wholeNumber(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      throw new Error(`must be a whole number from ${min} to ${max}`);
    }

    return value;
  };
}

function timeZone(raw: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: raw });
  } catch {
    throw new Error('is not an IANA time zone such as UTC or Europe/Paris');
  }

  return raw;
}

/**
 * Every variable the services read. `docs/configuration.md` and the README's table
 * are written from this list; keep them in step.
 */
export const VARIABLES: { [K in keyof AppConfig]: Variable<K> } = {
  databaseUrl: {
    key: 'databaseUrl',
    env: 'DATABASE_URL',
    description: 'PostgreSQL connection URL; the database is created when missing',
    secret: true,
    default: 'postgres://postgres@127.0.0.1:5432/cyborgbackup',
    parse: url(['postgres', 'postgresql']),
  },
  amqpUrl: {
    key: 'amqpUrl',
    env: 'AMQP_URL',
    description: 'RabbitMQ connection URL',
    secret: true,
    default: 'amqp://guest:guest@127.0.0.1:5672',
    parse: url(['amqp', 'amqps']),
  },
  elasticsearchUrl: {
    key: 'elasticsearchUrl',
    env: 'ELASTICSEARCH_URL',
    description: 'Elasticsearch 8 URL; when unset, job output is searched with PostgreSQL',
    secret: false,
    parse: url(['http', 'https']),
  },
  elasticsearchIndexPrefix: {
    key: 'elasticsearchIndexPrefix',
    env: 'ELASTICSEARCH_INDEX_PREFIX',
    description:
      'Start of the names of the job output indices (`<prefix>-YYYY.MM.DD`) and of their template',
    secret: false,
    default: 'cyborg-job-events',
    parse: (raw) => {
      if (!/^[a-z0-9][a-z0-9_.-]{0,100}$/.test(raw)) {
        throw new Error('must be lower-case letters, digits, ".", "_" or "-"');
      }

      return raw;
    },
  },
  secretKey: {
    key: 'secretKey',
    env: 'SECRET_KEY',
    description:
      'Key that encrypts secrets at rest and signs tokens (at least 32 characters); ' +
      'SECRET_KEY_FILE may name a file holding it',
    secret: true,
    parse: (raw) => {
      if (raw.length < 32) throw new Error('must be at least 32 characters long');

      return raw;
    },
  },
  port: {
    key: 'port',
    env: 'PORT',
    description: 'HTTP port of the API gateway',
    secret: false,
    default: '8000',
    parse: (raw) => {
      const port = Number(raw);
      if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
        throw new Error('must be a port number from 1 to 65535');
      }

      return port;
    },
  },
  logLevel: {
    key: 'logLevel',
    env: 'LOG_LEVEL',
    description: `Most detailed level logged: ${LOG_LEVELS.join(', ')}`,
    secret: false,
    default: 'log',
    parse: (raw) => {
      const level = LOG_LEVELS.find((l) => l === raw.toLowerCase());
      if (!level) throw new Error(`must be one of ${LOG_LEVELS.join(', ')}`);

      return level;
    },
  },
  timeZone: {
    key: 'timeZone',
    env: 'TIME_ZONE',
    description: 'Time zone in which schedules are read',
    secret: false,
    default: 'UTC',
    parse: timeZone,
  },
  adminPassword: {
    key: 'adminPassword',
    env: 'CYBORG_ADMIN_PASSWORD',
    description: 'Password given to admin@cyborg.local when the first start creates it',
    secret: true,
    parse: (raw) => {
      if (raw.length < 8) throw new Error('must be at least 8 characters long');

      return raw;
    },
  },
  allowedHosts: {
    key: 'allowedHosts',
    env: 'ALLOWED_HOSTS',
    description: 'Comma-separated host names the API answers for, as shown by /api/v1/config/',
    secret: false,
    default: '*',
    parse: (raw) =>
      raw
        .split(',')
        .map((h) => h.trim())
        .filter((h) => h !== ''),
  },
  debug: {
    key: 'debug',
    env: 'DEBUG',
    description: 'Adds stack traces to 500 responses; never in production',
    secret: false,
    default: 'false',
    parse: boolean,
  },
  executorCapacity: {
    key: 'executorCapacity',
    env: 'EXECUTOR_CAPACITY',
    description: 'Jobs one executor process runs at once',
    secret: false,
    default: '4',
    parse: wholeNumber(1, 256),
  },
  executorSimulateMs: {
    key: 'executorSimulateMs',
    env: 'EXECUTOR_SIMULATE_MS',
    description:
      'Test and benchmark mode: executors pretend each job runs this many milliseconds ' +
      'instead of running it, and say so in the job; never in production',
    secret: false,
    parse: wholeNumber(0, 3_600_000),
  },
  maxRunningJobs: {
    key: 'maxRunningJobs',
    env: 'MAX_RUNNING_JOBS',
    description: 'Jobs dispatched or running at once across all executors',
    secret: false,
    default: '100',
    parse: wholeNumber(1, 100_000),
  },
};

function readSecretKeyFile(env: NodeJS.ProcessEnv): string | undefined {
  const file = env.SECRET_KEY_FILE;
  if (env.SECRET_KEY || !file) return env.SECRET_KEY;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new ConfigError(`SECRET_KEY_FILE: cannot read ${file} (${(error as Error).message})`);
  }
}

/** Reads and checks every variable; throws ConfigError naming the first bad one. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const source: NodeJS.ProcessEnv = { ...env, SECRET_KEY: readSecretKeyFile(env) };
  const config: Partial<Record<keyof AppConfig, unknown>> = {};

  for (const variable of Object.values(VARIABLES)) {
    const raw = source[variable.env]?.trim() || variable.default;
    if (raw === undefined) {
      if (variable.key === 'secretKey') {
        throw new ConfigError(`SECRET_KEY: missing (${variable.description})`);
      }
      config[variable.key] = null;
      continue;
    }
    try {
      config[variable.key] = variable.parse(raw);
    } catch (error) {
      throw new ConfigError(`${variable.env}: ${(error as Error).message}`);
    }
  }

  return config as AppConfig;
}
