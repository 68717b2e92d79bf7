import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';

import { POLICY_TYPES, PolicyType } from '@cyborg/domain';

import { IsOptionalNotNull, IsPlainObject } from '../common/validators';

const NO_NUL = /^[^\0]*$/;
/** Ids are PostgreSQL integers; a larger number would fail in SQL instead of naming the field. */
const MAX_ID = 2_147_483_647;

function Keep() {
  return (target: object, property: string) => {
    ApiPropertyOptional({ nullable: true, minimum: 0 })(target, property);
    IsOptional()(target, property);
    ValidateIf((_, v) => v !== null)(target, property);
    IsInt()(target, property);
    Min(0)(target, property);
    Max(100_000)(target, property);
  };
}

function Hook() {
  return (target: object, property: string) => {
    ApiPropertyOptional({ description: 'Command run as written on each client; superusers only' })(
      target,
      property,
    );
    IsOptionalNotNull()(target, property);
    IsString()(target, property);
    MaxLength(8192)(target, property);
    Matches(NO_NUL, { message: `${property} must not contain NUL characters` })(target, property);
  };
}

export class CreatePolicyDto {
  @ApiProperty({ example: 'Nightly /etc' })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name: string;

  @ApiProperty({ enum: POLICY_TYPES })
  @IsIn(POLICY_TYPES)
  policy_type: PolicyType;

  @ApiPropertyOptional({ type: [Number], description: 'client ids' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(10_000)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(MAX_ID, { each: true })
  clients?: number[];

  @ApiProperty({ description: 'repository id' })
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  repository: number;

  @ApiProperty({ description: 'schedule id' })
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  schedule: number;

  @ApiPropertyOptional({
    description: 'options of the policy type (folders, exclude, databases...)',
  })
  @IsOptionalNotNull()
  @IsPlainObject()
  extra_vars?: Record<string, unknown>;

  @Keep() keep_hourly?: number | null;
  @Keep() keep_daily?: number | null;
  @Keep() keep_weekly?: number | null;
  @Keep() keep_monthly?: number | null;
  @Keep() keep_yearly?: number | null;

  @ApiPropertyOptional({ description: 'VM provider module, for vm policies' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(255)
  // A module name: no leading "-" that a command would read as an option, no "." or "..".
  @Matches(/^([A-Za-z0-9_][A-Za-z0-9_.-]*)?$/, { message: 'vmprovider must be a module name' })
  vmprovider?: string;

  @Hook() prehook?: string;
  @Hook() posthook?: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsBoolean()
  mode_pull?: boolean;

  @ApiPropertyOptional({ default: true })
  @IsOptionalNotNull()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdatePolicyDto extends PartialType(CreatePolicyDto, { skipNullProperties: false }) {}
