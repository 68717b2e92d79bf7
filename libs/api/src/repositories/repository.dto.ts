import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

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

  @ApiPropertyOptional({
    nullable: true,
    description: 'id of the schedule on which `borg check` runs on the repository; null for never',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  check_schedule?: number | null;
}

export class UpdateRepositoryDto extends PartialType(CreateRepositoryDto, {
  skipNullProperties: false,
}) {}
