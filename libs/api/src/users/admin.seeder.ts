import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import { APP_CONFIG, AppConfig } from '@cyborg/config';
import { UserEntity } from '@cyborg/database';

import { PasswordService } from '../auth/password.service';

export const ADMIN_EMAIL = 'admin@cyborg.local';

/** On the very first start, when there is no user at all, creates the administrator. */
@Injectable()
export class AdminSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('Users');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly passwords: PasswordService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.users.count()) > 0) return;
    const password = this.config.adminPassword ?? 'admin';
    const inserted = await this.users
      .createQueryBuilder()
      .insert()
      .values({
        email: ADMIN_EMAIL,
        password: await this.passwords.hash(password),
        isSuperuser: true,
      })
      .orIgnore()
      .execute();
    if (inserted.identifiers.length === 0) return;

    this.logger.log(`Created the superuser ${ADMIN_EMAIL}`);
    if (!this.config.adminPassword) {
      this.logger.warn(
        `!!! ${ADMIN_EMAIL} has the password "admin". Change it now, or set ` +
          'CYBORG_ADMIN_PASSWORD before the first start. !!!',
      );
    }
  }
}
