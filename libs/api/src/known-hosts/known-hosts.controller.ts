import {
  BadRequestException,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';

import { KnownHostKeyEntity } from '@cyborg/database';
import { fingerprint, keyType } from '@cyborg/executor';

import { SuperuserOnly } from '../auth/auth.decorators';
import { IdPipe } from '../common/id.pipe';

function serialize(key: KnownHostKeyEntity) {
  const pending = key.pendingPublicKey;

  return {
    id: key.id,
    host: key.host,
    port: key.port,
    key_type: key.keyType,
    fingerprint: key.fingerprint,
    pending_fingerprint: pending ? fingerprint(Buffer.from(pending, 'base64')) : null,
    created: key.created,
    modified: key.modified,
  };
}

/**
 * The SSH host keys pinned on first contact. When a host starts offering
 * another key, its jobs fail until a superuser accepts the new key here (after
 * checking its fingerprint on the host), or deletes the entry to pin afresh.
 */
@ApiTags('known_hosts')
@Controller('api/v1/known_hosts')
@SuperuserOnly()
export class KnownHostsController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  async list() {
    const keys = await this.dataSource
      .getRepository(KnownHostKeyEntity)
      .find({ order: { id: 'ASC' } });

    return { count: keys.length, next: null, previous: null, results: keys.map(serialize) };
  }

  @Get(':id')
  async get(@Param('id', IdPipe) id: number) {
    return serialize(await this.find(id));
  }

  /** Pins the key the host now offers. */
  @Post(':id/accept')
  @HttpCode(200)
  async accept(@Param('id', IdPipe) id: number) {
    const key = await this.find(id);
    if (!key.pendingPublicKey) {
      throw new BadRequestException({
        pending_fingerprint: ['The host offers no other key to accept.'],
      });
    }
    const pending = Buffer.from(key.pendingPublicKey, 'base64');
    key.publicKey = key.pendingPublicKey;
    key.fingerprint = fingerprint(pending);
    key.keyType = keyType(pending);
    key.pendingPublicKey = null;

    return serialize(await this.dataSource.getRepository(KnownHostKeyEntity).save(key));
  }

  /** Forgets the host: its next connection pins whatever key it offers. */
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', IdPipe) id: number) {
    await this.dataSource.getRepository(KnownHostKeyEntity).delete(id);
  }

  private async find(id: number): Promise<KnownHostKeyEntity> {
    const key = await this.dataSource.getRepository(KnownHostKeyEntity).findOneBy({ id });
    if (!key) throw new NotFoundException('Not found.');

    return key;
  }
}
