import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsString, MaxLength, MinLength } from 'class-validator';

import { IsOptionalNotNull, IsRepositoryPath } from '../common/validators';

export class CreateRepositoryDto {
  @ApiProperty({ example: 'Main' })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name: string;

  @ApiProperty({ example: 'borg@backup.example.com:/srv/borg/main' })
  @IsRepositoryPath()
  // The column's width; a long host leaves less room for the path than the parser allows.
  @MaxLength(1024)
  path: string;

  @ApiPropertyOptional({
    writeOnly: true,
    description: 'borg passphrase; stored encrypted and returned as $encrypted$',
  })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(1024)
  repository_key?: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsBoolean()
  ready?: boolean;

  @ApiPropertyOptional({ default: true })
  @IsOptionalNotNull()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateRepositoryDto extends PartialType(CreateRepositoryDto, {
  skipNullProperties: false,
}) {}
