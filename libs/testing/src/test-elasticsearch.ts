import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { Client } from '@elastic/elasticsearch';

const ROOT = join(__dirname, '..', '..', '..');
const run = promisify(execFile);

/**
 * The Elasticsearch node the tests use: TEST_ELASTICSEARCH_URL, started by
 * `deploy/elasticsearch-test-node.sh` (CI does it). Each test takes an index
 * prefix of its own, so runs on one node never see each other's documents.
 * Without the variable, tests that need it are skipped, except in CI
 * (CI=true), where a missing node is an error.
 */
export class TestElasticsearch {
  readonly client: Client;

  private constructor(
    readonly url: string,
    readonly prefix: string,
  ) {
    this.client = new Client({ node: url, maxRetries: 0, requestTimeout: 30_000 });
  }

  static url(): string | null {
    const url = process.env.TEST_ELASTICSEARCH_URL ?? null;
    if (!url && process.env.CI === 'true') {
      throw new Error(
        'TEST_ELASTICSEARCH_URL must be set in CI (deploy/elasticsearch-test-node.sh)',
      );
    }

    return url;
  }

  /** `describe` when a node is configured, else `describe.skip` (with a note on the console). */
  static describe(): jest.Describe {
    if (TestElasticsearch.url()) return describe;
    process.stdout.write('TEST_ELASTICSEARCH_URL is not set: skipping the Elasticsearch tests\n');

    return describe.skip;
  }

  static create(url = TestElasticsearch.url()): TestElasticsearch {
    if (!url) throw new Error('TEST_ELASTICSEARCH_URL is not set');

    return new TestElasticsearch(url, `cyborg-test-${randomBytes(4).toString('hex')}`);
  }

  /** Documents in this test's indices, once everything indexed so far is searchable. */
  async count(): Promise<number> {
    await this.client.indices.refresh({ index: `${this.prefix}-*`, allow_no_indices: true });
    const { count } = await this.client.count({
      index: `${this.prefix}-*`,
      allow_no_indices: true,
    });

    return count;
  }

  async delete(): Promise<void> {
    await this.client.indices
      .delete({ index: `${this.prefix}-*`, allow_no_indices: true })
      .catch(() => undefined);
    await this.client.indices.deleteIndexTemplate({ name: this.prefix }).catch(() => undefined);
    await this.client.close();
  }
}

/**
 * A private Elasticsearch node (deploy/elasticsearch-test-node.sh on its own
 * port and data directory), for tests that stop and start it.
 */
export class PrivateElasticsearchNode {
  constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    await this.script('start');
  }

  async stop(): Promise<void> {
    await this.script('stop');
  }

  private async script(command: 'start' | 'stop'): Promise<void> {
    await run(join(ROOT, 'deploy/elasticsearch-test-node.sh'), [command], {
      env: { ...process.env, ES_PORT: String(this.port) },
      timeout: 240_000,
    });
  }
}
