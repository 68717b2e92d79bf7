import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Client } from 'pg';

import { APP_CONFIG, type AppConfig } from '@cyborg/config';

export const JOB_STATUS_CHANNEL = 'cyborg_job_status';
const RECONNECT_MS = 2_000;

export interface JobStatusChange {
  id: number;
  status: string;
  failed: boolean;
  started: string | null;
  finished: string | null;
  policy_id: number | null;
  client_id: number | null;
  repository_id: number | null;
  job_type: string;
}

/**
 * Hears every job status change from PostgreSQL (a trigger on `jobs` sends a
 * NOTIFY in the transaction that changes the status, whichever service wrote
 * it) and passes it to the subscribers, the WebSocket gateway first of all.
 */
@Injectable()
export class JobStatusListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Live');
  private readonly subscribers = new Set<(change: JobStatusChange) => void>();
  private client: Client | null = null;
  private stopped = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  subscribe(callback: (change: JobStatusChange) => void): () => void {
    this.subscribers.add(callback);

    return () => this.subscribers.delete(callback);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.config.databaseUrl });
    client.on('notification', (message) => {
      if (!message.payload) return;
      const change = JSON.parse(message.payload) as JobStatusChange;
      for (const subscriber of this.subscribers) subscriber(change);
    });
    client.on('error', (error) => {
      this.logger.warn(`lost the job status feed (${error.message}); reconnecting`);
      this.client = null;
      if (!this.stopped) setTimeout(() => void this.connect().catch(() => undefined), RECONNECT_MS);
    });
    await client.connect();
    await client.query(`LISTEN ${JOB_STATUS_CHANNEL}`);
    this.client = client;
  }
}
