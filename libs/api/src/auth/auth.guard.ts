import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request } from 'express';
import { Repository } from 'typeorm';

import { UserEntity } from '@cyborg/database';

import { IS_PUBLIC, SUPERUSER_ONLY } from './auth.decorators';
import { TokenService } from './token.service';

/**
 * Runs before every route: identifies the caller from `Authorization: Bearer
 * <jwt>` or `Authorization: Token <key>`, then applies the two rules of the
 * permission model: anonymous callers reach only public routes, and only
 * superusers reach routes marked @SuperuserOnly.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { user?: UserEntity }>();
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets);
    const header = request.headers.authorization;

    if (!header) {
      if (isPublic) return true;
      throw new UnauthorizedException('Authentication credentials were not provided.');
    }
    const user = await this.identify(header).catch((error: unknown) => {
      if (isPublic) return null;
      throw error;
    });
    if (user) request.user = user;
    if (isPublic) return true;
    if (!user) throw new UnauthorizedException('Invalid credentials.');

    const superuserOnly = this.reflector.getAllAndOverride<boolean>(SUPERUSER_ONLY, targets);
    if (superuserOnly && !user.isSuperuser) {
      throw new ForbiddenException('You do not have permission to perform this action.');
    }

    return true;
  }

  private async identify(header: string): Promise<UserEntity | null> {
    const [scheme, credential] = header.split(' ', 2);
    if (!credential) throw new UnauthorizedException('Malformed Authorization header.');

    let user: UserEntity | null;
    switch (scheme.toLowerCase()) {
      case 'bearer':
      case 'jwt':
        user = await this.users.findOneBy({ id: this.tokens.verifyAccess(credential) });
        break;
      case 'token':
        user = await this.tokens.userOfApiToken(credential);
        break;
      default:
        throw new UnauthorizedException('Unsupported authorization scheme; use Bearer or Token.');
    }
    if (!user || !user.isActive) throw new UnauthorizedException('Invalid credentials.');

    return user;
  }
}
