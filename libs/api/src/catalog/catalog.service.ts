import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';

import { archiveOfEntry, ENTRY_ID_STRIDE, patternRefusal } from '@cyborg/catalog';

import { ListQuery, ListQueryBuilder, ListSpec } from '../common/list-query';
import { type ListRequest, type Page, pageUrl } from '../common/resource.service';
import { ArchivesService } from './archives.service';
import type { EntryRow } from './catalog.serializer';

/**
 * Longest a catalog query may run. Paths searched by a user's pattern are the
 * one place a request can ask PostgreSQL for much work; this bounds it.
 */
const CATALOG_STATEMENT_TIMEOUT = '5s';

/** Filters that apply to the archive, mapped to the archives list's own field names. */
const ARCHIVE_FIELDS: Record<string, string> = {
  archive: 'id',
  archive_name: 'name',
  archive_time: 'archive_time',
  job: 'job',
  client: 'client',
  repository: 'repository',
  policy: 'policy',
};

const ENTRY_SPEC: ListSpec = {
  alias: 'entry',
  fields: {
    id: { path: 'entry.id', type: 'number' },
    path: { path: 'entry.path', type: 'string' },
    parent: { path: 'entry.parent', type: 'string' },
    type: { path: 'entry.type', type: 'string' },
    mode: { path: 'entry.mode', type: 'string' },
    owner: { path: 'entry.owner', type: 'string' },
    group: { path: 'entry."group"', type: 'string' },
    size: { path: 'entry.size', type: 'number' },
    mtime: { path: 'entry.mtime', type: 'date' },
    healthy: { path: 'entry.healthy', type: 'boolean' },
  },
  search: ['path'],
  defaultOrder: 'id',
};

/** `or__not__client__in` -> `client`: the field a query parameter filters on. */
function fieldOf(param: string): string {
  const name = param.replace(/^or__/, '').replace(/^not__/, '');
  const cut = name.indexOf('__');

  return cut < 0 ? name : name.slice(0, cut);
}

/** `archive_name__startswith` -> `name__startswith`, keeping any `or__`/`not__` prefix. */
function toArchiveParam(param: string): string {
  const field = fieldOf(param);

  return param.replace(field, ARCHIVE_FIELDS[field]);
}

const SELECT_ENTRY = `SELECT e.id, e.archive_id, a.name AS archive_name, a.archive_time, a.job_id,
    a.client_id, a.repository_id, e.path, e.type, e.mode, e.owner, e."group", e.size, e.mtime,
    e.healthy
  FROM catalog_entries e JOIN catalog_archives a ON a.id = e.archive_id`;

export interface FindQuery {
  path?: string;
  contains?: string;
  regex?: { param: string; pattern: string; insensitive: boolean };
  archiveFilters: Record<string, unknown>;
  page: number;
  pageSize: number;
}

/**
 * Reads the catalog: entries listed with the usual filters, one directory of
 * an archive, every version of a path across archives. Entries live in one
 * partition per archive, so every query first settles which archives it
 * concerns (an id list PostgreSQL prunes partitions with at planning time).
 */
@Injectable()
export class CatalogService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly archives: ArchivesService,
  ) {}

  /** `/api/v1/catalogs/`: entries with the usual filters, archive fields included. */
  async list(request: ListRequest): Promise<{ page: Page<EntryRow>; query: ListQuery }> {
    const regexParams = this.checkPatterns(request.query);
    const archiveQuery: Record<string, unknown> = {};
    const entryQuery: Record<string, unknown> = {};
    for (const [raw, value] of Object.entries(request.query)) {
      // `__regexp` is what the original's escatalogs took; it is the `__regex` lookup.
      const param = raw.replace(/__(i?)regexp$/, '__$1regex');
      if (fieldOf(param) in ARCHIVE_FIELDS) archiveQuery[toArchiveParam(param)] = value;
      else entryQuery[param] = value;
    }
    const archiveIds = await this.archives.idsMatching(archiveQuery);

    return this.bounded(regexParams, async (manager) => {
      const qb = manager.createQueryBuilder().from('catalog_entries', 'entry');
      const filteredByArchive = Object.keys(archiveQuery).length > 0;
      if (filteredByArchive) {
        // 0 names no archive: it keeps the list valid SQL when no archive matched.
        qb.where('entry.archive_id IN (:...archiveIds)', { archiveIds: [0, ...archiveIds] });
      }
      const query = new ListQueryBuilder(ENTRY_SPEC, qb).apply(entryQuery);
      const entryFiltered = Object.keys(entryQuery).some(
        (p) => fieldOf(p) in ENTRY_SPEC.fields || p === 'search',
      );
      const count = entryFiltered
        ? await this.count(qb)
        : await this.entriesOf(manager, filteredByArchive ? archiveIds : null);
      const lastPage = Math.max(1, Math.ceil(count / query.pageSize));
      if (query.page > lastPage) throw new NotFoundException('Invalid page.');

      const ids = await qb
        .select('entry.id', 'id')
        .offset((query.page - 1) * query.pageSize)
        .limit(query.pageSize)
        .getRawMany<{ id: string }>();
      const results = await this.load(
        manager,
        ids.map((r) => Number(r.id)),
      );

      return {
        query,
        page: {
          count,
          next: query.page < lastPage ? pageUrl(request, query.page + 1) : null,
          previous: query.page > 1 ? pageUrl(request, query.page - 1) : null,
          results,
        },
      };
    });
  }

  async get(id: number): Promise<EntryRow> {
    const [row] = await this.load(this.dataSource.manager, [id]);
    if (!row) throw new NotFoundException('Not found.');

    return row;
  }

  /** The entries directly inside `directory` of one archive, by name; `''` is the top. */
  async browse(
    archiveId: number,
    directory: string,
    page: number,
    pageSize: number,
  ): Promise<{ count: number; results: EntryRow[] }> {
    await this.archives.get(archiveId);
    const [{ count }] = await this.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM catalog_entries WHERE archive_id = $1 AND parent = $2`,
      [archiveId, directory],
    );
    const results = await this.dataSource.query<EntryRow[]>(
      `${SELECT_ENTRY} WHERE e.archive_id = $1 AND e.parent = $2 ORDER BY e.path LIMIT $3 OFFSET $4`,
      [archiveId, directory, pageSize, (page - 1) * pageSize],
    );

    return { count, results };
  }

  /** Every version of a path, or of the paths matching a pattern, newest archive first. */
  async find(query: FindQuery): Promise<{ count: number; results: EntryRow[] }> {
    const params: unknown[] = [];
    const where: string[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (Object.keys(query.archiveFilters).length > 0) {
      const ids = await this.archives.idsMatching(query.archiveFilters);
      where.push(`e.archive_id = ANY(${param([0, ...ids])}::int[])`);
    }
    if (query.path !== undefined) {
      // The browse index (parent, path) finds a path in each archive in a few pages.
      const path = query.path.replace(/^\/+|\/+$/g, '');
      const cut = path.lastIndexOf('/');
      where.push(
        `e.parent = ${param(cut < 0 ? '' : path.slice(0, cut))}`,
        `e.path = ${param(path)}`,
      );
    }
    if (query.contains !== undefined) {
      where.push(`e.path LIKE ${param(`%${query.contains.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);
    }
    if (query.regex) {
      where.push(`e.path ${query.regex.insensitive ? '~*' : '~'} ${param(query.regex.pattern)}`);
    }
    const condition = where.join(' AND ');
    const regexParams = query.regex ? [query.regex.param] : [];

    return this.bounded(regexParams, async (manager) => {
      // One pass over the matches: the window counts them all while the page is cut.
      const rows = await manager.query<(EntryRow & { total: number })[]>(
        `${SELECT_ENTRY.replace('SELECT ', 'SELECT count(*) OVER ()::int AS total, ')}
         WHERE ${condition}
         ORDER BY a.archive_time DESC NULLS LAST, a.id DESC, e.path
         LIMIT ${param(query.pageSize)} OFFSET ${param((query.page - 1) * query.pageSize)}`,
        params,
      );

      return { count: rows[0]?.total ?? 0, results: rows };
    });
  }

  /** Refuses unsafe patterns before anything runs; returns the parameters that hold one. */
  checkPatterns(query: Record<string, unknown>): string[] {
    const params = Object.keys(query).filter((p) => /__i?regexp?$/.test(p));
    for (const param of params) {
      const value = query[param];
      const pattern: unknown = Array.isArray(value) ? value[value.length - 1] : value;
      const refusal =
        typeof pattern === 'string' ? patternRefusal(pattern) : 'Must be a single value.';
      if (refusal) throw new BadRequestException({ [param]: [refusal] });
    }

    return params;
  }

  /**
   * Runs catalog reads in one transaction under a short statement timeout; a
   * pattern PostgreSQL rejects or that runs too long is the user's to fix,
   * so it is a 400 naming the parameter.
   */
  private async bounded<T>(regexParams: string[], work: (manager: EntityManager) => Promise<T>) {
    try {
      return await this.dataSource.transaction(async (manager) => {
        await manager.query(`SET LOCAL statement_timeout = '${CATALOG_STATEMENT_TIMEOUT}'`);

        return work(manager);
      });
    } catch (error) {
      const code =
        error instanceof QueryFailedError
          ? (error.driverError as { code?: string }).code
          : undefined;
      const field = regexParams[0] ?? 'detail';
      if (code === '2201B') {
        throw new BadRequestException({
          // PostgreSQL says what is wrong: "invalid regular expression: parentheses () not balanced".
          [field]: [(error as Error).message.replace(/^invalid/, 'Invalid')],
        });
      }
      if (code === '57014') {
        throw new BadRequestException({
          [field]: ['The search took too long; make it more specific.'],
        });
      }
      throw error;
    }
  }

  private async count(qb: ReturnType<EntityManager['createQueryBuilder']>): Promise<number> {
    const row = await qb
      .clone()
      .select('count(*)::int', 'count')
      .orderBy()
      .getRawOne<{ count: number }>();

    return row?.count ?? 0;
  }

  /** What the archives hold in all, from their rows: no need to count millions of entries. */
  private async entriesOf(manager: EntityManager, archiveIds: number[] | null): Promise<number> {
    const [{ total }] = await manager.query<{ total: number }[]>(
      `SELECT coalesce(sum(entries), 0)::bigint::float8 AS total FROM catalog_archives
       WHERE $1::int[] IS NULL OR id = ANY($1::int[])`,
      [archiveIds],
    );

    return Number(total);
  }

  /** Entries by id, in the order given; each id names its archive, hence its partition. */
  private async load(manager: EntityManager, ids: number[]): Promise<EntryRow[]> {
    const valid = ids.filter((id) => Number.isSafeInteger(id) && id > ENTRY_ID_STRIDE);
    if (valid.length === 0) return [];
    const archives = [...new Set(valid.map(archiveOfEntry))];
    const rows = await manager.query<EntryRow[]>(
      `${SELECT_ENTRY} WHERE e.archive_id = ANY($1::int[]) AND e.id = ANY($2::bigint[])`,
      [archives, valid],
    );
    const byId = new Map(rows.map((r) => [Number(r.id), r]));

    return valid.map((id) => byId.get(id)).filter((r): r is EntryRow => r !== undefined);
  }
}
