import {
  Body,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Put,
  Req,
  type Type,
} from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import type { Request } from 'express';

import type { UserEntity } from '@cyborg/database';

import { CurrentUser, SuperuserOnly } from '../auth/auth.decorators';
import { IdPipe } from './id.pipe';
import type { ListQuery } from './list-query';
import { listRequest, type ListRequest, type Page, toPage } from './resource.service';
import { ApiValidationPipe } from './validation.pipe';

/** What a resource's service offers for the five routes every operator-managed object has. */
export interface CrudService<E, C, U> {
  list(request: ListRequest): Promise<{ page: Page<E>; query: ListQuery }>;
  get(id: number): Promise<E>;
  create(actor: UserEntity, body: C): Promise<E>;
  update(actor: UserEntity, id: number, body: U): Promise<E>;
  remove(id: number): Promise<void>;
}

export interface CrudOptions<E, C, U> {
  service: Type<CrudService<E, C, U>>;
  createDto: Type<C>;
  updateDto: Type<U>;
  serialize: (entity: E) => object;
}

/**
 * The base class of a collection's controller: list and get for every logged-in
 * user; create, update (PATCH, or PUT, which old scripts use the same way) and
 * delete for superusers. The subclass adds `@Controller(path)` and any other route.
 */
export function CrudController<E, C extends object, U extends object>(
  options: CrudOptions<E, C, U>,
) {
  const { createDto, updateDto, serialize } = options;

  class Crud {
    constructor(@Inject(options.service) readonly service: CrudService<E, C, U>) {}

    @Get()
    async list(@Req() req: Request) {
      return toPage(await this.service.list(listRequest(req)), serialize);
    }

    @Post()
    @SuperuserOnly()
    @ApiBody({ type: createDto })
    async create(
      @CurrentUser() actor: UserEntity,
      @Body(new ApiValidationPipe(createDto)) body: C,
    ) {
      return serialize(await this.service.create(actor, body));
    }

    @Get(':id')
    async get(@Param('id', IdPipe) id: number) {
      return serialize(await this.service.get(id));
    }

    @Patch(':id')
    @SuperuserOnly()
    @ApiBody({ type: updateDto })
    async patch(
      @CurrentUser() actor: UserEntity,
      @Param('id', IdPipe) id: number,
      @Body(new ApiValidationPipe(updateDto)) body: U,
    ) {
      return serialize(await this.service.update(actor, id, body));
    }

    @Put(':id')
    @SuperuserOnly()
    @ApiBody({ type: updateDto })
    async put(
      @CurrentUser() actor: UserEntity,
      @Param('id', IdPipe) id: number,
      @Body(new ApiValidationPipe(updateDto)) body: U,
    ) {
      return serialize(await this.service.update(actor, id, body));
    }

    @Delete(':id')
    @SuperuserOnly()
    @HttpCode(204)
    async remove(@Param('id', IdPipe) id: number): Promise<void> {
      await this.service.remove(id);
    }
  }

  return Crud;
}
