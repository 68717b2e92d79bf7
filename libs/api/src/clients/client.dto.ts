import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsInt,
  IsIP,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';

import { IsHostnameOrIp, IsOptionalNotNull } from '../common/validators';

export class CreateClientDto {
  @ApiProperty({ example: 'web1.example.com' })
  @IsHostnameOrIp()
  hostname: string;

  @ApiPropertyOptional({ description: 'Filled by client preparation' })
  @IsOptionalNotNull()
  @ValidateIf((_, v) => v !== '')
  @IsIP()
  ip?: string;

  @ApiPropertyOptional({ description: 'borg version, filled by client preparation' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(255)
  version?: string;

  @ApiPropertyOptional({ default: 22 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsBoolean()
  ready?: boolean;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsBoolean()
  hypervisor_ready?: boolean;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @ValidateIf((_, v) => v !== '')
  @IsHostnameOrIp()
  hypervisor_name?: string;

  @ApiPropertyOptional({ description: 'KiB/s; null for no limit', nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  bandwidth_limit?: number | null;

  @ApiPropertyOptional({ default: true })
  @IsOptionalNotNull()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateClientDto extends PartialType(CreateClientDto, { skipNullProperties: false }) {}
