import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

import { ConfigError, loadConfig } from './app-config';

const SECRET = 'x'.repeat(40);

describe('loadConfig', () => {
  it('fills every default when only SECRET_KEY is given', () => {
    const config = loadConfig({ SECRET_KEY: SECRET });

    expect(config).toEqual({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/cyborgbackup',
      amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
      elasticsearchUrl: null,
      elasticsearchIndexPrefix: 'cyborg-job-events',
      secretKey: SECRET,
      port: 8000,
      logLevel: 'log',
      timeZone: 'UTC',
      adminPassword: null,
      allowedHosts: ['*'],
      debug: false,
      executorCapacity: 4,
      executorSimulateMs: null,
      maxRunningJobs: 100,
    });
  });

  it('names SECRET_KEY when it is missing', () => {
    expect(() => loadConfig({})).toThrow(/^SECRET_KEY: missing/);
  });

  it.each([
    ['PORT', 'eighty', /^PORT: must be a port number/],
    ['PORT', '70000', /^PORT: must be a port number/],
    ['DATABASE_URL', 'mysql://x@y/z', /^DATABASE_URL: must start with postgres:\/\//],
    ['AMQP_URL', 'not a url', /^AMQP_URL: is not a URL/],
    ['LOG_LEVEL', 'loud', /^LOG_LEVEL: must be one of/],
    ['TIME_ZONE', 'Mars/Olympus', /^TIME_ZONE: is not an IANA time zone/],
    ['DEBUG', 'maybe', /^DEBUG: must be true or false/],
    ['SECRET_KEY', 'short', /^SECRET_KEY: must be at least 32/],
  ])('rejects %s=%s with one line naming it', (name, value, message) => {
    let error: unknown;
    try {
      loadConfig({ SECRET_KEY: SECRET, [name]: value });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('reads the secret key from SECRET_KEY_FILE', () => {
    const path = `${tmpdir()}/cyborg-secret-${process.pid}`;
    writeFileSync(path, `${SECRET}\n`);

    expect(loadConfig({ SECRET_KEY_FILE: path }).secretKey).toBe(SECRET);
  });
});
