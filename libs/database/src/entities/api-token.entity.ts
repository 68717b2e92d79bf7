import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';

import { UserEntity } from './user.entity';

/**
 * A long-lived token for scripts (`Authorization: Token <key>`). Only a keyed
 * hash of the key is kept, so a database dump gives no usable token.
 */
@Entity('api_tokens')
export class ApiTokenEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @ManyToOne(() => UserEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user: UserEntity;

  @Column({ type: 'varchar', length: 150, default: '' })
  description: string;

  @Index('api_tokens_key_hash_key', { unique: true })
  @Column({ type: 'char', length: 64 })
  keyHash: string;

  /** First characters of the key, so an operator can tell tokens apart. */
  @Column({ type: 'varchar', length: 8 })
  keyPrefix: string;

  @Column({ type: 'timestamptz', nullable: true })
  expires: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsed: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created: Date;
}
