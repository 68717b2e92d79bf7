import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

import { IsOptionalNotNull } from '../common/validators';

export class CreateUserDto {
  @ApiPropertyOptional({ example: 'operator@example.com' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiPropertyOptional({ writeOnly: true, minLength: 8 })
  @IsString()
  @MinLength(8)
  @MaxLength(1024)
  password: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(150)
  first_name?: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(150)
  last_name?: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsBoolean()
  is_superuser?: boolean;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsBoolean()
  notify_backup_failed?: boolean;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsBoolean()
  notify_backup_success?: boolean;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsBoolean()
  notify_backup_summary?: boolean;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsBoolean()
  notify_backup_daily?: boolean;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsBoolean()
  notify_backup_weekly?: boolean;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsBoolean()
  notify_backup_monthly?: boolean;
}

export class UpdateUserDto extends PartialType(CreateUserDto, { skipNullProperties: false }) {}

/** Fields a user who is not a superuser may change on their own account. */
export const SELF_EDITABLE: (keyof UpdateUserDto)[] = [
  'password',
  'first_name',
  'last_name',
  'notify_backup_failed',
  'notify_backup_success',
  'notify_backup_summary',
  'notify_backup_daily',
  'notify_backup_weekly',
  'notify_backup_monthly',
];
