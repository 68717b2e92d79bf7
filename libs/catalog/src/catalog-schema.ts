/**
 * Names and numbers of the catalog's storage (see docs/catalog.md). The
 * tables themselves are made by the database migration `Catalog`.
 */

/** The partitioned table; each archive's entries are its partition `catalog_entries_<id>`. */
export const ENTRIES_TABLE = 'catalog_entries';

/**
 * The columns of `catalog_entries` exactly as the migration `Catalog` made
 * them: a new partition is created from this rather than with
 * `LIKE catalog_entries`, which would lock the partitioned table for the
 * whole load and so hold up any prune (DROP of a partition) for that long.
 * ATTACH refuses a table whose columns differ, so a drift cannot go unseen.
 */
export const ENTRY_COLUMNS_DDL = `
  "id" bigint NOT NULL,
  "size" bigint NOT NULL DEFAULT 0,
  "mtime" timestamptz,
  "archive_id" integer NOT NULL,
  "healthy" boolean NOT NULL DEFAULT true,
  "type" character(1) NOT NULL,
  "path" text COLLATE "C" NOT NULL,
  "parent" text COLLATE "C",
  "mode" text NOT NULL DEFAULT '',
  "owner" text NOT NULL DEFAULT '',
  "group" text NOT NULL DEFAULT ''`;

/**
 * An entry's id is `archive id * ENTRY_ID_STRIDE + its line number in the listing`,
 * so the id alone names the partition to look in. It stays a safe JavaScript
 * integer for the first 9 million archives; an archive may hold up to a billion entries.
 */
export const ENTRY_ID_STRIDE = 1_000_000_000;

export function partitionName(archiveId: number): string {
  if (!Number.isSafeInteger(archiveId) || archiveId <= 0) {
    throw new Error(`Not an archive id: ${archiveId}`);
  }

  return `${ENTRIES_TABLE}_${archiveId}`;
}

/** The archive an entry id belongs to. */
export function archiveOfEntry(entryId: number): number {
  return Math.floor(entryId / ENTRY_ID_STRIDE);
}

/** The directory holding a path in an archive: `''` at the top, null for the archive's root `.`. */
export function parentOf(path: string): string | null {
  if (path === '.' || path === '') return null;
  const cut = path.lastIndexOf('/');

  return cut <= 0 ? '' : path.slice(0, cut);
}
