import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { APP_CONFIG, type AppConfig } from '@cyborg/config';
import { PgListener } from '@cyborg/database';

export const JOB_STATUS_CHANNEL = 'cyborg_job_status';

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
  private readonly subscribers = new Set<(change: JobStatusChange) => void>();
  private readonly listener: PgListener;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.listener = new PgListener(config.databaseUrl, JOB_STATUS_CHANNEL, (payload) => {
      const change = JSON.parse(payload) as JobStatusChange;
      for (const subscriber of this.subscribers) subscriber(change);
    });
  }

  subscribe(callback: (change: JobStatusChange) => void): () => void {
    this.subscribers.add(callback);

    return () => this.subscribers.delete(callback);
  }

  onApplicationBootstrap(): Promise<void> {
    return this.listener.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.listener.stop();
  }
}
