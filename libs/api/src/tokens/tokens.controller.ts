import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiTags } from '@nestjs/swagger';
import { Repository } from 'typeorm';

import { ApiTokenEntity, UserEntity } from '@cyborg/database';

import { CurrentUser } from '../auth/auth.decorators';
import { TokenService } from '../auth/token.service';
import { IdPipe } from '../common/id.pipe';
import { iso } from '../common/serialize.util';
import { CreateApiTokenDto } from './token.dto';

function serializeToken(token: ApiTokenEntity) {
  return {
    id: token.id,
    type: 'token',
    url: `/api/v1/tokens/${token.id}/`,
    description: token.description,
    key_prefix: token.keyPrefix,
    created: iso(token.created),
    expires: iso(token.expires),
    last_used: iso(token.lastUsed),
  };
}

/** Long-lived API tokens of the calling user, for scripts (`Authorization: Token <key>`). */
@ApiTags('tokens')
@Controller('api/v1/tokens')
export class TokensController {
  constructor(
    private readonly tokens: TokenService,
    @InjectRepository(ApiTokenEntity) private readonly apiTokens: Repository<ApiTokenEntity>,
  ) {}

  @Get()
  async list(@CurrentUser() user: UserEntity) {
    const rows = await this.apiTokens.find({
      where: { user: { id: user.id } },
      order: { id: 'DESC' },
    });

    return { count: rows.length, next: null, previous: null, results: rows.map(serializeToken) };
  }

  /** The key is in this answer only; it cannot be read again. */
  @Post()
  async create(@CurrentUser() user: UserEntity, @Body() body: CreateApiTokenDto) {
    const expires = body.expires ? new Date(body.expires) : null;
    if (expires && expires <= new Date()) {
      throw new BadRequestException({ expires: ['Must be in the future.'] });
    }
    const { token, key } = await this.tokens.createApiToken(user, body.description ?? '', expires);

    return { ...serializeToken(token), key };
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentUser() user: UserEntity, @Param('id', IdPipe) id: number): Promise<void> {
    const deleted = await this.apiTokens.delete({ id, user: { id: user.id } });
    if (!deleted.affected) throw new NotFoundException('Not found.');
  }
}
