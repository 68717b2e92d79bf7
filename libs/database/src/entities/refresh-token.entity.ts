import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { UserEntity } from './user.entity';

/** One issued JWT refresh token. It is spent on first use, so a stolen copy works at most once. */
@Entity('refresh_tokens')
export class RefreshTokenEntity {
  @PrimaryColumn({ type: 'uuid' })
  jti: string;

  @ManyToOne(() => UserEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user: UserEntity;

  @Column({ type: 'timestamptz' })
  expires: Date;

  @Column({ type: 'timestamptz', nullable: true })
  used: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created: Date;
}
