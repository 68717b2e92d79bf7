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

import { IsHostnameOrIp } from '../common/validators';

export class CreateClientDto {
  @ApiProperty({ example: 'web1.example.com' })
  @IsHostnameOrIp()
  hostname: string;

  @ApiPropertyOptional({ description: 'Filled by client preparation' })
  @IsOptional()
  @ValidateIf((_, v) => v !== '')
  @IsIP()
  ip?: string;

  @ApiPropertyOptional({ description: 'borg version, filled by client preparation' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  version?: string;

  @ApiPropertyOptional({ default: 22 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  ready?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  hypervisor_ready?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
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
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateClientDto extends PartialType(CreateClientDto) {}
