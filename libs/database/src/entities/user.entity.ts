import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

@Entity('users')
export class UserEntity {
  @PrimaryGeneratedColumn()
  id: number;

  /** Stored lower-cased: the e-mail is the login and must be unique whatever its case. */
  @Index('users_email_key', { unique: true })
  @Column({ type: 'varchar', length: 254 })
  email: string;

  /** argon2id hash; never leaves the database. */
  @Column({ type: 'text', select: false })
  password: string;

  @Column({ type: 'varchar', length: 150, default: '' })
  firstName: string;

  @Column({ type: 'varchar', length: 150, default: '' })
  lastName: string;

  @Column({ default: false })
  isSuperuser: boolean;

  @Column({ default: true })
  isActive: boolean;

  @Column({ default: false })
  notifyBackupFailed: boolean;

  @Column({ default: false })
  notifyBackupSuccess: boolean;

  @Column({ default: false })
  notifyBackupSummary: boolean;

  @Column({ default: false })
  notifyBackupDaily: boolean;

  @Column({ default: false })
  notifyBackupWeekly: boolean;

  @Column({ default: false })
  notifyBackupMonthly: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  lastLogin: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  modified: Date;
}
