import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';

import { APP_CONFIG, type AppConfig } from '@cyborg/config';
import { JobEntity } from '@cyborg/database';
import { logJobState } from '@cyborg/jobs';
import { enqueue } from '@cyborg/messaging';

import { BorgRunner } from './borg/borg.runner';
import type { JobRunner } from './job-runner';
import { OutputPublisher } from './output.publisher';
import { SimulatedRunner } from './simulated.runner';

/** How long a claim on a job holds without a heartbeat. */
export const LEASE_SECONDS = 15;
const HEARTBEAT_MS = 3_000;

class JobStopped extends Error {}

interface FinalOutcome {
  status: 'successful' | 'failed' | 'canceled' | 'error';
  explanation?: string;
}

/**
 * One executor process: registers itself, renews the leases of the jobs it
 * holds with a heartbeat, claims dispatched jobs (a job already claimed, or
 * canceled meanwhile, is skipped, so a redelivered message never runs a job
 * twice), runs them with a timeout, and records how they ended.
 */
@Injectable()
export class ExecutorService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly name = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly logger = new Logger('Executor');
  private readonly running = new Map<number, AbortController>();
  private readonly executions = new Set<Promise<void>>();
  private readonly waiters: (() => void)[] = [];
  private busy = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly runner: JobRunner;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OutputPublisher) private readonly output: OutputPublisher,
  ) {
    this.runner =
      config.executorSimulateMs === null
        ? new BorgRunner(dataSource, config.secretKey)
        : new SimulatedRunner(config.executorSimulateMs);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat().catch(() => undefined), HEARTBEAT_MS);
    this.logger.log(`executor ${this.name} ready for ${this.config.executorCapacity} jobs at once`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const controller of this.running.values())
      controller.abort(new JobStopped('the executor is shutting down'));
    // Stopped jobs record how they ended before the connection closes, instead of waiting
    // for their leases to run out.
    await Promise.allSettled(this.executions);
    await this.dataSource
      .query('DELETE FROM executors WHERE name = $1', [this.name])
      .catch(() => undefined);
  }

  /** Handles one `job.dispatch`: resolves once the job is claimed (or skipped); the run goes on. */
  async accept(jobId: number): Promise<void> {
    await this.slot();
    let claimed: JobEntity | null;
    try {
      claimed = await this.claim(jobId);
    } catch (error) {
      this.release();
      throw error;
    }
    if (!claimed) {
      this.release();

      return;
    }
    const execution = this.execute(claimed)
      .catch((error: unknown) => {
        // The outcome could not be written (database gone); the lease runs out and the task
        // manager ends the job instead.
        this.logger.warn(`job ${jobId}: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        this.executions.delete(execution);
        this.release();
      });
    this.executions.add(execution);
  }

  cancel(jobId: number): void {
    this.running.get(jobId)?.abort(new JobStopped('canceled'));
  }

  /** Waits until fewer than EXECUTOR_CAPACITY jobs are being claimed or run here. */
  private async slot(): Promise<void> {
    while (this.busy >= this.config.executorCapacity) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.busy++;
  }

  private release(): void {
    this.busy--;
    this.waiters.shift()?.();
  }

  private async beat(): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO executors (name, hostname, capacity, last_heartbeat) VALUES ($1, $2, $3, now())
       ON CONFLICT (name) DO UPDATE SET last_heartbeat = now(), capacity = $3`,
      [this.name, hostname(), this.config.executorCapacity],
    );
    const held = await this.dataSource.query<[{ id: number; cancel_requested: boolean }[], number]>(
      `UPDATE jobs SET lease_expires = now() + make_interval(secs => $2)
       WHERE executor = $1 AND status = 'running'
       RETURNING id, cancel_requested`,
      [this.name, LEASE_SECONDS],
    );
    // The `job.cancel` broadcast can be missed (sent while this executor was reconnecting, or
    // just before the job was registered here); the flag in the database cannot.
    for (const job of held[0]) if (job.cancel_requested) this.cancel(job.id);
  }

  private async claim(jobId: number): Promise<JobEntity | null> {
    const rows = await this.dataSource.query<[{ id: number }[], number]>(
      `UPDATE jobs SET status = 'running', executor = $2, started = now(), modified = now(),
         lease_expires = now() + make_interval(secs => $3)
       WHERE id = $1 AND status = 'waiting' AND NOT cancel_requested
       RETURNING id`,
      [jobId, this.name, LEASE_SECONDS],
    );
    if (rows[1] === 0) return null;
    logJobState({ id: jobId, status: 'running', executor: this.name });
    await this.dataSource.transaction((m) =>
      enqueue(m, 'job.status', { jobId, status: 'running', executor: this.name }),
    );

    return this.dataSource.getRepository(JobEntity).findOneOrFail({
      where: { id: jobId },
      relations: ['policy', 'client', 'repository'],
    });
  }

  private async execute(job: JobEntity): Promise<void> {
    const controller = new AbortController();
    this.running.set(job.id, controller);
    const timeout = setTimeout(
      () => controller.abort(new JobStopped(`timed out after ${job.timeoutSeconds} s`)),
      job.timeoutSeconds * 1000,
    );
    let counter = await this.lastCounter(job.id);
    let outcome: FinalOutcome;
    try {
      outcome = await this.runner.run(job, {
        signal: controller.signal,
        emit: (line, event = 'verbose', data = {}) =>
          this.output.emit(job, { counter: ++counter, event, stdout: line, data }),
        markWorkStarted: async () => {
          await this.dataSource.query('UPDATE jobs SET work_started = true WHERE id = $1', [
            job.id,
          ]);
        },
      });
    } catch (error) {
      const reason =
        controller.signal.reason instanceof JobStopped ? controller.signal.reason.message : null;
      outcome =
        reason === 'canceled'
          ? { status: 'canceled', explanation: 'Canceled while running.' }
          : reason
            ? { status: 'failed', explanation: `Stopped: ${reason}.` }
            : {
                status: 'error',
                explanation: error instanceof Error ? error.message : String(error),
              };
    } finally {
      clearTimeout(timeout);
      this.running.delete(job.id);
    }
    // The end of a job is reported only once all its output is with the broker.
    await this.output.flush(job.id);
    await this.finish(job.id, outcome);
  }

  private async lastCounter(jobId: number): Promise<number> {
    const [{ max }] = await this.dataSource.query<{ max: number }[]>(
      'SELECT COALESCE(max(counter), 0)::int AS max FROM job_events WHERE job_id = $1',
      [jobId],
    );

    return max;
  }

  private async finish(jobId: number, outcome: FinalOutcome): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE jobs SET status = $2, failed = $3, finished = now(), lease_expires = NULL, modified = now(),
           elapsed = EXTRACT(EPOCH FROM now() - started), job_explanation = $4
         WHERE id = $1 AND executor = $5 AND status = 'running'`,
        [
          jobId,
          outcome.status,
          outcome.status !== 'successful',
          outcome.explanation ?? '',
          this.name,
        ],
      );
      await enqueue(manager, 'job.status', { jobId, status: outcome.status, executor: this.name });
    });
    logJobState(
      { id: jobId, status: outcome.status, executor: this.name },
      { explanation: outcome.explanation },
    );
  }
}
