import { Controller, Post, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import type { UserEntity } from '@cyborg/database';

import { CurrentUser, SuperuserOnly } from '../auth/auth.decorators';
import { IdPipe } from '../common/id.pipe';
import { serializeJob } from '../jobs/job.serializer';
import { JobsService } from '../jobs/jobs.service';
import { CatalogImportService } from './catalog-import.service';

@ApiTags('repositories')
@Controller('api/v1/repositories')
export class CatalogImportController {
  constructor(
    private readonly imports: CatalogImportService,
    private readonly jobs: JobsService,
  ) {}

  /** 201 with the `catalog` job that imports the catalog of the repository's existing archives. */
  @Post(':id/catalog_import')
  @SuperuserOnly()
  async launch(@CurrentUser() actor: UserEntity, @Param('id', IdPipe) id: number) {
    const job = await this.jobs.get(await this.imports.launch(actor, id));

    return serializeJob(job, await this.jobs.dependentsOf([job]));
  }
}
