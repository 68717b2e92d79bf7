import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsDefined, IsIn, IsInt } from 'class-validator';

import { RSA_KEY_SIZES, SSH_KEY_TYPES, SshKeyType } from '@cyborg/crypto';

import { IsOptionalNotNull } from '../common/validators';

export class UpdateSettingDto {
  @ApiProperty({ description: 'boolean, integer or string, as the setting_type says' })
  @IsDefined()
  value: unknown;
}

export class GenerateSshKeyDto {
  @ApiPropertyOptional({ enum: SSH_KEY_TYPES, default: 'ed25519' })
  @IsOptionalNotNull()
  @IsIn(SSH_KEY_TYPES)
  type?: SshKeyType;

  @ApiPropertyOptional({ enum: RSA_KEY_SIZES, description: 'bits, for RSA keys', default: 4096 })
  @IsOptionalNotNull()
  @IsInt()
  @IsIn(RSA_KEY_SIZES)
  size?: number;

  @ApiPropertyOptional({ description: 'replace an existing key', default: false })
  @IsOptionalNotNull()
  @IsBoolean()
  force?: boolean;
}
