import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The catalog: `catalog_archives` (an entity) and `catalog_entries`, one
 * LIST partition per archive, written in SQL by hand because TypeORM cannot
 * describe partitioned tables (libs/catalog owns it; see docs/catalog.md).
 * Replaces the placeholder `catalog` table, which never held data.
 *
 * pg_trgm backs the path search. It is a trusted extension since PostgreSQL
 * 13, so a database owner may create it; older servers need a superuser.
 */
export class Catalog1796320017124 implements MigrationInterface {
  name = 'Catalog1796320017124';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "catalog"`);
    await runner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);

    await runner.query(
      `CREATE TABLE "catalog_archives" ("id" SERIAL NOT NULL, "name" character varying(1024) NOT NULL, "archive_time" TIMESTAMP WITH TIME ZONE, "entries" bigint NOT NULL DEFAULT '0', "cataloged" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "repository_id" integer NOT NULL, "client_id" integer, "policy_id" integer, "job_id" integer, CONSTRAINT "PK_4313ef046a62a4b031f0fe4bb56" PRIMARY KEY ("id"))`,
    );
    await runner.query(
      `CREATE UNIQUE INDEX "catalog_archives_repository_name_key" ON "catalog_archives" ("repository_id", "name") `,
    );
    await runner.query(
      `ALTER TABLE "catalog_archives" ADD CONSTRAINT "FK_80039b2e62006df2a3db21095f2" FOREIGN KEY ("repository_id") REFERENCES "repositories"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await runner.query(
      `ALTER TABLE "catalog_archives" ADD CONSTRAINT "FK_b503250fddb54284facdd880b87" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await runner.query(
      `ALTER TABLE "catalog_archives" ADD CONSTRAINT "FK_d57368560e10a0cc2bc5f42b660" FOREIGN KEY ("policy_id") REFERENCES "policies"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await runner.query(
      `ALTER TABLE "catalog_archives" ADD CONSTRAINT "FK_e89b221b6f9630f5c5288c5d1c1" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );

    // Columns ordered widest first so rows carry no alignment padding. Paths compare
    // bytewise (COLLATE "C"): faster to index, and what file names are.
    await runner.query(
      `CREATE TABLE "catalog_entries" (
         "id" bigint NOT NULL,
         "size" bigint NOT NULL DEFAULT 0,
         "mtime" timestamptz,
         "archive_id" integer NOT NULL,
         "healthy" boolean NOT NULL DEFAULT true,
         "type" character(1) NOT NULL,
         "path" text COLLATE "C" NOT NULL,
         "parent" text COLLATE "C",
         "mode" text NOT NULL DEFAULT '',
         "owner" text NOT NULL DEFAULT '',
         "group" text NOT NULL DEFAULT ''
       ) PARTITION BY LIST ("archive_id")`,
    );
    // Ids grow with the position in the listing, so a BRIN index finds one in a few pages
    // for almost nothing, where a primary key would add a B-tree build to every ingest.
    await runner.query(
      `CREATE INDEX "catalog_entries_id_idx" ON "catalog_entries" USING brin ("id")`,
    );
    await runner.query(
      `CREATE INDEX "catalog_entries_browse_idx" ON "catalog_entries" ("parent", "path")`,
    );
    await runner.query(
      `CREATE INDEX "catalog_entries_path_trgm_idx" ON "catalog_entries" USING gin ("path" gin_trgm_ops)`,
    );

    // Whatever deletes an archive (forgetting it, re-cataloging it, deleting its
    // repository) drops its partition: no row-by-row delete, no bloat.
    await runner.query(
      `CREATE FUNCTION "catalog_archive_drop_entries"() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         EXECUTE format('DROP TABLE IF EXISTS %I.%I', TG_TABLE_SCHEMA, 'catalog_entries_' || OLD.id);
         RETURN OLD;
       END $$`,
    );
    await runner.query(
      `CREATE TRIGGER "catalog_archives_drop_entries" AFTER DELETE ON "catalog_archives"
       FOR EACH ROW EXECUTE FUNCTION "catalog_archive_drop_entries"()`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "catalog_entries"`);
    await runner.query(`DROP TRIGGER "catalog_archives_drop_entries" ON "catalog_archives"`);
    await runner.query(`DROP FUNCTION "catalog_archive_drop_entries"()`);
    await runner.query(`DROP TABLE "catalog_archives"`);
    await runner.query(`DROP EXTENSION IF EXISTS pg_trgm`);

    await runner.query(
      `CREATE TABLE "catalog" ("id" BIGSERIAL NOT NULL, "archive_name" character varying(1024) NOT NULL, "path" text NOT NULL, "type" character(1) NOT NULL DEFAULT '-', "mode" character varying(10) NOT NULL DEFAULT '', "owner" character varying(255) NOT NULL DEFAULT '', "group" character varying(255) NOT NULL DEFAULT '', "size" bigint NOT NULL DEFAULT '0', "mtime" TIMESTAMP WITH TIME ZONE, "healthy" boolean NOT NULL DEFAULT true, "job_id" integer, "client_id" integer, "repository_id" integer, CONSTRAINT "PK_782754bded12b4e75ad4afff913" PRIMARY KEY ("id"))`,
    );
    await runner.query(
      `CREATE INDEX "catalog_archive_path_idx" ON "catalog" ("archive_name", "path") `,
    );
    await runner.query(
      `ALTER TABLE "catalog" ADD CONSTRAINT "FK_28cb97d19e1e0e5602ffa324cdc" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await runner.query(
      `ALTER TABLE "catalog" ADD CONSTRAINT "FK_5b1ef430d81facaaaaa2b0c7b2d" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await runner.query(
      `ALTER TABLE "catalog" ADD CONSTRAINT "FK_8e8d307a83946e51e7e345e41cd" FOREIGN KEY ("repository_id") REFERENCES "repositories"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }
}
