import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { Client } from 'pg';

const ROOT = join(__dirname, '..', '..', '..');
const run = promisify(execFile);

export type AppName =
  | 'api-gateway'
  | 'scheduler'
  | 'task-manager'
  | 'executor'
  | 'callback-receiver'
  | 'notifier'
  | 'all-in-one';

/**
 * One service of the system running as its own process from the compiled
 * tree (`npm run build` first), as in production. Its output is kept for
 * assertions and shown when a test fails.
 */
export class ServiceProcess {
  readonly output: string[] = [];
  private exited: Promise<number | null>;

  private constructor(
    readonly app: AppName,
    readonly child: ChildProcess,
  ) {
    const collect = (chunk: Buffer) =>
      this.output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static async start(app: AppName, env: Record<string, string>): Promise<ServiceProcess> {
    const child = spawn(
      process.execPath,
      ['-r', join(ROOT, 'tools/register-paths.js'), join(ROOT, `dist/apps/${app}/src/main.js`)],
      {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const service = new ServiceProcess(app, child);
    try {
      await service.waitForLine(/ started/, 60_000);
    } catch (error) {
      // Nobody holds this process yet: end it here, or it outlives the test.
      await service.stop('SIGKILL');
      throw error;
    }

    return service;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  async waitForLine(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const line = this.output.find((l) => pattern.test(l));
      if (line) return line;
      if (this.child.exitCode !== null) {
        throw new Error(
          `${this.app} exited (${this.child.exitCode}):\n${this.output.slice(-30).join('\n')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${this.app} never printed ${pattern}:\n${this.output.slice(-30).join('\n')}`);
  }

  /** SIGTERM and wait for the exit; SIGKILL to simulate a crash. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** A RabbitMQ virtual host of its own, so a test's queues meet no one else's messages. */
export class TestVhost {
  private constructor(readonly name: string) {}

  static async create(): Promise<TestVhost> {
    const name = `cyborg_test_${randomBytes(4).toString('hex')}`;
    await run('rabbitmqctl', ['-q', 'add_vhost', name]);
    await run('rabbitmqctl', ['-q', 'set_permissions', '-p', name, 'guest', '.*', '.*', '.*']);

    return new TestVhost(name);
  }

  get url(): string {
    const base = process.env.TEST_AMQP_SERVER ?? 'amqp://guest:guest@127.0.0.1:5672';

    return `${base}/${this.name}`;
  }

  async delete(): Promise<void> {
    await run('rabbitmqctl', ['-q', 'delete_vhost', this.name]).catch(() => undefined);
  }
}

export async function rabbitmqctl(...args: string[]): Promise<void> {
  await run('rabbitmqctl', ['-q', ...args]);
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 60_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Any constant will do, as long as nothing else uses it. */
const BROKER_LOCK = 7_311_099;

/**
 * Test files that use RabbitMQ hold this lock for their whole run: one of them
 * stops and starts the broker, which would disturb the others' deliveries.
 * Returns the release.
 */
export async function holdBrokerLock(serverUrl: string): Promise<() => Promise<void>> {
  const client = new Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  await client.query('SELECT pg_advisory_lock($1)', [BROKER_LOCK]);

  return async () => {
    await client.query('SELECT pg_advisory_unlock($1)', [BROKER_LOCK]);
    await client.end();
  };
}
