import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1796311220457 implements MigrationInterface {
  name = 'InitialSchema1796311220457';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE TABLE "users" ("id" SERIAL NOT NULL, "email" character varying(254) NOT NULL, "password" text NOT NULL, "first_name" character varying(150) NOT NULL DEFAULT '', "last_name" character varying(150) NOT NULL DEFAULT '', "is_superuser" boolean NOT NULL DEFAULT false, "is_active" boolean NOT NULL DEFAULT true, "notify_backup_failed" boolean NOT NULL DEFAULT false, "notify_backup_success" boolean NOT NULL DEFAULT false, "notify_backup_summary" boolean NOT NULL DEFAULT false, "notify_backup_daily" boolean NOT NULL DEFAULT false, "notify_backup_weekly" boolean NOT NULL DEFAULT false, "notify_backup_monthly" boolean NOT NULL DEFAULT false, "last_login" TIMESTAMP WITH TIME ZONE, "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "modified" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
    );
    await runner.query(`CREATE UNIQUE INDEX "users_email_key" ON "users" ("email") `);
    await runner.query(
      `CREATE TABLE "api_tokens" ("id" SERIAL NOT NULL, "description" character varying(150) NOT NULL DEFAULT '', "key_hash" character(64) NOT NULL, "key_prefix" character varying(8) NOT NULL, "expires" TIMESTAMP WITH TIME ZONE, "last_used" TIMESTAMP WITH TIME ZONE, "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "user_id" integer NOT NULL, CONSTRAINT "PK_c587455266b5fa8dace7194caac" PRIMARY KEY ("id"))`,
    );
    await runner.query(
      `CREATE UNIQUE INDEX "api_tokens_key_hash_key" ON "api_tokens" ("key_hash") `,
    );
    await runner.query(
      `CREATE TABLE "clients" ("id" SERIAL NOT NULL, "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "modified" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "hostname" character varying(253) NOT NULL, "ip" character varying(255) NOT NULL DEFAULT '', "version" character varying(255) NOT NULL DEFAULT '', "port" integer NOT NULL DEFAULT '22', "ready" boolean NOT NULL DEFAULT false, "hypervisor_ready" boolean NOT NULL DEFAULT false, "hypervisor_name" character varying(253) NOT NULL DEFAULT '', "bandwidth_limit" integer, "enabled" boolean NOT NULL DEFAULT true, "uuid" uuid NOT NULL DEFAULT gen_random_uuid(), "created_by_id" integer, "modified_by_id" integer, CONSTRAINT "UQ_189b0ac4aae6353359730759d9d" UNIQUE ("uuid"), CONSTRAINT "PK_f1ab7cf3a5714dbc6bb4e1c28a4" PRIMARY KEY ("id"))`,
    );
    await runner.query(`CREATE UNIQUE INDEX "clients_hostname_key" ON "clients" ("hostname") `);
    await runner.query(
      `CREATE TABLE "repositories" ("id" SERIAL NOT NULL, "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "modified" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "name" character varying(255) NOT NULL, "path" character varying(1024) NOT NULL, "repository_key" text NOT NULL DEFAULT '', "original_size" bigint NOT NULL DEFAULT '0', "compressed_size" bigint NOT NULL DEFAULT '0', "deduplicated_size" bigint NOT NULL DEFAULT '0', "ready" boolean NOT NULL DEFAULT false, "enabled" boolean NOT NULL DEFAULT true, "uuid" uuid NOT NULL DEFAULT gen_random_uuid(), "created_by_id" integer, "modified_by_id" integer, CONSTRAINT "UQ_81c93bbab1c39a9c1e39ae48cb7" UNIQUE ("uuid"), CONSTRAINT "PK_ef0c358c04b4f4d29b8ca68ddff" PRIMARY KEY ("id"))`,
    );
    await runner.query(
      `CREATE TABLE "schedules" ("id" SERIAL NOT NULL, "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "modified" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "name" character varying(255) NOT NULL, "crontab" character varying(255) NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "uuid" uuid NOT NULL DEFAULT gen_random_uuid(), "created_by_id" integer, "modified_by_id" integer, CONSTRAINT "UQ_8c90a3b023778665e10b0838190" UNIQUE ("uuid"), CONSTRAINT "PK_7e33fc2ea755a5765e3564e66dd" PRIMARY KEY ("id"))`,
    );
    await runner.query(
      `CREATE TABLE "policies" ("id" SERIAL NOT NULL, "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "modified" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "name" character varying(255) NOT NULL, "policy_type" character varying(20) NOT NULL, "extra_vars" jsonb NOT NULL DEFAULT '{}', "keep_hourly" integer, "keep_daily" integer, "keep_weekly" integer, "keep_monthly" integer, "keep_yearly" integer, "vmprovider" character varying(255) NOT NULL DEFAULT '', "prehook" text NOT NULL DEFAULT '', "posthook" text NOT NULL DEFAULT '', "mode_pull" boolean NOT NULL DEFAULT false, "next_run" TIMESTAMP WITH TIME ZONE, "enabled" boolean NOT NULL DEFAULT true, "uuid" uuid NOT NULL DEFAULT gen_random_uuid(), "created_by_id" integer, "modified_by_id" integer, "repository_id" integer NOT NULL, "schedule_id" integer NOT NULL, CONSTRAINT "UQ_3e48902a34c0212cd66d40f5c24" UNIQUE ("uuid"), CONSTRAINT "PK_603e09f183df0108d8695c57e28" PRIMARY KEY ("id"))`,
    );
    await runner.query(
      `CREATE TABLE "jobs" ("id" SERIAL NOT NULL, "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "modified" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "name" character varying(512) NOT NULL DEFAULT '', "description" text NOT NULL DEFAULT '', "job_type" character varying(30) NOT NULL DEFAULT 'job', "launch_type" character varying(20) NOT NULL DEFAULT 'manual', "status" character varying(20) NOT NULL DEFAULT 'new', "failed" boolean NOT NULL DEFAULT false, "started" TIMESTAMP WITH TIME ZONE, "finished" TIMESTAMP WITH TIME ZONE, "elapsed" double precision NOT NULL DEFAULT '0', "archive_name" character varying(1024) NOT NULL DEFAULT '', "original_size" bigint NOT NULL DEFAULT '0', "compressed_size" bigint NOT NULL DEFAULT '0', "deduplicated_size" bigint NOT NULL DEFAULT '0', "job_explanation" text NOT NULL DEFAULT '', "result_traceback" text NOT NULL DEFAULT '', "extra_vars" jsonb NOT NULL DEFAULT '{}', "verbosity" integer NOT NULL DEFAULT '0', "executor" character varying(255) NOT NULL DEFAULT '', "created_by_id" integer, "modified_by_id" integer, "policy_id" integer, "client_id" integer, "repository_id" integer, CONSTRAINT "PK_cf0a6c42b72fcc7f7c237def345" PRIMARY KEY ("id"))`,
    );
    await runner.query(`CREATE INDEX "jobs_status_idx" ON "jobs" ("status") `);
    await runner.query(
      `CREATE TABLE "catalog" ("id" BIGSERIAL NOT NULL, "archive_name" character varying(1024) NOT NULL, "path" text NOT NULL, "type" character(1) NOT NULL DEFAULT '-', "mode" character varying(10) NOT NULL DEFAULT '', "owner" character varying(255) NOT NULL DEFAULT '', "group" character varying(255) NOT NULL DEFAULT '', "size" bigint NOT NULL DEFAULT '0', "mtime" TIMESTAMP WITH TIME ZONE, "healthy" boolean NOT NULL DEFAULT true, "job_id" integer, "client_id" integer, "repository_id" integer, CONSTRAINT "PK_782754bded12b4e75ad4afff913" PRIMARY KEY ("id"))`,
    );
    await runner.query(
      `CREATE INDEX "catalog_archive_path_idx" ON "catalog" ("archive_name", "path") `,
    );
    await runner.query(
      `CREATE TABLE "job_events" ("id" BIGSERIAL NOT NULL, "counter" integer NOT NULL, "event" character varying(100) NOT NULL DEFAULT 'verbose', "stdout" text NOT NULL DEFAULT '', "event_data" jsonb NOT NULL DEFAULT '{}', "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "job_id" integer NOT NULL, CONSTRAINT "PK_77f0d06e95eed355f7a38f6093b" PRIMARY KEY ("id"))`,
    );
    await runner.query(
      `CREATE UNIQUE INDEX "job_events_job_counter_key" ON "job_events" ("job_id", "counter") `,
    );
    await runner.query(
      `CREATE TABLE "known_host_keys" ("id" SERIAL NOT NULL, "host" character varying(253) NOT NULL, "port" integer NOT NULL, "key_type" character varying(50) NOT NULL, "public_key" text NOT NULL, "fingerprint" character varying(100) NOT NULL, "pending_public_key" text, "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "modified" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4ee5f8df08218ab5bc503af77e5" PRIMARY KEY ("id"))`,
    );
    await runner.query(
      `CREATE UNIQUE INDEX "known_host_keys_host_port_key" ON "known_host_keys" ("host", "port") `,
    );
    await runner.query(
      `CREATE TABLE "login_failures" ("key" character varying(300) NOT NULL, "failures" integer NOT NULL DEFAULT '0', "last_failure" TIMESTAMP WITH TIME ZONE NOT NULL, "locked_until" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_917877ed32c9d30e8b6b72caae3" PRIMARY KEY ("key"))`,
    );
    await runner.query(
      `CREATE TABLE "refresh_tokens" ("jti" uuid NOT NULL, "expires" TIMESTAMP WITH TIME ZONE NOT NULL, "used" TIMESTAMP WITH TIME ZONE, "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "user_id" integer NOT NULL, CONSTRAINT "PK_f3752400c98d5c0b3dca54d66d5" PRIMARY KEY ("jti"))`,
    );
    await runner.query(
      `CREATE TABLE "settings" ("id" SERIAL NOT NULL, "key" character varying(100) NOT NULL, "value" text NOT NULL DEFAULT '', "setting_type" character varying(20) NOT NULL, "group" character varying(100) NOT NULL DEFAULT '', "order" integer NOT NULL DEFAULT '0', "description" character varying(255) NOT NULL DEFAULT '', "created" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "modified" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_c8639b7626fa94ba8265628f214" UNIQUE ("key"), CONSTRAINT "PK_0669fe20e252eb692bf4d344975" PRIMARY KEY ("id"))`,
    );
    await runner.query(
      `CREATE TABLE "policy_clients" ("policy_id" integer NOT NULL, "client_id" integer NOT NULL, CONSTRAINT "PK_75dc187e778181bffebbb1f3ce9" PRIMARY KEY ("policy_id", "client_id"))`,
    );
    await runner.query(
      `CREATE INDEX "IDX_f5d8aa83f2d0b1dd0abda3b82b" ON "policy_clients" ("policy_id") `,
    );
    await runner.query(
      `CREATE INDEX "IDX_41276577efe24a02af267e4d0c" ON "policy_clients" ("client_id") `,
    );
    await runner.query(
      `CREATE TABLE "job_dependencies" ("job_id" integer NOT NULL, "depends_on_id" integer NOT NULL, CONSTRAINT "PK_b59228391ede25b7bc564886809" PRIMARY KEY ("job_id", "depends_on_id"))`,
    );
    await runner.query(
      `CREATE INDEX "IDX_fe7ca0123f9e92cf492526c5a1" ON "job_dependencies" ("job_id") `,
    );
    await runner.query(
      `CREATE INDEX "IDX_7a31d686a69f7a38f9caa509a0" ON "job_dependencies" ("depends_on_id") `,
    );
    await runner.query(
      `ALTER TABLE "api_tokens" ADD CONSTRAINT "FK_b74883f5884a42fd8496d389b25" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await runner.query(
      `ALTER TABLE "clients" ADD CONSTRAINT "FK_d2ac1947399a642a52f7eb50794" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await runner.query(
      `ALTER TABLE "clients" ADD CONSTRAINT "FK_54cda421f148c682b2101f9b528" FOREIGN KEY ("modified_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await runner.query(
      `ALTER TABLE "repositories" ADD CONSTRAINT "FK_ab3e0ea475d80fae287511f0362" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await runner.query(
      `ALTER TABLE "repositories" ADD CONSTRAINT "FK_40e9c083f27a78efd8fac700abf" FOREIGN KEY ("modified_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await runner.query(
      `ALTER TABLE "schedules" ADD CONSTRAINT "FK_6647267c771f30b59439a4dd763" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await runner.query(
      `ALTER TABLE "schedules" ADD CONSTRAINT "FK_1cd0e77eeeb70e259d2d7acd006" FOREIGN KEY ("modified_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await runner.query(
      `ALTER TABLE "policies" ADD CONSTRAINT "FK_33a9f406128fcb4f00c252505d0" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await runner.query(
      `ALTER TABLE "policies" ADD CONSTRAINT "FK_51f72396c7aab7d65702d14c4df" FOREIGN KEY ("modified_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await runner.query(
      `ALTER TABLE "policies" ADD CONSTRAINT "FK_5484e96b480a2bc37d738284fb6" FOREIGN KEY ("repository_id") REFERENCES "repositories"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await runner.query(
      `ALTER TABLE "policies" ADD CONSTRAINT "FK_2a747c2327bd5e38c42f76aaae7" FOREIGN KEY ("schedule_id") REFERENCES "schedules"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await runner.query(
      `ALTER TABLE "jobs" ADD CONSTRAINT "FK_21469bb2d10f6a142694810c220" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await runner.query(
      `ALTER TABLE "jobs" ADD CONSTRAINT "FK_dac90fe97f858e9cdabae89a88b" FOREIGN KEY ("modified_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await runner.query(
      `ALTER TABLE "jobs" ADD CONSTRAINT "FK_7af5266b8253c271df25f8d1820" FOREIGN KEY ("policy_id") REFERENCES "policies"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await runner.query(
      `ALTER TABLE "jobs" ADD CONSTRAINT "FK_dec6205e2cd13841763710f9892" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await runner.query(
      `ALTER TABLE "jobs" ADD CONSTRAINT "FK_07d5184039c997b1436212e0346" FOREIGN KEY ("repository_id") REFERENCES "repositories"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
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
    await runner.query(
      `ALTER TABLE "job_events" ADD CONSTRAINT "FK_a4d87f3aed580149588c26cb3f2" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await runner.query(
      `ALTER TABLE "refresh_tokens" ADD CONSTRAINT "FK_3ddc983c5f7bcf132fd8732c3f4" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await runner.query(
      `ALTER TABLE "policy_clients" ADD CONSTRAINT "FK_f5d8aa83f2d0b1dd0abda3b82b3" FOREIGN KEY ("policy_id") REFERENCES "policies"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
    );
    await runner.query(
      `ALTER TABLE "policy_clients" ADD CONSTRAINT "FK_41276577efe24a02af267e4d0c2" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await runner.query(
      `ALTER TABLE "job_dependencies" ADD CONSTRAINT "FK_fe7ca0123f9e92cf492526c5a12" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
    );
    await runner.query(
      `ALTER TABLE "job_dependencies" ADD CONSTRAINT "FK_7a31d686a69f7a38f9caa509a0e" FOREIGN KEY ("depends_on_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE "job_dependencies" DROP CONSTRAINT "FK_7a31d686a69f7a38f9caa509a0e"`,
    );
    await runner.query(
      `ALTER TABLE "job_dependencies" DROP CONSTRAINT "FK_fe7ca0123f9e92cf492526c5a12"`,
    );
    await runner.query(
      `ALTER TABLE "policy_clients" DROP CONSTRAINT "FK_41276577efe24a02af267e4d0c2"`,
    );
    await runner.query(
      `ALTER TABLE "policy_clients" DROP CONSTRAINT "FK_f5d8aa83f2d0b1dd0abda3b82b3"`,
    );
    await runner.query(
      `ALTER TABLE "refresh_tokens" DROP CONSTRAINT "FK_3ddc983c5f7bcf132fd8732c3f4"`,
    );
    await runner.query(`ALTER TABLE "job_events" DROP CONSTRAINT "FK_a4d87f3aed580149588c26cb3f2"`);
    await runner.query(`ALTER TABLE "catalog" DROP CONSTRAINT "FK_8e8d307a83946e51e7e345e41cd"`);
    await runner.query(`ALTER TABLE "catalog" DROP CONSTRAINT "FK_5b1ef430d81facaaaaa2b0c7b2d"`);
    await runner.query(`ALTER TABLE "catalog" DROP CONSTRAINT "FK_28cb97d19e1e0e5602ffa324cdc"`);
    await runner.query(`ALTER TABLE "jobs" DROP CONSTRAINT "FK_07d5184039c997b1436212e0346"`);
    await runner.query(`ALTER TABLE "jobs" DROP CONSTRAINT "FK_dec6205e2cd13841763710f9892"`);
    await runner.query(`ALTER TABLE "jobs" DROP CONSTRAINT "FK_7af5266b8253c271df25f8d1820"`);
    await runner.query(`ALTER TABLE "jobs" DROP CONSTRAINT "FK_dac90fe97f858e9cdabae89a88b"`);
    await runner.query(`ALTER TABLE "jobs" DROP CONSTRAINT "FK_21469bb2d10f6a142694810c220"`);
    await runner.query(`ALTER TABLE "policies" DROP CONSTRAINT "FK_2a747c2327bd5e38c42f76aaae7"`);
    await runner.query(`ALTER TABLE "policies" DROP CONSTRAINT "FK_5484e96b480a2bc37d738284fb6"`);
    await runner.query(`ALTER TABLE "policies" DROP CONSTRAINT "FK_51f72396c7aab7d65702d14c4df"`);
    await runner.query(`ALTER TABLE "policies" DROP CONSTRAINT "FK_33a9f406128fcb4f00c252505d0"`);
    await runner.query(`ALTER TABLE "schedules" DROP CONSTRAINT "FK_1cd0e77eeeb70e259d2d7acd006"`);
    await runner.query(`ALTER TABLE "schedules" DROP CONSTRAINT "FK_6647267c771f30b59439a4dd763"`);
    await runner.query(
      `ALTER TABLE "repositories" DROP CONSTRAINT "FK_40e9c083f27a78efd8fac700abf"`,
    );
    await runner.query(
      `ALTER TABLE "repositories" DROP CONSTRAINT "FK_ab3e0ea475d80fae287511f0362"`,
    );
    await runner.query(`ALTER TABLE "clients" DROP CONSTRAINT "FK_54cda421f148c682b2101f9b528"`);
    await runner.query(`ALTER TABLE "clients" DROP CONSTRAINT "FK_d2ac1947399a642a52f7eb50794"`);
    await runner.query(`ALTER TABLE "api_tokens" DROP CONSTRAINT "FK_b74883f5884a42fd8496d389b25"`);
    await runner.query(`DROP INDEX "public"."IDX_7a31d686a69f7a38f9caa509a0"`);
    await runner.query(`DROP INDEX "public"."IDX_fe7ca0123f9e92cf492526c5a1"`);
    await runner.query(`DROP TABLE "job_dependencies"`);
    await runner.query(`DROP INDEX "public"."IDX_41276577efe24a02af267e4d0c"`);
    await runner.query(`DROP INDEX "public"."IDX_f5d8aa83f2d0b1dd0abda3b82b"`);
    await runner.query(`DROP TABLE "policy_clients"`);
    await runner.query(`DROP TABLE "settings"`);
    await runner.query(`DROP TABLE "refresh_tokens"`);
    await runner.query(`DROP TABLE "login_failures"`);
    await runner.query(`DROP INDEX "public"."known_host_keys_host_port_key"`);
    await runner.query(`DROP TABLE "known_host_keys"`);
    await runner.query(`DROP INDEX "public"."job_events_job_counter_key"`);
    await runner.query(`DROP TABLE "job_events"`);
    await runner.query(`DROP INDEX "public"."catalog_archive_path_idx"`);
    await runner.query(`DROP TABLE "catalog"`);
    await runner.query(`DROP INDEX "public"."jobs_status_idx"`);
    await runner.query(`DROP TABLE "jobs"`);
    await runner.query(`DROP TABLE "policies"`);
    await runner.query(`DROP TABLE "schedules"`);
    await runner.query(`DROP TABLE "repositories"`);
    await runner.query(`DROP INDEX "public"."clients_hostname_key"`);
    await runner.query(`DROP TABLE "clients"`);
    await runner.query(`DROP INDEX "public"."api_tokens_key_hash_key"`);
    await runner.query(`DROP TABLE "api_tokens"`);
    await runner.query(`DROP INDEX "public"."users_email_key"`);
    await runner.query(`DROP TABLE "users"`);
  }
}
