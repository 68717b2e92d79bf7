import {
  Controller,
  Get,
  Param,
  PipeTransform,
  Injectable,
  NotFoundException,
  Req,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';

import { listRequest, toPage } from '../common/resource.service';
import { serializeEntry } from './catalog.serializer';
import { CatalogService } from './catalog.service';

/** Entry ids are bigints (archive id x 10^9 + position), beyond what IdPipe accepts. */
@Injectable()
export class EntryIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^[1-9]\d{0,15}$/.test(value) || !Number.isSafeInteger(Number(value))) {
      throw new NotFoundException('Not found.');
    }

    return Number(value);
  }
}

/** The catalog of every archive, one object per file, as the original API listed it. */
@ApiTags('catalog')
@Controller('api/v1/catalogs')
export class CatalogsController {
  constructor(private readonly catalog: CatalogService) {}

  @Get()
  async list(@Req() req: Request) {
    return toPage(await this.catalog.list(listRequest(req)), serializeEntry);
  }

  @Get(':id')
  async get(@Param('id', EntryIdPipe) id: number) {
    return serializeEntry(await this.catalog.get(id));
  }
}

/**
 * The original's Elasticsearch-backed search, `?archive_name=&path__regexp=`.
 * Served by PostgreSQL (a trigram index makes the regular expression fast).
 */
@ApiTags('catalog')
@Controller('api/v1/escatalogs')
export class EsCatalogsController {
  constructor(private readonly catalog: CatalogService) {}

  @Get()
  async list(@Req() req: Request) {
    return toPage(await this.catalog.list(listRequest(req)), serializeEntry);
  }
}
