import {
  Column,
  Entity,
  Generated,
  Index,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
} from 'typeorm';

import type { PolicyType } from '@cyborg/domain';

import { AuditedEntity } from './audited.entity';
import { ClientEntity } from './client.entity';
import { RepositoryEntity } from './repository.entity';
import { ScheduleEntity } from './schedule.entity';

/** What to back up on which clients, to which repository, when, and how many archives to keep. */
@Entity('policies')
export class PolicyEntity extends AuditedEntity {
  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 20 })
  policyType: PolicyType;

  @ManyToMany(() => ClientEntity, (client) => client.policies, { onDelete: 'CASCADE' })
  @JoinTable({
    name: 'policy_clients',
    joinColumn: { name: 'policy_id' },
    inverseJoinColumn: { name: 'client_id' },
  })
  clients: ClientEntity[];

  @ManyToOne(() => RepositoryEntity, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'repository_id' })
  repository: RepositoryEntity;

  @ManyToOne(() => ScheduleEntity, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'schedule_id' })
  schedule: ScheduleEntity;

  /** Options of the policy type; a `password` in it is stored encrypted. */
  @Column({ type: 'jsonb', default: {} })
  extraVars: Record<string, unknown>;

  @Column({ type: 'integer', nullable: true })
  keepHourly: number | null;

  @Column({ type: 'integer', nullable: true })
  keepDaily: number | null;

  @Column({ type: 'integer', nullable: true })
  keepWeekly: number | null;

  @Column({ type: 'integer', nullable: true })
  keepMonthly: number | null;

  @Column({ type: 'integer', nullable: true })
  keepYearly: number | null;

  @Column({ type: 'varchar', length: 255, default: '' })
  vmprovider: string;

  /** Commands run as written on each client; only superusers may set them. */
  @Column({ type: 'text', default: '' })
  prehook: string;

  @Column({ type: 'text', default: '' })
  posthook: string;

  @Column({ default: false })
  modePull: boolean;

  @Index('policies_next_run_idx')
  @Column({ type: 'timestamptz', nullable: true })
  nextRun: Date | null;

  @Column({ default: true })
  enabled: boolean;

  @Column({ type: 'uuid', unique: true })
  @Generated('uuid')
  uuid: string;
}
