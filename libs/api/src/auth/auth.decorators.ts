import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';

import type { UserEntity } from '@cyborg/database';

export const IS_PUBLIC = 'cyborg:public';
export const SUPERUSER_ONLY = 'cyborg:superuser-only';

/** The route answers without credentials. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The route changes what only superusers manage: users, settings, secrets, backup definitions. */
export const SuperuserOnly = () => SetMetadata(SUPERUSER_ONLY, true);

export interface AuthenticatedRequest {
  user?: UserEntity;
}

export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();

  return request.user;
});
