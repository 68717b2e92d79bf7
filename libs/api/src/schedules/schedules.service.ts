import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import { ScheduleEntity, UserEntity } from '@cyborg/database';

import { ListSpec } from '../common/list-query';
import { definedOnly } from '../common/object.util';
import { ResourceService } from '../common/resource.service';
import { AUDIT_RELATIONS } from '../common/serialize.util';
import { NextRunService } from '../policies/next-run.service';
import { CreateScheduleDto, UpdateScheduleDto } from './schedule.dto';

@Injectable()
export class SchedulesService extends ResourceService<ScheduleEntity> {
  protected readonly relations = AUDIT_RELATIONS;
  protected readonly listSpec: ListSpec = {
    alias: 'schedule',
    fields: {
      id: { path: 'schedule.id', type: 'number' },
      name: { path: 'schedule.name', type: 'string' },
      crontab: { path: 'schedule.crontab', type: 'string' },
      enabled: { path: 'schedule.enabled', type: 'boolean' },
      uuid: { path: 'schedule.uuid', type: 'string' },
      created: { path: 'schedule.created', type: 'date' },
      modified: { path: 'schedule.modified', type: 'date' },
    },
    search: ['name', 'crontab'],
  };

  constructor(
    @InjectRepository(ScheduleEntity) schedules: Repository<ScheduleEntity>,
    private readonly nextRuns: NextRunService,
  ) {
    super(schedules);
  }

  async create(actor: UserEntity, body: CreateScheduleDto): Promise<ScheduleEntity> {
    const saved = await this.repository.save(
      this.repository.create({ ...this.toEntity(body), createdBy: actor, modifiedBy: actor }),
    );

    return this.get(saved.id);
  }

  async update(actor: UserEntity, id: number, body: UpdateScheduleDto): Promise<ScheduleEntity> {
    const schedule = await this.get(id);
    await this.repository.save({ ...schedule, ...this.toEntity(body), modifiedBy: actor });
    await this.nextRuns.refreshForSchedule(id);

    return this.get(id);
  }

  private toEntity(body: UpdateScheduleDto): Partial<ScheduleEntity> {
    return definedOnly<Partial<ScheduleEntity>>({
      name: body.name,
      crontab: body.crontab?.trim().replace(/\s+/g, ' '),
      enabled: body.enabled,
    });
  }
}
