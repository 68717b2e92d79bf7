import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

import { IsRepositoryPath } from '../common/validators';

export class CreateRepositoryDto {
  @ApiProperty({ example: 'Main' })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name: string;

  @ApiProperty({ example: 'borg@backup.example.com:/srv/borg/main' })
  @IsRepositoryPath()
  path: string;

  @ApiPropertyOptional({
    writeOnly: true,
    description: 'borg passphrase; stored encrypted and returned as $encrypted$',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  repository_key?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  ready?: boolean;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateRepositoryDto extends PartialType(CreateRepositoryDto) {}
