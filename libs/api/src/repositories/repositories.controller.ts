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
import { CreateRepositoryDto, UpdateRepositoryDto } from './repository.dto';
import { serializeRepository } from './repository.serializer';
import { RepositoriesService } from './repositories.service';

@ApiTags('repositories')
@Controller('api/v1/repositories')
export class RepositoriesController {
  constructor(private readonly repositories: RepositoriesService) {}

  @Get()
  async list(@Req() req: Request) {
    return toPage(await this.repositories.list(listRequest(req)), serializeRepository);
  }

  @Post()
  @SuperuserOnly()
  async create(@CurrentUser() actor: UserEntity, @Body() body: CreateRepositoryDto) {
    return serializeRepository(await this.repositories.create(actor, body));
  }

  @Get(':id')
  async get(@Param('id', IdPipe) id: number) {
    return serializeRepository(await this.repositories.get(id));
  }

  @Patch(':id')
  @SuperuserOnly()
  async patch(
    @CurrentUser() actor: UserEntity,
    @Param('id', IdPipe) id: number,
    @Body() body: UpdateRepositoryDto,
  ) {
    return serializeRepository(await this.repositories.update(actor, id, body));
  }

  @Put(':id')
  @SuperuserOnly()
  async put(
    @CurrentUser() actor: UserEntity,
    @Param('id', IdPipe) id: number,
    @Body() body: UpdateRepositoryDto,
  ) {
    return serializeRepository(await this.repositories.update(actor, id, body));
  }

  @Delete(':id')
  @SuperuserOnly()
  @HttpCode(204)
  async remove(@Param('id', IdPipe) id: number): Promise<void> {
    await this.repositories.remove(id);
  }
}
