import { Column, Entity, Generated, Index, ManyToMany } from 'typeorm';

import { AuditedEntity } from './audited.entity';
import type { PolicyEntity } from './policy.entity';

/** A server to back up, reached over SSH. */
@Entity('clients')
export class ClientEntity extends AuditedEntity {
  @Index('clients_hostname_key', { unique: true })
  @Column({ type: 'varchar', length: 253 })
  hostname: string;

  /** Filled by client preparation. */
  @Column({ type: 'varchar', length: 255, default: '' })
  ip: string;

  /** borg version found by client preparation. */
  @Column({ type: 'varchar', length: 255, default: '' })
  version: string;

  @Column({ type: 'integer', default: 22 })
  port: number;

  @Column({ default: false })
  ready: boolean;

  @Column({ default: false })
  hypervisorReady: boolean;

  @Column({ type: 'varchar', length: 253, default: '' })
  hypervisorName: string;

  /** KiB/s handed to borg's --upload-ratelimit; null means unlimited. */
  @Column({ type: 'integer', nullable: true })
  bandwidthLimit: number | null;

  @Column({ default: true })
  enabled: boolean;

  @Column({ type: 'uuid', unique: true })
  @Generated('uuid')
  uuid: string;

  @ManyToMany('PolicyEntity', (policy: PolicyEntity) => policy.clients, { onDelete: 'CASCADE' })
  policies: PolicyEntity[];
}
