import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsString, MaxLength, MinLength } from 'class-validator';

import { IsCrontab, IsOptionalNotNull } from '../common/validators';

export class CreateScheduleDto {
  @ApiProperty({ example: 'Every night' })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name: string;

  @ApiProperty({ example: '0 3 * * *', description: '5 cron fields, or 6 with a trailing year' })
  @IsCrontab()
  crontab: string;

  @ApiPropertyOptional({ default: true })
  @IsOptionalNotNull()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateScheduleDto extends PartialType(CreateScheduleDto, {
  skipNullProperties: false,
}) {}
