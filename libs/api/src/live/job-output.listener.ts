import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';

import { APP_CONFIG, type AppConfig } from '@cyborg/config';
import { PgListener } from '@cyborg/database';
import { JOB_OUTPUT_CHANNEL } from '@cyborg/jobs';

import type { OutputLine } from './job-output.streams';

/**
 * Hears the callback receiver's notifications of stored output and reads
 * those lines back from PostgreSQL, for the WebSocket gateway.
 */
@Injectable()
export class JobOutputListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly subscribers = new Set<(jobId: number, counter: number) => void>();
  private readonly listener: PgListener;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {
    this.listener = new PgListener(config.databaseUrl, JOB_OUTPUT_CHANNEL, (payload) => {
      const { jobId, counter } = JSON.parse(payload) as { jobId: number; counter: number };
      for (const subscriber of this.subscribers) subscriber(jobId, counter);
    });
  }

  subscribe(callback: (jobId: number, counter: number) => void): () => void {
    this.subscribers.add(callback);

    return () => this.subscribers.delete(callback);
  }

  async read(jobId: number, after: number, upTo: number): Promise<OutputLine[]> {
    const rows = await this.dataSource.query<
      { counter: number; event: string; stdout: string; created: Date }[]
    >(
      `SELECT counter, event, stdout, created FROM job_events
       WHERE job_id = $1 AND counter > $2 AND counter <= $3 ORDER BY counter`,
      [jobId, after, upTo],
    );

    return rows.map((r) => ({ ...r, created: r.created.toISOString() }));
  }

  onApplicationBootstrap(): Promise<void> {
    return this.listener.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.listener.stop();
  }
}
