import { Column, Entity, Generated, JoinColumn, ManyToOne } from 'typeorm';

import { AuditedEntity } from './audited.entity';
import { ScheduleEntity } from './schedule.entity';

/** A borg repository reached over SSH. */
@Entity('repositories')
export class RepositoryEntity extends AuditedEntity {
  @Column({ type: 'varchar', length: 255 })
  name: string;

  /** `user@host:/path` or `ssh://user@host[:port]/path`. */
  @Column({ type: 'varchar', length: 1024 })
  path: string;

  /** The borg passphrase, encrypted with SecretBox; empty when none was given. */
  @Column({ type: 'text', default: '', select: false })
  repositoryKey: string;

  @Column({ type: 'bigint', default: 0, transformer: bigintTransformer() })
  originalSize: number;

  @Column({ type: 'bigint', default: 0, transformer: bigintTransformer() })
  compressedSize: number;

  @Column({ type: 'bigint', default: 0, transformer: bigintTransformer() })
  deduplicatedSize: number;

  @Column({ default: false })
  ready: boolean;

  @Column({ default: true })
  enabled: boolean;

  /** When `borg check` runs on the repository by itself; null for never. */
  @ManyToOne(() => ScheduleEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'check_schedule_id' })
  checkSchedule: ScheduleEntity | null;

  @Column({ type: 'timestamptz', nullable: true })
  nextCheck: Date | null;

  @Column({ type: 'uuid', unique: true })
  @Generated('uuid')
  uuid: string;
}

/** pg returns bigint as a string; byte counts stay far below 2^53, so numbers are safe. */
export function bigintTransformer() {
  return {
    to: (value: number | null | undefined) => value,
    from: (value: string | null) => (value === null ? null : Number(value)),
  };
}
