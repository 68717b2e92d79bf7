import { Column, Entity, Generated } from 'typeorm';

import { AuditedEntity } from './audited.entity';

@Entity('schedules')
export class ScheduleEntity extends AuditedEntity {
  @Column({ type: 'varchar', length: 255 })
  name: string;

  /** Five cron fields, or six where the original system appended a year. */
  @Column({ type: 'varchar', length: 255 })
  crontab: string;

  @Column({ default: true })
  enabled: boolean;

  @Column({ type: 'uuid', unique: true })
  @Generated('uuid')
  uuid: string;
}
