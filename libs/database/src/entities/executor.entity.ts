import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An executor process, known by its heartbeat. One whose heartbeat stops has died. */
@Entity('executors')
export class ExecutorEntity {
  /** `<hostname>-<pid>-<random>`: unique per process start. */
  @PrimaryColumn({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 255 })
  hostname: string;

  /** Jobs it runs at once at most. */
  @Column({ type: 'integer' })
  capacity: number;

  @Column({ type: 'timestamptz' })
  lastHeartbeat: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  started: Date;
}
