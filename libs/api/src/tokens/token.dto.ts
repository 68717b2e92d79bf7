import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional, IsString, MaxLength } from 'class-validator';

import { IsOptionalNotNull } from '../common/validators';

export class CreateApiTokenDto {
  @ApiPropertyOptional({ example: 'nightly report script' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(150)
  description?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; never expires when absent' })
  @IsOptional()
  @IsDateString()
  expires?: string;
}
