import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';

import { JOB_OUTPUT_CHANNEL } from '@cyborg/jobs';
import type { JobEventsPayload } from '@cyborg/messaging';

interface Row {
  jobId: number;
  jobCreated: string;
  counter: number;
  event: string;
  stdout: string;
  data: string;
  created: string;
}

/** Rows per INSERT statement: large enough to be cheap per row, small enough for one message. */
const INSERT_ROWS = 10_000;

/** SQLSTATE classes that mean "the database, not this data": retry the whole batch later. */
const TRANSIENT = /^(08|53|57|40)/;

/** True unless PostgreSQL refused the data itself (an SQLSTATE outside TRANSIENT). */
function transient(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;

  return typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || TRANSIENT.test(code);
}

function escapeCopy(text: string): string {
  return text.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]);
}

const COPY_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};

/** The rows in COPY's text format, a few hundred at a time. */
function* copyText(rows: Row[]): Generator<string> {
  for (let start = 0; start < rows.length; start += 500) {
    yield rows
      .slice(start, start + 500)
      .map(
        (r) =>
          `${r.jobId}\t${r.jobCreated}\t${r.counter}\t${escapeCopy(r.event)}\t` +
          `${escapeCopy(r.stdout)}\t${escapeCopy(r.data)}\t${r.created}\n`,
      )
      .join('');
  }
}

/**
 * Writes batches of output lines into `job_events`: COPY when it can, else
 * one multi-row INSERT (unnest of column arrays) with `ON CONFLICT DO NOTHING`
 * on (job, counter, job_created), so a redelivered line is never stored twice.
 *
 * A batch that PostgreSQL rejects for its data (a line of a job deleted
 * meanwhile, a value it cannot take...) is split in halves until the bad lines are alone;
 * those are logged and skipped, the rest is stored. A batch that fails because
 * the database is unreachable is thrown back whole, for the consumer to retry.
 */
@Injectable()
export class JobEventWriter {
  private readonly logger = new Logger('JobEventWriter');
  /** Days (YYYY-MM-DD) whose partition is known to exist. */
  private readonly partitions = new Set<string>();

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Stores the lines, then tells API processes about them. Returns the rows inserted. */
  async write(messages: JobEventsPayload[]): Promise<number> {
    const inserted = await this.store(messages);
    await this.notify(messages);

    return inserted;
  }

  /** Stores the lines of the messages; resolves once they are committed. Returns rows inserted. */
  async store(messages: JobEventsPayload[]): Promise<number> {
    const rows: Row[] = [];
    for (const message of messages) {
      for (const line of message.lines) {
        rows.push({
          jobId: message.jobId,
          jobCreated: message.jobCreated,
          counter: line.counter,
          event: line.event,
          // PostgreSQL text cannot hold NUL; a stray one must not cost the line.
          stdout: line.stdout.replaceAll('\0', ''),
          data: JSON.stringify(line.data ?? {}, (_key, value: unknown) =>
            typeof value === 'string' ? value.replaceAll('\0', '') : value,
          ),
          created: line.created,
        });
      }
    }
    if (rows.length === 0) return 0;
    await this.ensurePartitions(rows);
    let inserted = 0;
    for (let start = 0; start < rows.length; start += INSERT_ROWS) {
      inserted += await this.storeRows(rows.slice(start, start + INSERT_ROWS));
    }

    return inserted;
  }

  /** Creates the daily partitions the rows need (normally made ahead by the maintenance task). */
  async ensurePartitions(rows: { jobCreated: string }[]): Promise<void> {
    const days = new Set(rows.map((r) => new Date(r.jobCreated).toISOString().slice(0, 10)));
    for (const day of days) {
      if (this.partitions.has(day)) continue;
      await this.ensurePartition(day);
    }
  }

  async ensurePartition(day: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.dataSource.query('SELECT job_events_partition($1::date)', [day]);
        this.partitions.add(day);

        return;
      } catch (error) {
        // Another receiver created it at the same moment: look again.
        if (attempt >= 3) throw error;
      }
    }
  }

  /** Forgets a dropped partition, so that it is made again if its day comes back. */
  forgetPartition(day: string): void {
    this.partitions.delete(day);
  }

  /**
   * COPY first: the fastest way in, but all or nothing, and it cannot skip a
   * line already stored. When it fails for the data (a redelivered line, a
   * deleted job), the same rows go through INSERT ... ON CONFLICT DO NOTHING,
   * split down to the rows PostgreSQL refuses.
   */
  private async storeRows(rows: Row[]): Promise<number> {
    try {
      await this.copy(rows);

      return rows.length;
    } catch (error) {
      if (transient(error)) throw error;

      return this.insertSplitting(rows);
    }
  }

  private async copy(rows: Row[]): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const client = (await runner.connect()) as PoolClient;
      await pipeline(
        Readable.from(copyText(rows)),
        client.query(
          copyFrom(
            'COPY job_events (job_id, job_created, counter, event, stdout, event_data, created) FROM STDIN',
          ),
        ),
      );
    } finally {
      await runner.release();
    }
  }

  private async insertSplitting(rows: Row[]): Promise<number> {
    try {
      return await this.insert(rows);
    } catch (error) {
      if (transient(error)) throw error;
      const code = (error as { code: string }).code;
      if (rows.length === 1) {
        const [row] = rows;
        this.logger.error(
          `job ${row.jobId}: line ${row.counter} skipped, PostgreSQL refused it (${code}: ${(error as Error).message})`,
        );

        return 0;
      }
      const half = Math.ceil(rows.length / 2);

      return (
        (await this.insertSplitting(rows.slice(0, half))) +
        (await this.insertSplitting(rows.slice(half)))
      );
    }
  }

  private async insert(rows: Row[]): Promise<number> {
    const [{ inserted }] = await this.dataSource.query<{ inserted: number }[]>(
      `WITH inserted AS (
         INSERT INTO job_events (job_id, job_created, counter, event, stdout, event_data, created)
         SELECT * FROM unnest($1::int[], $2::timestamptz[], $3::int[], $4::varchar[], $5::text[],
           $6::jsonb[], $7::timestamptz[])
         ON CONFLICT (job_id, counter, job_created) DO NOTHING
         RETURNING 1)
       SELECT count(*)::int AS inserted FROM inserted`,
      [
        rows.map((r) => r.jobId),
        rows.map((r) => r.jobCreated),
        rows.map((r) => r.counter),
        rows.map((r) => r.event),
        rows.map((r) => r.stdout),
        rows.map((r) => r.data),
        rows.map((r) => r.created),
      ],
    );

    return inserted;
  }

  /** Tells API processes the newest counter of each job in the messages (stored by then). */
  async notify(messages: JobEventsPayload[]): Promise<void> {
    const newest = new Map<number, number>();
    for (const m of messages) {
      for (const line of m.lines) {
        newest.set(m.jobId, Math.max(newest.get(m.jobId) ?? 0, line.counter));
      }
    }
    await this.dataSource.query(`SELECT pg_notify($1, n) FROM unnest($2::text[]) n`, [
      JOB_OUTPUT_CHANNEL,
      [...newest].map(([jobId, counter]) => JSON.stringify({ jobId, counter })),
    ]);
  }
}
