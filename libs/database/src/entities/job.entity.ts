import { Column, Entity, Index, JoinColumn, JoinTable, ManyToMany, ManyToOne } from 'typeorm';

import type { JobStatus, JobType, LaunchType } from '@cyborg/domain';

import { AuditedEntity } from './audited.entity';
import { ClientEntity } from './client.entity';
import { PolicyEntity } from './policy.entity';
import { bigintTransformer, RepositoryEntity } from './repository.entity';

/** One unit of work on one client or repository: a backup, a prune, a restore, a preparation. */
@Entity('jobs')
@Index('jobs_status_idx', ['status'])
export class JobEntity extends AuditedEntity {
  @Column({ type: 'varchar', length: 512, default: '' })
  name: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ type: 'varchar', length: 30, default: 'job' })
  jobType: JobType;

  @Column({ type: 'varchar', length: 20, default: 'manual' })
  launchType: LaunchType;

  @Column({ type: 'varchar', length: 20, default: 'new' })
  status: JobStatus;

  @Column({ default: false })
  failed: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  started: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  finished: Date | null;

  /** Seconds between started and finished. */
  @Column({ type: 'double precision', default: 0 })
  elapsed: number;

  @ManyToOne(() => PolicyEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'policy_id' })
  policy: PolicyEntity | null;

  @ManyToOne(() => ClientEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'client_id' })
  client: ClientEntity | null;

  @ManyToOne(() => RepositoryEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'repository_id' })
  repository: RepositoryEntity | null;

  @Column({ type: 'varchar', length: 1024, default: '' })
  archiveName: string;

  @Column({ type: 'bigint', default: 0, transformer: bigintTransformer() })
  originalSize: number;

  @Column({ type: 'bigint', default: 0, transformer: bigintTransformer() })
  compressedSize: number;

  @Column({ type: 'bigint', default: 0, transformer: bigintTransformer() })
  deduplicatedSize: number;

  /** Why the job is in its state, in words an operator can act on. */
  @Column({ type: 'text', default: '' })
  jobExplanation: string;

  @Column({ type: 'text', default: '' })
  resultTraceback: string;

  @Column({ type: 'jsonb', default: {} })
  extraVars: Record<string, unknown>;

  @Column({ type: 'integer', default: 0 })
  verbosity: number;

  /** Name of the executor holding the job, while it runs. */
  @Column({ type: 'varchar', length: 255, default: '' })
  executor: string;

  /** Until when the executor's claim holds; its heartbeat extends it. Null when not running. */
  @Column({ type: 'timestamptz', nullable: true })
  leaseExpires: Date | null;

  /** Set once the job touched anything remote; before that, a lost job can simply run again. */
  @Column({ default: false })
  workStarted: boolean;

  /** Longest the job may run before it is stopped and failed. */
  @Column({ type: 'integer', default: 86_400 })
  timeoutSeconds: number;

  @Column({ default: false })
  cancelRequested: boolean;

  /** Jobs that must succeed before this one may start. */
  @ManyToMany(() => JobEntity)
  @JoinTable({
    name: 'job_dependencies',
    joinColumn: { name: 'job_id' },
    inverseJoinColumn: { name: 'depends_on_id' },
  })
  dependsOn: JobEntity[];
}
