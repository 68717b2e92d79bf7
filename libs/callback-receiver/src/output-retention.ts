import type { Client } from '@elastic/elasticsearch';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

import type { OutputIndices } from '@cyborg/jobs';

import type { JobEventWriter } from './job-event.writer';

const DAY_MS = 86_400_000;
/** Partitions made ahead of time, so that the ingest path never has to create one. */
const DAYS_AHEAD = 2;

/** UTC day (YYYY-MM-DD) `offset` days from `from`. */
export function utcDay(from: Date, offset = 0): string {
  return new Date(from.getTime() + offset * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Days of partitions (or indices) that may go: those whose every job was
 * created more than `keepDays` days ago. A day's partition holds jobs created
 * that day, so it goes once the day after it is older than the cut-off.
 */
export function expiredDays(days: string[], now: Date, keepDays: number): string[] {
  const cutoff = now.getTime() - keepDays * DAY_MS;

  return days.filter((day) => Date.parse(`${day}T00:00:00Z`) + DAY_MS <= cutoff).sort();
}

/**
 * Keeps `job_events` partitioned ahead and drops old output a partition (and
 * an Elasticsearch index) at a time, after the `job_cleaning` setting (days).
 */
export class OutputRetention {
  private readonly logger = new Logger('OutputRetention');

  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: JobEventWriter,
    private readonly search: { client: Client; indices: OutputIndices } | null,
  ) {}

  async run(now = new Date()): Promise<void> {
    for (let offset = -1; offset <= DAYS_AHEAD; offset++) {
      await this.writer.ensurePartition(utcDay(now, offset));
    }
    const keepDays = await this.keepDays();
    if (keepDays === null) return;

    const partitions = await this.dataSource.query<{ name: string }[]>(
      `SELECT c.relname AS name FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'job_events'::regclass`,
    );
    const byDay = new Map<string, string>();
    for (const { name } of partitions) {
      const match = /^job_events_(\d{4})(\d\d)(\d\d)$/.exec(name);
      if (match) byDay.set(`${match[1]}-${match[2]}-${match[3]}`, name);
    }
    for (const day of expiredDays([...byDay.keys()], now, keepDays)) {
      await this.dataSource.query(`DROP TABLE IF EXISTS "${byDay.get(day)}"`);
      this.writer.forgetPartition(day);
      this.logger.log(
        `dropped the job output of jobs created on ${day} (job_cleaning ${keepDays} days)`,
      );
    }

    if (this.search) {
      const { client, indices: layout } = this.search;
      const indices = await client.cat.indices({
        index: layout.pattern,
        format: 'json',
        h: 'index',
      });
      const named = new Map<string, string>();
      for (const { index } of indices) {
        const day = index ? layout.dayOf(index) : null;
        if (day && index) named.set(day, index);
      }
      for (const day of expiredDays([...named.keys()], now, keepDays)) {
        await client.indices.delete({ index: named.get(day)! });
        this.logger.log(`deleted the Elasticsearch index of jobs created on ${day}`);
      }
    }
  }

  /** Days to keep, or null (keep everything) when the setting is missing or not a positive number. */
  private async keepDays(): Promise<number | null> {
    const rows = await this.dataSource.query<{ value: string }[]>(
      `SELECT value FROM settings WHERE key = 'cyborgbackup_job_cleaning'`,
    );
    const days = Number(rows[0]?.value);

    return Number.isInteger(days) && days > 0 ? days : null;
  }
}
