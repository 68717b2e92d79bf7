import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

import { ClientEntity } from './client.entity';
import { JobEntity } from './job.entity';
import { bigintTransformer, RepositoryEntity } from './repository.entity';

/** One file of one archive, as `borg list --json-lines` reports it. */
@Entity('catalog')
@Index('catalog_archive_path_idx', ['archiveName', 'path'])
export class CatalogEntryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'varchar', length: 1024 })
  archiveName: string;

  @Column({ type: 'text' })
  path: string;

  /** borg's one-letter type: `-` file, `d` directory, `l` link... */
  @Column({ type: 'char', length: 1, default: '-' })
  type: string;

  @Column({ type: 'varchar', length: 10, default: '' })
  mode: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  owner: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  group: string;

  @Column({ type: 'bigint', default: 0, transformer: bigintTransformer() })
  size: number;

  @Column({ type: 'timestamptz', nullable: true })
  mtime: Date | null;

  @Column({ default: true })
  healthy: boolean;

  @ManyToOne(() => JobEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'job_id' })
  job: JobEntity | null;

  @ManyToOne(() => ClientEntity, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id' })
  client: ClientEntity | null;

  @ManyToOne(() => RepositoryEntity, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'repository_id' })
  repository: RepositoryEntity | null;
}
