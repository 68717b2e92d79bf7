import type { IncomingMessage } from 'node:http';

import { Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { WebSocket } from 'ws';

import { TokenService } from '../auth/token.service';
import { JobOutputListener } from './job-output.listener';
import { type OutputBatch, JobOutputStreams } from './job-output.streams';
import { type JobStatusChange, JobStatusListener } from './job-status.listener';

/** Close code for a connection without a valid access token. */
const UNAUTHORIZED = 4401;

interface Subscriptions {
  jobs: boolean;
  jobIds: Set<number>;
}

/**
 * Live job status at `/websocket/?token=<access JWT>`, as the original web UI
 * connects. A client says what it wants with
 * `{"groups": {"jobs": ["status_changed"], "job_events": [42]}}`, and then
 * receives `{"group_name": "jobs", "type": "job", "unified_job_id": 42, "status": ...}`
 * for every status change it asked for, and, for the jobs listed in `job_events`,
 * `{"group_name": "job_events", "type": "job_output", "unified_job_id": 42, "lines": [...], "skipped": 0}`
 * as their output is stored, at most four batches a second per job.
 */
@WebSocketGateway({ path: '/websocket' })
export class LiveGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger('Live');
  private readonly clients = new Map<WebSocket, Subscriptions>();
  private readonly output: JobOutputStreams;

  constructor(
    private readonly tokens: TokenService,
    listener: JobStatusListener,
    output: JobOutputListener,
  ) {
    listener.subscribe((change) => this.broadcast(change));
    this.output = new JobOutputStreams(
      (job, after, upTo) => output.read(job, after, upTo),
      (batch) => this.sendOutput(batch),
    );
    output.subscribe((job, counter) => this.output.stored(job, counter, this.watched(job)));
  }

  onModuleDestroy(): void {
    this.output.stop();
  }

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token');
    try {
      if (!token) throw new Error('no token');
      this.tokens.verifyAccess(token);
    } catch {
      socket.close(UNAUTHORIZED, 'A valid access token is required in ?token=.');

      return;
    }
    this.clients.set(socket, { jobs: false, jobIds: new Set() });
    socket.on('message', (data: Buffer) => this.subscribe(socket, data));
  }

  handleDisconnect(socket: WebSocket): void {
    this.clients.delete(socket);
  }

  private subscribe(socket: WebSocket, data: Buffer): void {
    const subscriptions = this.clients.get(socket);
    if (!subscriptions) return;
    try {
      const message = JSON.parse(data.toString('utf8')) as {
        groups?: { jobs?: unknown; job_events?: unknown };
      };
      const groups = message.groups ?? {};
      subscriptions.jobs = Array.isArray(groups.jobs) && groups.jobs.length > 0;
      subscriptions.jobIds = new Set(
        Array.isArray(groups.job_events)
          ? groups.job_events.filter((id): id is number => Number.isInteger(id))
          : [],
      );
      socket.send(
        JSON.stringify({
          groups_current: { jobs: subscriptions.jobs, job_events: [...subscriptions.jobIds] },
        }),
      );
    } catch {
      socket.send(
        JSON.stringify({
          error: 'Send {"groups": {"jobs": ["status_changed"], "job_events": [ids]}}.',
        }),
      );
    }
  }

  private watched(jobId: number): boolean {
    for (const subscriptions of this.clients.values()) {
      if (subscriptions.jobIds.has(jobId)) return true;
    }

    return false;
  }

  /** New lines of a job, to those watching it (rate-limited per job by JobOutputStreams). */
  private sendOutput(batch: OutputBatch): void {
    const message = JSON.stringify({
      group_name: 'job_events',
      type: 'job_output',
      unified_job_id: batch.job,
      lines: batch.lines,
      skipped: batch.skipped,
    });
    for (const [socket, subscriptions] of this.clients) {
      if (!subscriptions.jobIds.has(batch.job)) continue;
      socket.send(message, (error) => {
        if (error) this.logger.debug(`dropped live output: ${error.message}`);
      });
    }
  }

  private broadcast(change: JobStatusChange): void {
    const message = JSON.stringify({
      group_name: 'jobs',
      type: 'job',
      unified_job_id: change.id,
      status: change.status,
      failed: change.failed,
      started: change.started,
      finished: change.finished,
      job_type: change.job_type,
      policy_id: change.policy_id,
      client_id: change.client_id,
      repository_id: change.repository_id,
    });
    for (const [socket, subscriptions] of this.clients) {
      if (subscriptions.jobs || subscriptions.jobIds.has(change.id)) {
        socket.send(message, (error) => {
          if (error) this.logger.debug(`dropped a live message: ${error.message}`);
        });
      }
    }
  }
}
