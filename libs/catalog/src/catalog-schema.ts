/**
 * Names and numbers of the catalog's storage (see docs/catalog.md). The
 * tables themselves are made by the database migration `Catalog`.
 */

/** The partitioned table; each archive's entries are its partition `catalog_entries_<id>`. */
export const ENTRIES_TABLE = 'catalog_entries';

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
