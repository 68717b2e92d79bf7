import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';

import { LoginFailureEntity } from '@cyborg/database';

/** Failures allowed before each kind of key is locked, and the longest lock. */
const FREE_FAILURES = { email: 5, ip: 50 };
const MAX_LOCK_SECONDS = 15 * 60;

/**
 * Slows down password guessing. After a few failures for one e-mail (or many
 * from one address), logins for it are refused with 429 for a time that
 * doubles with each further failure, up to fifteen minutes.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    @InjectRepository(LoginFailureEntity)
    private readonly failures: Repository<LoginFailureEntity>,
  ) {}

  private keys(email: string, ip: string) {
    return [`email:${email.toLowerCase()}`, `ip:${ip}`];
  }

  async assertAllowed(email: string, ip: string): Promise<void> {
    const rows = await this.failures.findBy({ key: In(this.keys(email, ip)) });
    const now = Date.now();
    const until = Math.max(0, ...rows.map((r) => r.lockedUntil?.getTime() ?? 0));
    if (until > now) {
      const retryAfter = Math.ceil((until - now) / 1000);
      throw new HttpException(
        {
          detail: `Too many failed logins. Try again in ${retryAfter} seconds.`,
          retry_after: retryAfter,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    for (const key of this.keys(email, ip)) {
      const free = key.startsWith('ip:') ? FREE_FAILURES.ip : FREE_FAILURES.email;
      await this.failures.query(
        `INSERT INTO login_failures (key, failures, last_failure, locked_until)
         VALUES ($1, 1, now(), NULL)
         ON CONFLICT (key) DO UPDATE SET
           failures = login_failures.failures + 1,
           last_failure = now(),
           locked_until = CASE WHEN login_failures.failures + 1 >= $2
             THEN now() + make_interval(secs => LEAST($3, power(2, login_failures.failures + 1 - $2)))
             ELSE NULL END`,
        [key, free, MAX_LOCK_SECONDS],
      );
    }
  }

  async recordSuccess(email: string, ip: string): Promise<void> {
    await this.failures.delete({ key: In(this.keys(email, ip)) });
  }
}
