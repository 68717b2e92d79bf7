import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hand-written: TypeORM cannot express partitioning. `job_events` becomes a
 * table partitioned by day on `job_created` (the creation time of the line's
 * job), so that old output is dropped a partition at a time. The rows, ids and
 * id sequence of the old table are kept.
 */
export class JobEventsPartitioned1796319923227 implements MigrationInterface {
  name = 'JobEventsPartitioned1796319923227';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "job_events" RENAME TO "job_events_unpartitioned"`);
    await runner.query(
      `ALTER TABLE "job_events_unpartitioned" DROP CONSTRAINT "FK_a4d87f3aed580149588c26cb3f2"`,
    );
    await runner.query(
      `ALTER TABLE "job_events_unpartitioned" DROP CONSTRAINT "PK_77f0d06e95eed355f7a38f6093b"`,
    );
    await runner.query(`DROP INDEX "public"."job_events_job_counter_key"`);
    await runner.query(`ALTER SEQUENCE "job_events_id_seq" OWNED BY NONE`);
    await runner.query(
      `CREATE TABLE "job_events" ("id" bigint NOT NULL DEFAULT nextval('job_events_id_seq'), "job_created" TIMESTAMP WITH TIME ZONE NOT NULL, "counter" integer NOT NULL, "event" character varying(100) NOT NULL DEFAULT 'verbose', "stdout" text NOT NULL DEFAULT '', "event_data" jsonb NOT NULL DEFAULT '{}', "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "job_id" integer NOT NULL, CONSTRAINT "PK_763481f954af93c5704a66375ea" PRIMARY KEY ("id", "job_created")) PARTITION BY RANGE ("job_created")`,
    );
    await runner.query(`ALTER SEQUENCE "job_events_id_seq" OWNED BY "job_events"."id"`);
    await runner.query(
      `CREATE UNIQUE INDEX "job_events_job_counter_key" ON "job_events" ("job_id", "counter", "job_created") `,
    );
    // Full-text search of output when Elasticsearch is not configured: words are the runs of
    // letters and digits, lower-cased, as in the Elasticsearch analyzer (see job-output.index.ts).
    // An expression index: TypeORM does not see it, so the entity does not declare it.
    await runner.query(
      `CREATE INDEX "job_events_stdout_search" ON "job_events" USING gin (to_tsvector('simple', regexp_replace("stdout", '[^[:alnum:]]+', ' ', 'g')))`,
    );
    await runner.query(
      `ALTER TABLE "job_events" ADD CONSTRAINT "FK_a4d87f3aed580149588c26cb3f2" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // Creates the partition of one UTC day when it is missing; callers may race, so a caller
    // that loses retries (the receiver does).
    await runner.query(
      `CREATE FUNCTION "job_events_partition"(day date) RETURNS void LANGUAGE plpgsql AS $$
       DECLARE
         part text := 'job_events_' || to_char(day, 'YYYYMMDD');
         low timestamptz := day::timestamp AT TIME ZONE 'UTC';
       BEGIN
         IF to_regclass(part) IS NULL THEN
           EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF job_events FOR VALUES FROM (%L) TO (%L)',
             part, low, low + interval '1 day');
         END IF;
       END $$`,
    );
    await runner.query(
      `SELECT job_events_partition(day) FROM (
         SELECT DISTINCT (j.created AT TIME ZONE 'UTC')::date AS day
         FROM "job_events_unpartitioned" e JOIN "jobs" j ON j.id = e.job_id
         UNION SELECT (now() AT TIME ZONE 'UTC')::date + i FROM generate_series(-1, 2) i) days`,
    );
    await runner.query(
      `INSERT INTO "job_events" ("id", "job_created", "counter", "event", "stdout", "event_data", "created", "job_id")
       SELECT e.id, j.created, e.counter, e.event, e.stdout, e.event_data, e.created, e.job_id
       FROM "job_events_unpartitioned" e JOIN "jobs" j ON j.id = e.job_id`,
    );
    await runner.query(`DROP TABLE "job_events_unpartitioned"`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER SEQUENCE "job_events_id_seq" OWNED BY NONE`);
    await runner.query(
      `CREATE TABLE "job_events_unpartitioned" ("id" bigint NOT NULL DEFAULT nextval('job_events_id_seq'), "counter" integer NOT NULL, "event" character varying(100) NOT NULL DEFAULT 'verbose', "stdout" text NOT NULL DEFAULT '', "event_data" jsonb NOT NULL DEFAULT '{}', "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "job_id" integer NOT NULL)`,
    );
    await runner.query(
      `INSERT INTO "job_events_unpartitioned" ("id", "counter", "event", "stdout", "event_data", "created", "job_id")
       SELECT DISTINCT ON ("job_id", "counter") "id", "counter", "event", "stdout", "event_data", "created", "job_id"
       FROM "job_events" ORDER BY "job_id", "counter", "id"`,
    );
    await runner.query(`DROP TABLE "job_events"`);
    await runner.query(`DROP FUNCTION "job_events_partition"(date)`);
    await runner.query(`ALTER TABLE "job_events_unpartitioned" RENAME TO "job_events"`);
    await runner.query(`ALTER SEQUENCE "job_events_id_seq" OWNED BY "job_events"."id"`);
    await runner.query(
      `ALTER TABLE "job_events" ADD CONSTRAINT "PK_77f0d06e95eed355f7a38f6093b" PRIMARY KEY ("id")`,
    );
    await runner.query(
      `CREATE UNIQUE INDEX "job_events_job_counter_key" ON "job_events" ("job_id", "counter") `,
    );
    await runner.query(
      `ALTER TABLE "job_events" ADD CONSTRAINT "FK_a4d87f3aed580149588c26cb3f2" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }
}
