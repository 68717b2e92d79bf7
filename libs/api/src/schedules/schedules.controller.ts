import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { CrudController } from '../common/crud.controller';
import { SchedulesService } from './schedules.service';
import { CreateScheduleDto, UpdateScheduleDto } from './schedule.dto';
import { serializeSchedule } from './schedule.serializer';

@ApiTags('schedules')
@Controller('api/v1/schedules')
export class SchedulesController extends CrudController({
  service: SchedulesService,
  createDto: CreateScheduleDto,
  updateDto: UpdateScheduleDto,
  serialize: serializeSchedule,
}) {}
