import { BadRequestException, Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';

import { IdPipe } from '../common/id.pipe';
import { listRequest, pageUrl, toPage } from '../common/resource.service';
import { ArchivesService } from './archives.service';
import { serializeArchive, serializeEntry, serializeVersion } from './catalog.serializer';
import { CatalogService } from './catalog.service';
import { pageOf, parseFindQuery, single } from './find-query.util';

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
    const find = parseFindQuery(req.query);
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
