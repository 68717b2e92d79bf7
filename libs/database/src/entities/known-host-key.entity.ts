import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/**
 * The SSH host key pinned for a host on first contact. A connection that
 * presents another key is refused until an operator accepts the new one.
 */
@Entity('known_host_keys')
@Index('known_host_keys_host_port_key', ['host', 'port'], { unique: true })
export class KnownHostKeyEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 253 })
  host: string;

  @Column({ type: 'integer' })
  port: number;

  @Column({ type: 'varchar', length: 50 })
  keyType: string;

  /** The key in OpenSSH base64 form. */
  @Column({ type: 'text' })
  publicKey: string;

  /** `SHA256:...`, as ssh-keygen -l prints it. */
  @Column({ type: 'varchar', length: 100 })
  fingerprint: string;

  /** A key seen since pinning that differs from the pinned one, waiting for an operator. */
  @Column({ type: 'text', nullable: true })
  pendingPublicKey: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  created: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  modified: Date;
}
