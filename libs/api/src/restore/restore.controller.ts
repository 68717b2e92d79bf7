import { BadRequestException, Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';

import { ClientEntity, JobEntity, type UserEntity } from '@cyborg/database';
import { hasControlCharacters, isPlainObject } from '@cyborg/domain';
import { JobLauncher, logJobState } from '@cyborg/jobs';

import { CurrentUser, SuperuserOnly } from '../auth/auth.decorators';
import { serializeJob } from '../jobs/job.serializer';
import { JobsService } from '../jobs/jobs.service';

const MAX_PATH = 4096;
const MAX_ITEMS = 1000;

interface RestoreRequest {
  archiveName: string;
  destination: ClientEntity;
  destFolder: string;
  items: string[];
  dryRun: boolean;
}

function text(value: unknown, field: string, errors: Record<string, string[]>): string | null {
  if (typeof value !== 'string' || value === '') {
    errors[field] = ['This field is required and must be a non-empty string.'];
  } else if (value.length > MAX_PATH || hasControlCharacters(value)) {
    errors[field] = [`Must be at most ${MAX_PATH} characters, without control characters.`];
  } else {
    return value;
  }

  return null;
}

/**
 * Restores an archive, or some items of it, onto any client: the job runs
 * borg extract there, into the destination folder. Superusers only, since
 * it writes files as the backup user wherever it is told to.
 */
@ApiTags('restore')
@Controller('api/v1/restore')
export class RestoreController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly launcher: JobLauncher,
  ) {}

  @Post()
  @HttpCode(201)
  @SuperuserOnly()
  async restore(@CurrentUser() actor: UserEntity, @Body() body: unknown) {
    const request = await this.parse(body);
    const source = await this.dataSource.getRepository(JobEntity).findOne({
      where: { archiveName: request.archiveName, jobType: 'job' },
      relations: ['repository', 'policy'],
      order: { id: 'DESC' },
    });
    if (!source?.repository) {
      throw new BadRequestException({
        archive_name: ['No backup of this system made this archive.'],
      });
    }
    const repository = source.repository;
    const job = await this.dataSource.transaction((manager) =>
      this.launcher.launchJob(manager, {
        name: `Restore ${request.archiveName} on ${request.destination.hostname}`,
        jobType: 'restore',
        launchType: 'manual',
        policy: source.policy,
        client: request.destination,
        repository,
        archiveName: request.archiveName,
        extraVars: {
          archive_name: request.archiveName,
          dest_folder: request.destFolder,
          item: request.items,
          dry_run: request.dryRun,
        },
        createdBy: actor,
        modifiedBy: actor,
      }),
    );
    logJobState(job, { explanation: `restore requested by ${actor.email}` });

    return serializeJob(await this.jobs.get(job.id), new Map());
  }

  private async parse(body: unknown): Promise<RestoreRequest> {
    if (!isPlainObject(body))
      throw new BadRequestException({ non_field_errors: ['Expected a JSON object.'] });
    const errors: Record<string, string[]> = {};
    const allowed = ['archive_name', 'destination', 'dest_folder', 'item', 'dry_run'];
    for (const key of Object.keys(body)) {
      if (!allowed.includes(key)) errors[key] = ['Unknown field.'];
    }
    const archiveName = text(body.archive_name, 'archive_name', errors);
    const destFolder = text(body.dest_folder, 'dest_folder', errors);
    if (destFolder !== null && !destFolder.startsWith('/')) {
      errors.dest_folder = ['Must be an absolute path starting with "/".'];
    }
    let items: string[] = [];
    const item = body.item ?? [];
    const list = typeof item === 'string' ? (item === '' ? [] : [item]) : item;
    if (!Array.isArray(list) || list.length > MAX_ITEMS) {
      errors.item = [`Must be a path or a list of at most ${MAX_ITEMS} paths.`];
    } else {
      items = list.map((entry, index) => text(entry, `item[${index}]`, errors) ?? '');
    }
    if (body.dry_run !== undefined && typeof body.dry_run !== 'boolean') {
      errors.dry_run = ['Must be a boolean.'];
    }
    let destination: ClientEntity | null = null;
    const wanted = body.destination;
    if (typeof wanted === 'number' && Number.isSafeInteger(wanted) && wanted > 0) {
      destination = await this.dataSource.getRepository(ClientEntity).findOneBy({ id: wanted });
    } else if (
      typeof wanted === 'string' &&
      wanted.length <= 253 &&
      !hasControlCharacters(wanted)
    ) {
      destination = await this.dataSource
        .getRepository(ClientEntity)
        .findOneBy({ hostname: wanted });
    }
    if (!destination) errors.destination = ['Must be the id or the hostname of a client.'];
    if (Object.keys(errors).length > 0 || !archiveName || !destFolder || !destination) {
      throw new BadRequestException(errors);
    }

    return { archiveName, destination, destFolder, items, dryRun: body.dry_run === true };
  }
}
