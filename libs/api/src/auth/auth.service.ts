import { Injectable, UnauthorizedException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import { UserEntity } from '@cyborg/database';

import { LoginThrottleService } from './login-throttle.service';
import { PasswordService } from './password.service';
import { TokenPair, TokenService } from './token.service';

@Injectable()
export class AuthService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly passwords: PasswordService,
    private readonly throttle: LoginThrottleService,
    private readonly tokens: TokenService,
  ) {}

  async login(email: string, password: string, ip: string): Promise<TokenPair> {
    await this.throttle.assertAllowed(email, ip);
    const user = await this.users
      .createQueryBuilder('user')
      .addSelect('user.password')
      .where('user.email = :email', { email: email.toLowerCase() })
      .getOne();
    const valid = await this.passwords.verify(user?.password ?? null, password);
    if (!user || !valid || !user.isActive) {
      await this.throttle.recordFailure(email, ip);
      throw new UnauthorizedException('No active account found with the given credentials.');
    }
    await this.throttle.recordSuccess(email, ip);
    await this.users.update(user.id, { lastLogin: new Date() });

    return this.tokens.issuePair(user);
  }
}
