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
import { CreateClientDto, UpdateClientDto } from './client.dto';
import { serializeClient } from './client.serializer';
import { ClientsService } from './clients.service';

@ApiTags('clients')
@Controller('api/v1/clients')
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Get()
  async list(@Req() req: Request) {
    return toPage(await this.clients.list(listRequest(req)), serializeClient);
  }

  @Post()
  @SuperuserOnly()
  async create(@CurrentUser() actor: UserEntity, @Body() body: CreateClientDto) {
    return serializeClient(await this.clients.create(actor, body));
  }

  @Get(':id')
  async get(@Param('id', IdPipe) id: number) {
    return serializeClient(await this.clients.get(id));
  }

  @Patch(':id')
  @SuperuserOnly()
  async patch(
    @CurrentUser() actor: UserEntity,
    @Param('id', IdPipe) id: number,
    @Body() body: UpdateClientDto,
  ) {
    return serializeClient(await this.clients.update(actor, id, body));
  }

  @Put(':id')
  @SuperuserOnly()
  async put(
    @CurrentUser() actor: UserEntity,
    @Param('id', IdPipe) id: number,
    @Body() body: UpdateClientDto,
  ) {
    return serializeClient(await this.clients.update(actor, id, body));
  }

  @Delete(':id')
  @SuperuserOnly()
  @HttpCode(204)
  async remove(@Param('id', IdPipe) id: number): Promise<void> {
    await this.clients.remove(id);
  }
}
