import { BadRequestException, Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';

import { IdPipe } from '../common/id.pipe';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../common/list-query';
import { listRequest, pageUrl, toPage } from '../common/resource.service';
import { ArchivesService } from './archives.service';
import { serializeArchive, serializeEntry, serializeVersion } from './catalog.serializer';
import { CatalogService, type FindQuery } from './catalog.service';

/** Archive-level filters a find may narrow itself with. */
const FIND_ARCHIVE_FILTERS = ['repository', 'client', 'policy', 'archive', 'archive_name'];
const FIND_PATH_PARAMS = ['path', 'path__contains', 'path__regex', 'path__regexp', 'path__iregex'];

function single(query: Record<string, unknown>, param: string): string | undefined {
  const raw = query[param];
  if (raw === undefined) return undefined;
  const value: unknown = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (typeof value !== 'string')
    throw new BadRequestException({ [param]: ['Must be a single value.'] });
  if (value.length > 4096)
    throw new BadRequestException({ [param]: ['Must be at most 4096 characters.'] });
  if (value.includes('\0'))
    throw new BadRequestException({ [param]: ['Must not contain NUL characters.'] });

  return value;
}

function pageOf(query: Record<string, unknown>): { page: number; pageSize: number } {
  const page = single(query, 'page') ?? '1';
  const size = single(query, 'page_size') ?? String(DEFAULT_PAGE_SIZE);
  if (!/^[1-9]\d{0,8}$/.test(page))
    throw new BadRequestException({ page: ['Must be a whole number from 1.'] });
  if (!/^[1-9]\d{0,8}$/.test(size) || Number(size) > MAX_PAGE_SIZE) {
    throw new BadRequestException({
      page_size: [`Must be a whole number from 1 to ${MAX_PAGE_SIZE}.`],
    });
  }

  return { page: Number(page), pageSize: Number(size) };
}

/**
 * Cataloged archives and what is in them: the list (per client, policy,
 * repository), one directory of one archive, and a find across archives that
 * shows every version of a file so the user can pick which to restore.
 */
@ApiTags('catalog')
@Controller('api/v1/archives')
export class ArchivesController {
  constructor(
    private readonly archives: ArchivesService,
    private readonly catalog: CatalogService,
  ) {}

  @Get()
  async list(@Req() req: Request) {
    return toPage(await this.archives.list(listRequest(req)), serializeArchive);
  }

  /**
   * `?path=etc/hosts` (exact), `?path__contains=`, `?path__regex=` (or
   * `__regexp`, `__iregex`); narrowed by `repository`, `client`, `policy`,
   * `archive`, `archive_name`. Newest archive first. A pattern matching so
   * much that the search outlasts the statement timeout is a 400 asking to narrow it.
   */
  @Get('find')
  async find(@Req() req: Request) {
    const query = req.query as Record<string, unknown>;
    const unknown = Object.keys(query).filter(
      (p) => ![...FIND_PATH_PARAMS, ...FIND_ARCHIVE_FILTERS, 'page', 'page_size'].includes(p),
    );
    if (unknown.length > 0) {
      throw new BadRequestException({
        [unknown[0]]: [`Unknown filter. Use ${FIND_PATH_PARAMS.join(', ')}.`],
      });
    }
    const given = FIND_PATH_PARAMS.filter((p) => query[p] !== undefined);
    if (given.length !== 1) {
      throw new BadRequestException({
        path: [`Give exactly one of ${FIND_PATH_PARAMS.join(', ')}.`],
      });
    }
    const [param] = given;
    const value = single(query, param) ?? '';
    if (value === '') throw new BadRequestException({ [param]: ['Must not be empty.'] });
    const find: FindQuery = { archiveFilters: {}, ...pageOf(query) };
    for (const filter of FIND_ARCHIVE_FILTERS) {
      const filterValue = single(query, filter);
      if (filterValue !== undefined)
        find.archiveFilters[
          filter === 'archive' ? 'id' : filter === 'archive_name' ? 'name' : filter
        ] = filterValue;
    }
    if (param === 'path') find.path = value;
    else if (param === 'path__contains') find.contains = value;
    else {
      this.catalog.checkPatterns({ [param]: value });
      find.regex = { param, pattern: value, insensitive: param === 'path__iregex' };
    }

    const { count, results } = await this.catalog.find(find);
    const request = listRequest(req);
    const more = find.page * find.pageSize < count;

    return {
      count,
      next: more ? pageUrl(request, find.page + 1) : null,
      previous: find.page > 1 ? pageUrl(request, find.page - 1) : null,
      results: results.map(serializeVersion),
    };
  }

  @Get(':id')
  async get(@Param('id', IdPipe) id: number) {
    return serializeArchive(await this.archives.get(id));
  }

  /** `?path=etc/ssh` lists that directory of the archive; no path, its top. Sorted by name. */
  @Get(':id/browse')
  async browse(
    @Param('id', IdPipe) id: number,
    @Req() req: Request,
    @Query() query: Record<string, unknown>,
  ) {
    const directory = (single(query, 'path') ?? '').replace(/^\/+|\/+$/g, '');
    const unknown = Object.keys(query).find((p) => !['path', 'page', 'page_size'].includes(p));
    if (unknown)
      throw new BadRequestException({
        [unknown]: ['Unknown parameter. Use path, page, page_size.'],
      });
    const { page, pageSize } = pageOf(query);
    const { count, results } = await this.catalog.browse(id, directory, page, pageSize);
    const request = listRequest(req);

    return {
      count,
      next: page * pageSize < count ? pageUrl(request, page + 1) : null,
      previous: page > 1 ? pageUrl(request, page - 1) : null,
      path: directory,
      results: results.map((row) => ({
        ...serializeEntry(row),
        name: row.path.slice(row.path.lastIndexOf('/') + 1),
      })),
    };
  }
}
