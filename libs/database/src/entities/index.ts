import { ApiTokenEntity } from './api-token.entity';
import { CatalogArchiveEntity } from './catalog-archive.entity';
import { ClientEntity } from './client.entity';
import { ExecutorEntity } from './executor.entity';
import { JobEventEntity } from './job-event.entity';
import { JobEntity } from './job.entity';
import { KnownHostKeyEntity } from './known-host-key.entity';
import { LoginFailureEntity } from './login-failure.entity';
import { OutboxMessageEntity } from './outbox-message.entity';
import { PolicyEntity } from './policy.entity';
import { RefreshTokenEntity } from './refresh-token.entity';
import { RepositoryEntity } from './repository.entity';
import { ScheduleEntity } from './schedule.entity';
import { SettingEntity } from './setting.entity';
import { UserEntity } from './user.entity';

export * from './api-token.entity';
export * from './audited.entity';
export * from './catalog-archive.entity';
export * from './client.entity';
export * from './executor.entity';
export * from './job-event.entity';
export * from './job.entity';
export * from './known-host-key.entity';
export * from './login-failure.entity';
export * from './outbox-message.entity';
export * from './policy.entity';
export * from './refresh-token.entity';
export * from './repository.entity';
export * from './schedule.entity';
export * from './setting.entity';
export * from './user.entity';

export const ENTITIES = [
  UserEntity,
  ApiTokenEntity,
  RefreshTokenEntity,
  LoginFailureEntity,
  ClientEntity,
  ScheduleEntity,
  RepositoryEntity,
  PolicyEntity,
  SettingEntity,
  JobEntity,
  JobEventEntity,
  CatalogArchiveEntity,
  KnownHostKeyEntity,
  OutboxMessageEntity,
  ExecutorEntity,
];
