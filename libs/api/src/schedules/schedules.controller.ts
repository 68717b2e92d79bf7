import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Req,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';

import type { UserEntity } from '@cyborg/database';

import { CurrentUser, SuperuserOnly } from '../auth/auth.decorators';
import { IdPipe } from '../common/id.pipe';
import { listRequest, toPage } from '../common/resource.service';
import { CreateScheduleDto, UpdateScheduleDto } from './schedule.dto';
import { serializeSchedule } from './schedule.serializer';
import { SchedulesService } from './schedules.service';

@ApiTags('schedules')
@Controller('api/v1/schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Get()
  async list(@Req() req: Request) {
    return toPage(await this.schedules.list(listRequest(req)), serializeSchedule);
  }

  @Post()
  @SuperuserOnly()
  async create(@CurrentUser() actor: UserEntity, @Body() body: CreateScheduleDto) {
    return serializeSchedule(await this.schedules.create(actor, body));
  }

  @Get(':id')
  async get(@Param('id', IdPipe) id: number) {
    return serializeSchedule(await this.schedules.get(id));
  }

  @Patch(':id')
  @SuperuserOnly()
  async patch(
    @CurrentUser() actor: UserEntity,
    @Param('id', IdPipe) id: number,
    @Body() body: UpdateScheduleDto,
  ) {
    return serializeSchedule(await this.schedules.update(actor, id, body));
  }

  @Put(':id')
  @SuperuserOnly()
  async put(
    @CurrentUser() actor: UserEntity,
    @Param('id', IdPipe) id: number,
    @Body() body: UpdateScheduleDto,
  ) {
    return serializeSchedule(await this.schedules.update(actor, id, body));
  }

  @Delete(':id')
  @SuperuserOnly()
  @HttpCode(204)
  async remove(@Param('id', IdPipe) id: number): Promise<void> {
    await this.schedules.remove(id);
  }
}
