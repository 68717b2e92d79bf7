import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Failed logins per e-mail and per client address, kept in PostgreSQL so that
 * every API gateway process slows down the same attacker.
 */
@Entity('login_failures')
export class LoginFailureEntity {
  /** `email:<address>` or `ip:<address>`. */
  @PrimaryColumn({ type: 'varchar', length: 300 })
  key: string;

  @Column({ type: 'integer', default: 0 })
  failures: number;

  @Column({ type: 'timestamptz' })
  lastFailure: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;
}
