import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

import { ClientEntity } from './client.entity';
import { JobEntity } from './job.entity';
import { PolicyEntity } from './policy.entity';
import { bigintTransformer, RepositoryEntity } from './repository.entity';

/**
 * One cataloged borg archive. Its files live in `catalog_entries`, a table
 * partitioned by archive id and kept out of TypeORM (libs/catalog reads and
 * writes it in SQL); deleting this row drops that partition (a trigger does it).
 */
@Entity('catalog_archives')
@Index('catalog_archives_repository_name_key', ['repository', 'name'], { unique: true })
export class CatalogArchiveEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @ManyToOne(() => RepositoryEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'repository_id' })
  repository: RepositoryEntity;

  @ManyToOne(() => ClientEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'client_id' })
  client: ClientEntity | null;

  @ManyToOne(() => PolicyEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'policy_id' })
  policy: PolicyEntity | null;

  /** The catalog job that stored the entries. */
  @ManyToOne(() => JobEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'job_id' })
  job: JobEntity | null;

  /** borg's archive name, unique within its repository. */
  @Column({ type: 'varchar', length: 1024 })
  name: string;

  /** When borg made the archive, when known. */
  @Column({ type: 'timestamptz', nullable: true })
  archiveTime: Date | null;

  /** How many entries the catalog holds for it. */
  @Column({ type: 'bigint', default: 0, transformer: bigintTransformer() })
  entries: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  cataloged: Date;
}
