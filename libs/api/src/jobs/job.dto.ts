import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

import { IsPlainObject } from '../common/validators';

export class LaunchPolicyDto {
  @ApiPropertyOptional({
    description: "options for this run only, over the policy's own; checked like them",
  })
  @IsOptional()
  @IsPlainObject()
  extra_vars?: Record<string, unknown>;

  @ApiPropertyOptional({ minimum: 0, maximum: 5, default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(5)
  verbosity?: number;
}
