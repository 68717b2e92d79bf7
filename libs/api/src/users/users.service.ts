import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import { UserEntity } from '@cyborg/database';

import { PasswordService } from '../auth/password.service';
import { ListSpec } from '../common/list-query';
import { definedOnly } from '../common/object.util';
import { ListRequest, ResourceService } from '../common/resource.service';
import { CreateUserDto, SELF_EDITABLE, UpdateUserDto } from './user.dto';

@Injectable()
export class UsersService extends ResourceService<UserEntity> {
  protected readonly relations: string[] = [];
  protected readonly listSpec: ListSpec = {
    alias: 'user',
    fields: {
      id: { path: 'user.id', type: 'number' },
      email: { path: 'user.email', type: 'string' },
      first_name: { path: 'user.firstName', type: 'string' },
      last_name: { path: 'user.lastName', type: 'string' },
      is_superuser: { path: 'user.isSuperuser', type: 'boolean' },
      is_active: { path: 'user.isActive', type: 'boolean' },
      created: { path: 'user.created', type: 'date' },
      modified: { path: 'user.modified', type: 'date' },
      last_login: { path: 'user.lastLogin', type: 'date' },
    },
    search: ['email', 'first_name', 'last_name'],
  };

  constructor(
    @InjectRepository(UserEntity) users: Repository<UserEntity>,
    private readonly passwords: PasswordService,
  ) {
    super(users);
  }

  /** Superusers see every account; anyone else sees only their own. */
  listFor(actor: UserEntity, request: ListRequest) {
    return this.list(request, (qb) => {
      if (!actor.isSuperuser) qb.andWhere('user.id = :self', { self: actor.id });
    });
  }

  async getFor(actor: UserEntity, id: number): Promise<UserEntity> {
    if (!actor.isSuperuser && actor.id !== id) return this.get(0);

    return this.get(id);
  }

  async create(body: CreateUserDto): Promise<UserEntity> {
    await this.assertEmailFree(body.email);
    const user = this.repository.create({
      ...this.toEntity(body),
      email: body.email.toLowerCase(),
      password: await this.passwords.hash(body.password),
    });
    const saved = await this.repository.save(user);

    return this.get(saved.id);
  }

  async update(actor: UserEntity, id: number, body: UpdateUserDto): Promise<UserEntity> {
    const user = await this.getFor(actor, id);
    if (!actor.isSuperuser) {
      const refused = Object.keys(body).filter(
        (k) => !SELF_EDITABLE.includes(k as keyof UpdateUserDto),
      );
      if (refused.length > 0) {
        throw new ForbiddenException(`Only a superuser may change: ${refused.join(', ')}.`);
      }
    }
    if (actor.id === id && (body.is_superuser === false || body.is_active === false)) {
      throw new ConflictException(
        'You cannot remove your own superuser status or deactivate yourself.',
      );
    }
    if (body.email !== undefined && body.email.toLowerCase() !== user.email) {
      await this.assertEmailFree(body.email);
      user.email = body.email.toLowerCase();
    }
    Object.assign(user, this.toEntity(body));
    if (body.password !== undefined) user.password = await this.passwords.hash(body.password);
    await this.repository.save(user);

    return this.get(id);
  }

  async removeFor(actor: UserEntity, id: number): Promise<void> {
    if (actor.id === id) throw new ConflictException('You cannot delete your own account.');
    await this.remove(id);
  }

  private async assertEmailFree(email: string): Promise<void> {
    if (await this.repository.existsBy({ email: email.toLowerCase() })) {
      throw new BadRequestException({ email: ['A user with this e-mail already exists.'] });
    }
  }

  private toEntity(body: UpdateUserDto): Partial<UserEntity> {
    return definedOnly<Partial<UserEntity>>({
      firstName: body.first_name,
      lastName: body.last_name,
      isSuperuser: body.is_superuser,
      isActive: body.is_active,
      notifyBackupFailed: body.notify_backup_failed,
      notifyBackupSuccess: body.notify_backup_success,
      notifyBackupSummary: body.notify_backup_summary,
      notifyBackupDaily: body.notify_backup_daily,
      notifyBackupWeekly: body.notify_backup_weekly,
      notifyBackupMonthly: body.notify_backup_monthly,
    });
  }
}
