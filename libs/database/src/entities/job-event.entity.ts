import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';

import { JobEntity } from './job.entity';

/** One line of a job's output. (job, counter) is unique, so a redelivered line is written once. */
@Entity('job_events')
@Index('job_events_job_counter_key', ['job', 'counter'], { unique: true })
export class JobEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

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

  @CreateDateColumn({ type: 'timestamptz' })
  created: Date;
}
