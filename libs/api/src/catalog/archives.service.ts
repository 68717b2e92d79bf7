import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import { CatalogArchiveEntity } from '@cyborg/database';

import { ListQueryBuilder, ListSpec } from '../common/list-query';
import { ResourceService } from '../common/resource.service';

/** Cataloged archives: per client, policy or repository, newest first. Read-only. */
@Injectable()
export class ArchivesService extends ResourceService<CatalogArchiveEntity> {
  protected readonly relations = ['repository', 'client', 'policy', 'job'];
  protected readonly listSpec: ListSpec = {
    alias: 'archive',
    joins: { client: 'archive.client', policy: 'archive.policy', repository: 'archive.repository' },
    fields: {
      id: { path: 'archive.id', type: 'number' },
      name: { path: 'archive.name', type: 'string' },
      archive_time: { path: 'archive.archiveTime', type: 'date' },
      entries: { path: 'archive.entries', type: 'number' },
      cataloged: { path: 'archive.cataloged', type: 'date' },
      repository: { path: 'archive.repository', type: 'number' },
      repository__name: { path: 'repository.name', type: 'string', join: 'repository' },
      client: { path: 'archive.client', type: 'number' },
      client__hostname: { path: 'client.hostname', type: 'string', join: 'client' },
      policy: { path: 'archive.policy', type: 'number' },
      policy__name: { path: 'policy.name', type: 'string', join: 'policy' },
      job: { path: 'archive.job', type: 'number' },
    },
    search: ['name'],
    defaultOrder: '-archive_time',
  };

  constructor(@InjectRepository(CatalogArchiveEntity) archives: Repository<CatalogArchiveEntity>) {
    super(archives);
  }

  /**
   * Ids of the archives matching archive-level filters (`?client=3`,
   * `?name__startswith=web1-`...), so entry queries can name their partitions.
   */
  async idsMatching(query: Record<string, unknown>): Promise<number[]> {
    const qb = this.repository.createQueryBuilder('archive');
    new ListQueryBuilder(this.listSpec, qb).apply(query);
    const rows = await qb.select('archive.id', 'id').getRawMany<{ id: number }>();

    return rows.map((r) => r.id);
  }
}
