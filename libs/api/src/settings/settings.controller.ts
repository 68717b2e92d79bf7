import { Body, Controller, Get, Param, Patch, Post, Put, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';

import { SuperuserOnly } from '../auth/auth.decorators';
import { IdPipe } from '../common/id.pipe';
import { listRequest, toPage } from '../common/resource.service';
import { GenerateSshKeyDto, UpdateSettingDto } from './setting.dto';
import { serializeSetting } from './setting.serializer';
import { SettingsService } from './settings.service';

@ApiTags('settings')
@Controller('api/v1/settings')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  async list(@Req() req: Request) {
    return toPage(await this.settings.list(listRequest(req)), serializeSetting);
  }

  /** What POST accepts; readable by every logged-in user, like the rest of the settings. */
  @Get('generate_ssh')
  describeGenerateSsh() {
    return { types: ['ed25519', 'rsa'], rsa_sizes: [2048, 3072, 4096], default: 'ed25519' };
  }

  /** 201 with the new public key; 409 when a key exists and `force` is not set. */
  @Post('generate_ssh')
  @SuperuserOnly()
  async generateSsh(@Body() body: GenerateSshKeyDto) {
    const pubkey = await this.settings.generateSshKey(
      body.type ?? 'ed25519',
      body.size ?? 4096,
      body.force ?? false,
    );

    return { pubkey };
  }

  @Get('get_ssh_publickey')
  async publicKey() {
    return { pubkey: await this.settings.publicKey() };
  }

  @Get(':id')
  async get(@Param('id', IdPipe) id: number) {
    return serializeSetting(await this.settings.get(id));
  }

  @Patch(':id')
  @SuperuserOnly()
  async patch(@Param('id', IdPipe) id: number, @Body() body: UpdateSettingDto) {
    return serializeSetting(await this.settings.update(id, body.value));
  }

  @Put(':id')
  @SuperuserOnly()
  async put(@Param('id', IdPipe) id: number, @Body() body: UpdateSettingDto) {
    return serializeSetting(await this.settings.update(id, body.value));
  }
}
