import { pipeline } from 'node:stream/promises';

import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataSource, QueryRunner } from 'typeorm';

import { ENTRIES_TABLE, ENTRY_COLUMNS_DDL, partitionName } from './catalog-schema';
import { COPY_COLUMNS, ListingToCopyRows } from './listing-parser';

/** Where a listing comes from; stored on the archive row, not on every entry. */
export interface ArchiveTarget {
  repositoryId: number;
  clientId: number | null;
  policyId: number | null;
  jobId: number | null;
  archiveName: string;
  archiveTime?: Date;
}

/** What an ingest stored, and where its time went (the load overlaps borg's listing). */
export interface IngestResult {
  entries: number;
  seconds: { load: number; index: number; swap: number };
}

export interface IngestOptions {
  /**
   * Settles when the program writing the listing has ended: rejects when borg
   * failed. It is awaited before the catalog is committed, so a listing cut
   * short by an error is never stored as if it were the whole archive.
   */
  sourceDone?: Promise<void>;
}

/**
 * Stores one archive's `borg list --json-lines` output as its catalog.
 *
 * Everything happens in one transaction on one connection: a new table is
 * filled by COPY straight from the stream (memory stays flat), indexed once
 * complete (building an index after the load is several times faster than
 * maintaining it row by row, the trigram index above all), then swapped in as
 * the archive's partition, replacing an earlier catalog of the same archive.
 * Readers see the old catalog or the new one, never half of one; a failure
 * leaves nothing behind.
 */
export async function ingestArchiveListing(
  dataSource: DataSource,
  input: NodeJS.ReadableStream,
  target: ArchiveTarget,
  options: IngestOptions = {},
): Promise<IngestResult> {
  // Observed now so that an early failure of the source is not an unhandled rejection.
  const sourceDone = options.sourceDone?.then(
    () => null,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
  const [{ id }] = await dataSource.query<{ id: number }[]>(
    `SELECT nextval(pg_get_serial_sequence('catalog_archives', 'id'))::int AS id`,
  );
  const table = partitionName(id);
  const runner = dataSource.createQueryRunner();
  const client = (await runner.connect()) as PoolClient;

  const clock = stopwatch();

  try {
    await runner.startTransaction();
    // The listing may take longer than the pool's statement timeout; borg's times have no zone.
    await runner.query(`SET LOCAL statement_timeout = 0`);
    await runner.query(`SET LOCAL TIME ZONE 'UTC'`);
    await runner.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    // Nothing touches catalog_entries itself before the swap (see ENTRY_COLUMNS_DDL).
    await runner.query(`CREATE TABLE "${table}" (${ENTRY_COLUMNS_DDL})`);

    const rows = new ListingToCopyRows(id);
    const copy = client.query(
      copyFrom(`COPY "${table}" (${COPY_COLUMNS.map((c) => `"${c}"`).join(', ')}) FROM STDIN`),
    );
    await pipeline(input, rows, copy);
    const failure = await sourceDone;
    if (failure) throw failure;

    const load = clock();

    await indexPartition(runner, table);
    const index = clock();
    await swapIn(runner, id, target, rows.entries);
    await runner.commitTransaction();

    return { entries: rows.entries, seconds: { load, index, swap: clock() } };
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}

/** Seconds since the previous call (or since it was made). */
function stopwatch(): () => number {
  let last = performance.now();

  return () => {
    const now = performance.now();
    const seconds = (now - last) / 1000;
    last = now;

    return Math.round(seconds * 1000) / 1000;
  };
}

/**
 * The indexes of the partitioned table, built on the loaded table under the
 * same definitions, so ATTACH adopts them instead of building its own.
 */
async function indexPartition(runner: QueryRunner, table: string): Promise<void> {
  await runner.query(`CREATE INDEX ON "${table}" USING brin ("id")`);
  await runner.query(`CREATE INDEX ON "${table}" ("parent", "path")`);
  await runner.query(`CREATE INDEX ON "${table}" USING gin ("path" gin_trgm_ops)`);
  await runner.query(`ANALYZE "${table}"`);
}

async function swapIn(
  runner: QueryRunner,
  id: number,
  target: ArchiveTarget,
  entries: number,
): Promise<void> {
  // Two catalogs of the same archive at once: the second waits, then replaces the first.
  await runner.query(`SELECT pg_advisory_xact_lock(hashtext('catalog_archives'), $1)`, [
    target.repositoryId,
  ]);
  // The trigger on catalog_archives drops the earlier partition with the row.
  await runner.query(`DELETE FROM catalog_archives WHERE repository_id = $1 AND name = $2`, [
    target.repositoryId,
    target.archiveName,
  ]);
  await runner.query(
    `INSERT INTO catalog_archives
       (id, repository_id, client_id, policy_id, job_id, name, archive_time, entries)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      id,
      target.repositoryId,
      target.clientId,
      target.policyId,
      target.jobId,
      target.archiveName,
      target.archiveTime ?? null,
      entries,
    ],
  );
  await runner.query(
    `ALTER TABLE "${ENTRIES_TABLE}" ATTACH PARTITION "${partitionName(id)}" FOR VALUES IN (${id})`,
  );
}
