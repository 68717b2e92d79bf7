import type { CatalogArchiveEntity } from '@cyborg/database';

import { iso } from '../common/serialize.util';

/** An entry row as the catalog queries select it, joined with its archive. */
export interface EntryRow {
  id: string;
  archive_id: number;
  archive_name: string;
  archive_time: Date | null;
  job_id: number | null;
  client_id: number | null;
  repository_id: number;
  path: string;
  type: string;
  mode: string;
  owner: string;
  group: string;
  size: string;
  mtime: Date | null;
  healthy: boolean;
}

/** The original API's catalog object, plus the archive's id and the entry's type. */
export function serializeEntry(row: EntryRow) {
  const id = Number(row.id);

  return {
    id,
    url: `/api/v1/catalogs/${id}/`,
    archive: row.archive_id,
    archive_name: row.archive_name,
    path: row.path,
    type: row.type,
    job: row.job_id,
    mode: row.mode,
    mtime: iso(row.mtime),
    owner: row.owner,
    group: row.group,
    size: Number(row.size),
    healthy: row.healthy,
  };
}

/** One version of a file in a cross-archive find: enough to pick which to restore. */
export function serializeVersion(row: EntryRow) {
  return {
    ...serializeEntry(row),
    archive_time: iso(row.archive_time),
    client: row.client_id,
    repository: row.repository_id,
  };
}

export function serializeArchive(archive: CatalogArchiveEntity) {
  const url = `/api/v1/archives/${archive.id}/`;

  return {
    id: archive.id,
    type: 'archive',
    url,
    related: {
      browse: `${url}browse/`,
      catalogs: `/api/v1/catalogs/?archive=${archive.id}`,
      ...(archive.job ? { job: `/api/v1/jobs/${archive.job.id}/` } : {}),
    },
    summary_fields: {
      repository: { id: archive.repository.id, name: archive.repository.name },
      ...(archive.client
        ? { client: { id: archive.client.id, hostname: archive.client.hostname } }
        : {}),
      ...(archive.policy ? { policy: { id: archive.policy.id, name: archive.policy.name } } : {}),
    },
    name: archive.name,
    archive_time: iso(archive.archiveTime),
    entries: archive.entries,
    cataloged: iso(archive.cataloged),
    repository: archive.repository.id,
    client: archive.client?.id ?? null,
    policy: archive.policy?.id ?? null,
    job: archive.job?.id ?? null,
  };
}
