import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import { RepositoryEntity, ScheduleEntity, UserEntity } from '@cyborg/database';

import { ListSpec } from '../common/list-query';
import { definedOnly } from '../common/object.util';
import { ResourceService } from '../common/resource.service';
import { SecretsService } from '../common/secrets.service';
import { AUDIT_RELATIONS } from '../common/serialize.util';
import { NextRunService } from '../policies/next-run.service';
import { CreateRepositoryDto, UpdateRepositoryDto } from './repository.dto';

@Injectable()
export class RepositoriesService extends ResourceService<RepositoryEntity> {
  protected readonly relations = [...AUDIT_RELATIONS, 'checkSchedule'];
  protected readonly listSpec: ListSpec = {
    alias: 'repository',
    fields: {
      id: { path: 'repository.id', type: 'number' },
      name: { path: 'repository.name', type: 'string' },
      path: { path: 'repository.path', type: 'string' },
      original_size: { path: 'repository.originalSize', type: 'number' },
      compressed_size: { path: 'repository.compressedSize', type: 'number' },
      deduplicated_size: { path: 'repository.deduplicatedSize', type: 'number' },
      ready: { path: 'repository.ready', type: 'boolean' },
      enabled: { path: 'repository.enabled', type: 'boolean' },
      next_check: { path: 'repository.nextCheck', type: 'date' },
      uuid: { path: 'repository.uuid', type: 'string' },
      created: { path: 'repository.created', type: 'date' },
      modified: { path: 'repository.modified', type: 'date' },
    },
    search: ['name', 'path'],
  };

  constructor(
    @InjectRepository(RepositoryEntity) repositories: Repository<RepositoryEntity>,
    private readonly secrets: SecretsService,
    private readonly nextRuns: NextRunService,
  ) {
    super(repositories);
  }

  /** The passphrase column is not selected by default; the serializer needs to know if it is set. */
  override async loadMany(ids: number[]): Promise<RepositoryEntity[]> {
    const rows = await super.loadMany(ids);
    if (rows.length === 0) return rows;
    const keys = await this.repository
      .createQueryBuilder('repository')
      .select(['repository.id', 'repository.repositoryKey'])
      .whereInIds(ids)
      .getMany();
    const byId = new Map(keys.map((k) => [k.id, k.repositoryKey]));
    for (const row of rows) row.repositoryKey = byId.get(row.id) ?? '';

    return rows;
  }

  async create(actor: UserEntity, body: CreateRepositoryDto): Promise<RepositoryEntity> {
    await this.checkScheduleExists(body.check_schedule);
    const saved = await this.repository.save(
      this.repository.create({ ...this.toEntity(body, ''), createdBy: actor, modifiedBy: actor }),
    );
    await this.nextRuns.refreshForRepository(saved.id);

    return this.get(saved.id);
  }

  async update(
    actor: UserEntity,
    id: number,
    body: UpdateRepositoryDto,
  ): Promise<RepositoryEntity> {
    const repository = await this.get(id);
    await this.checkScheduleExists(body.check_schedule);
    await this.repository.save({
      ...repository,
      ...this.toEntity(body, repository.repositoryKey),
      modifiedBy: actor,
    });
    if (body.enabled !== undefined || body.check_schedule !== undefined) {
      await this.nextRuns.refreshForRepository(id);
    }

    return this.get(id);
  }

  private toEntity(body: UpdateRepositoryDto, storedKey: string): Partial<RepositoryEntity> {
    return definedOnly<Partial<RepositoryEntity>>({
      name: body.name,
      path: body.path,
      repositoryKey: this.secrets.seal(body.repository_key, storedKey),
      ready: body.ready,
      enabled: body.enabled,
      checkSchedule:
        body.check_schedule === undefined
          ? undefined
          : body.check_schedule === null
            ? null
            : ({ id: body.check_schedule } as ScheduleEntity),
    });
  }

  private async checkScheduleExists(id: number | null | undefined): Promise<void> {
    if (id === undefined || id === null) return;
    const found = await this.repository.manager.exists(ScheduleEntity, { where: { id } });
    if (!found) throw new BadRequestException({ check_schedule: [`No schedule has id ${id}.`] });
  }
}
