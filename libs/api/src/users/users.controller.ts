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
import { CreateUserDto, UpdateUserDto } from './user.dto';
import { serializeUser } from './user.serializer';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  async list(@CurrentUser() actor: UserEntity, @Req() req: Request) {
    return toPage(await this.users.listFor(actor, listRequest(req)), serializeUser);
  }

  @Post()
  @SuperuserOnly()
  async create(@Body() body: CreateUserDto) {
    return serializeUser(await this.users.create(body));
  }

  @Get(':id')
  async get(@CurrentUser() actor: UserEntity, @Param('id', IdPipe) id: number) {
    return serializeUser(await this.users.getFor(actor, id));
  }

  @Patch(':id')
  async patch(
    @CurrentUser() actor: UserEntity,
    @Param('id', IdPipe) id: number,
    @Body() body: UpdateUserDto,
  ) {
    return serializeUser(await this.users.update(actor, id, body));
  }

  @Put(':id')
  async put(
    @CurrentUser() actor: UserEntity,
    @Param('id', IdPipe) id: number,
    @Body() body: UpdateUserDto,
  ) {
    return serializeUser(await this.users.update(actor, id, body));
  }

  @Delete(':id')
  @SuperuserOnly()
  @HttpCode(204)
  async remove(@CurrentUser() actor: UserEntity, @Param('id', IdPipe) id: number): Promise<void> {
    await this.users.removeFor(actor, id);
  }
}
