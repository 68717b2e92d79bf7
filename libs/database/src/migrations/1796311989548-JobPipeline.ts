import { MigrationInterface, QueryRunner } from 'typeorm';

export class JobPipeline1796311989548 implements MigrationInterface {
  name = 'JobPipeline1796311989548';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE TABLE "executors" ("name" character varying(255) NOT NULL, "hostname" character varying(255) NOT NULL, "capacity" integer NOT NULL, "last_heartbeat" TIMESTAMP WITH TIME ZONE NOT NULL, "started" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f45ea8e697e92629fbff9df4ea7" PRIMARY KEY ("name"))`,
    );
    await runner.query(
      `CREATE TABLE "outbox_messages" ("id" BIGSERIAL NOT NULL, "routing_key" character varying(100) NOT NULL, "payload" jsonb NOT NULL, "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0171348f527c64b137e4d4f5b66" PRIMARY KEY ("id"))`,
    );
    await runner.query(`ALTER TABLE "jobs" ADD "lease_expires" TIMESTAMP WITH TIME ZONE`);
    await runner.query(`ALTER TABLE "jobs" ADD "work_started" boolean NOT NULL DEFAULT false`);
    await runner.query(`ALTER TABLE "jobs" ADD "timeout_seconds" integer NOT NULL DEFAULT '86400'`);
    await runner.query(`ALTER TABLE "jobs" ADD "cancel_requested" boolean NOT NULL DEFAULT false`);
    await runner.query(`CREATE INDEX "policies_next_run_idx" ON "policies" ("next_run") `);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "public"."policies_next_run_idx"`);
    await runner.query(`ALTER TABLE "jobs" DROP COLUMN "cancel_requested"`);
    await runner.query(`ALTER TABLE "jobs" DROP COLUMN "timeout_seconds"`);
    await runner.query(`ALTER TABLE "jobs" DROP COLUMN "work_started"`);
    await runner.query(`ALTER TABLE "jobs" DROP COLUMN "lease_expires"`);
    await runner.query(`DROP TABLE "outbox_messages"`);
    await runner.query(`DROP TABLE "executors"`);
  }
}
