import { Logger } from '@nestjs/common';
import { Client } from 'pg';

const RECONNECT_MS = 2_000;

/**
 * A dedicated PostgreSQL connection that LISTENs on one channel and passes
 * every NOTIFY payload on. A lost connection is reopened until `stop()`;
 * notifications sent meanwhile are lost, so users also look by themselves
 * from time to time.
 */
export class PgListener {
  private readonly logger = new Logger('PgListener');
  private client: Client | null = null;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly channel: string,
    private readonly onNotify: (payload: string) => void,
  ) {}

  async start(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl });
    client.on('notification', (message) => this.onNotify(message.payload ?? ''));
    client.on('error', (error) => {
      this.logger.warn(`lost LISTEN ${this.channel} (${error.message}); reconnecting`);
      this.client = null;
      this.scheduleRetry();
    });
    await client.connect();
    await client.query(`LISTEN ${this.channel}`);
    this.client = client;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.stopped) return;
      this.start().catch(() => this.scheduleRetry());
    }, RECONNECT_MS);
  }
}
