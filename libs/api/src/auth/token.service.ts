import { createHmac, randomBytes, randomUUID } from 'node:crypto';

import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, Repository } from 'typeorm';

import { APP_CONFIG, AppConfig } from '@cyborg/config';
import { deriveKey } from '@cyborg/crypto';
import { ApiTokenEntity, RefreshTokenEntity, UserEntity } from '@cyborg/database';

const ACCESS_SECONDS = 60 * 60;
const REFRESH_SECONDS = 14 * 24 * 60 * 60;

interface Claims {
  sub: number;
  typ: 'access' | 'refresh';
  jti?: string;
}

export interface TokenPair {
  access: string;
  refresh: string;
}

/** Issues and checks JWTs and long-lived API tokens. */
@Injectable()
export class TokenService {
  private readonly signingKey: Buffer;
  private readonly hashKey: Buffer;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly jwt: JwtService,
    @InjectRepository(RefreshTokenEntity)
    private readonly refreshTokens: Repository<RefreshTokenEntity>,
    @InjectRepository(ApiTokenEntity)
    private readonly apiTokens: Repository<ApiTokenEntity>,
  ) {
    this.signingKey = deriveKey(config.secretKey, 'jwt-signing');
    this.hashKey = deriveKey(config.secretKey, 'api-token-hash');
  }

  async issuePair(user: UserEntity): Promise<TokenPair> {
    const jti = randomUUID();
    await this.refreshTokens.insert({
      jti,
      user: { id: user.id },
      expires: new Date(Date.now() + REFRESH_SECONDS * 1000),
    });

    return {
      access: this.sign({ sub: user.id, typ: 'access' }, ACCESS_SECONDS),
      refresh: this.sign({ sub: user.id, typ: 'refresh', jti }, REFRESH_SECONDS),
    };
  }

  /** Spends a refresh token and returns a new pair; a spent or unknown token gets 401. */
  async refresh(token: string): Promise<TokenPair> {
    const claims = this.verify(token, 'refresh');
    const spent = await this.refreshTokens.update(
      { jti: claims.jti, used: IsNull(), expires: MoreThan(new Date()) },
      { used: new Date() },
    );
    if (!spent.affected) throw new UnauthorizedException('Token is invalid or expired.');
    const stored = await this.refreshTokens.findOneOrFail({
      where: { jti: claims.jti },
      relations: ['user'],
    });
    if (!stored.user.isActive) throw new UnauthorizedException('User is inactive.');

    return this.issuePair(stored.user);
  }

  /** The user id of a valid access token, or 401. */
  verifyAccess(token: string): number {
    return this.verify(token, 'access').sub;
  }

  /** Makes a new API token; the key is returned once and only its hash kept. */
  async createApiToken(user: UserEntity, description: string, expires: Date | null) {
    const key = randomBytes(30).toString('base64url');
    const token = await this.apiTokens.save({
      user: { id: user.id },
      description,
      expires,
      keyHash: this.hashApiKey(key),
      keyPrefix: key.slice(0, 8),
    });

    return { token, key };
  }

  async userOfApiToken(key: string): Promise<UserEntity | null> {
    const token = await this.apiTokens.findOne({
      where: { keyHash: this.hashApiKey(key) },
      relations: ['user'],
    });
    if (!token || (token.expires && token.expires < new Date())) return null;
    // Written at most once a minute per token: lists polled by scripts should not write every time.
    if (!token.lastUsed || Date.now() - token.lastUsed.getTime() > 60_000) {
      await this.apiTokens.update(token.id, { lastUsed: new Date() });
    }

    return token.user;
  }

  private hashApiKey(key: string): string {
    return createHmac('sha256', this.hashKey).update(key).digest('hex');
  }

  private sign(claims: Claims, seconds: number): string {
    return this.jwt.sign(claims, {
      secret: this.signingKey,
      expiresIn: seconds,
      algorithm: 'HS256',
    });
  }

  private verify(token: string, typ: Claims['typ']): Claims {
    let claims: Claims;
    try {
      claims = this.jwt.verify<Claims>(token, { secret: this.signingKey, algorithms: ['HS256'] });
    } catch {
      throw new UnauthorizedException('Token is invalid or expired.');
    }
    if (claims.typ !== typ || typeof claims.sub !== 'number') {
      throw new UnauthorizedException('Token is invalid or expired.');
    }

    return claims;
  }
}
