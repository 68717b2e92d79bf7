import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export const SETTING_TYPES = ['boolean', 'integer', 'string', 'privatekey', 'password'] as const;
export type SettingType = (typeof SETTING_TYPES)[number];

/** One operator setting. Values of secret types are stored encrypted with SecretBox. */
@Entity('settings')
export class SettingEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 100, unique: true })
  key: string;

  @Column({ type: 'text', default: '' })
  value: string;

  @Column({ type: 'varchar', length: 20 })
  settingType: SettingType;

  @Column({ type: 'varchar', length: 100, default: '' })
  group: string;

  @Column({ type: 'integer', default: 0 })
  order: number;

  @Column({ type: 'varchar', length: 255, default: '' })
  description: string;

  @CreateDateColumn({ type: 'timestamptz' })
  created: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  modified: Date;
}
