import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import { generateSshKeyPair, InvalidSshKeyError, publicKeyOf, SshKeyType } from '@cyborg/crypto';
import { SettingEntity } from '@cyborg/database';
import { ENCRYPTED_PLACEHOLDER } from '@cyborg/domain';

import { ListSpec } from '../common/list-query';
import { ResourceService } from '../common/resource.service';
import { SecretsService } from '../common/secrets.service';

export const SSH_KEY_SETTING = 'cyborgbackup_ssh_key';
const MAX_STRING = 4096;

function refuse(message: string): BadRequestException {
  return new BadRequestException({ value: [message] });
}

@Injectable()
export class SettingsService extends ResourceService<SettingEntity> {
  protected readonly relations: string[] = [];
  protected readonly listSpec: ListSpec = {
    alias: 'setting',
    fields: {
      id: { path: 'setting.id', type: 'number' },
      key: { path: 'setting.key', type: 'string' },
      setting_type: { path: 'setting.settingType', type: 'string' },
      group: { path: 'setting.group', type: 'string' },
      order: { path: 'setting.order', type: 'number' },
    },
    search: ['key', 'group'],
    defaultOrder: 'group,order',
  };

  constructor(
    @InjectRepository(SettingEntity) settings: Repository<SettingEntity>,
    private readonly secrets: SecretsService,
  ) {
    super(settings);
  }

  async update(id: number, value: unknown): Promise<SettingEntity> {
    const setting = await this.get(id);
    setting.value = this.stored(setting, value);
    await this.repository.save(setting);

    return this.get(id);
  }

  /** Makes the system SSH key; refuses to replace one unless forced. Returns the public key. */
  async generateSshKey(type: SshKeyType, bits: number, force: boolean): Promise<string> {
    const setting = await this.byKey(SSH_KEY_SETTING);
    if (setting.value !== '' && !force) {
      throw new ConflictException('An SSH key already exists; send "force": true to replace it.');
    }
    const pair = generateSshKeyPair(type, bits);
    setting.value = this.secrets.encrypt(pair.privateKey);
    await this.repository.save(setting);

    return pair.publicKey;
  }

  async publicKey(): Promise<string> {
    const setting = await this.byKey(SSH_KEY_SETTING);
    if (setting.value === '') throw new NotFoundException('No SSH key is configured yet.');

    return publicKeyOf(this.secrets.open(setting.value));
  }

  private async byKey(key: string): Promise<SettingEntity> {
    const setting = await this.repository.findOneBy({ key });
    if (!setting) throw new NotFoundException(`Setting ${key} is missing; run the migrations.`);

    return setting;
  }

  /** Checks a new value against the setting's type and returns its stored text. */
  private stored(setting: SettingEntity, value: unknown): string {
    switch (setting.settingType) {
      case 'boolean':
        if (typeof value !== 'boolean') throw refuse('Must be true or false.');

        return String(value);
      case 'integer':
        if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
          throw refuse('Must be a whole number of 0 or more.');
        }

        return String(value);
      case 'string':
        if (typeof value !== 'string' || value.length > MAX_STRING || /[\0\r\n]/.test(value)) {
          throw refuse(`Must be a single line of at most ${MAX_STRING} characters.`);
        }

        return value;
      case 'privatekey':
      case 'password': {
        if (typeof value !== 'string' || value.length > 16_384) throw refuse('Must be a string.');
        if (value === ENCRYPTED_PLACEHOLDER) return setting.value;
        if (setting.settingType === 'privatekey' && value !== '') this.assertPrivateKey(value);

        return this.secrets.seal(value, setting.value) ?? '';
      }
    }
  }

  private assertPrivateKey(value: string): void {
    try {
      publicKeyOf(value);
    } catch (error) {
      if (error instanceof InvalidSshKeyError) {
        throw refuse(`Not a usable SSH private key: ${error.message}.`);
      }
      throw error;
    }
  }
}
