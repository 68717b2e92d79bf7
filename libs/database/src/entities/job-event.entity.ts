import { Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { JobEntity } from './job.entity';

/**
 * One line of a job's output.
 *
 * The table is partitioned by day on `job_created`, the creation time of the
 * line's job (hand-written SQL in the JobEventsPartitioned migration), so old
 * output is dropped a partition at a time and all lines of a job live in one
 * partition. PostgreSQL requires the partition key in every unique index:
 * because `job_created` is a function of `job_id`, (job, counter, job_created)
 * is as strict as (job, counter), and a redelivered line is written once.
 */
@Entity('job_events')
@Index('job_events_job_counter_key', ['job', 'counter', 'jobCreated'], { unique: true })
export class JobEventEntity {
  @PrimaryColumn({ type: 'bigint' })
  @Generated('increment')
  id: string;

  /** Partition key: the `created` of the job, copied by the executor into every line. */
  @PrimaryColumn({ type: 'timestamptz' })
  jobCreated: Date;

  @ManyToOne(() => JobEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id' })
  job: JobEntity;

  @Column({ type: 'integer' })
  counter: number;

  @Column({ type: 'varchar', length: 100, default: 'verbose' })
  event: string;

  @Column({ type: 'text', default: '' })
  stdout: string;

  /** borg's JSON fields for the line (level, msgid, progress...). */
  @Column({ type: 'jsonb', default: {} })
  eventData: Record<string, unknown>;

  /** When the executor read the line (set by the executor, so a redelivery writes the same row). */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  created: Date;
}
