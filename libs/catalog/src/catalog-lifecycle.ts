import type { DataSource } from 'typeorm';

/**
 * Forgets archives borg no longer has (after `borg prune`, say): their rows
 * go, and with each row its partition of entries is dropped, whatever its
 * size, leaving no dead rows behind. Names not cataloged are ignored.
 * Returns how many archives were forgotten.
 */
export async function forgetArchives(
  dataSource: DataSource,
  repositoryId: number,
  archiveNames: string[],
): Promise<number> {
  if (archiveNames.length === 0) return 0;
  // One statement, so one short lock of the catalog however many partitions are dropped.
  const [{ forgotten }] = await dataSource.query<{ forgotten: number }[]>(
    `WITH gone AS (
       DELETE FROM catalog_archives WHERE repository_id = $1 AND name = ANY($2::text[]) RETURNING id
     ) SELECT count(*)::int AS forgotten FROM gone`,
    [repositoryId, archiveNames],
  );

  return forgotten;
}

/** Names of the repository's archives the catalog already holds. */
export async function catalogedArchiveNames(
  dataSource: DataSource,
  repositoryId: number,
): Promise<Set<string>> {
  const rows = await dataSource.query<{ name: string }[]>(
    `SELECT name FROM catalog_archives WHERE repository_id = $1`,
    [repositoryId],
  );

  return new Set(rows.map((r) => r.name));
}
