import { MigrationInterface, QueryRunner } from 'typeorm';

export class RepositoryCheckSchedule1796321696440 implements MigrationInterface {
  name = 'RepositoryCheckSchedule1796321696440';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "repositories" ADD "next_check" TIMESTAMP WITH TIME ZONE`);
    await runner.query(`ALTER TABLE "repositories" ADD "check_schedule_id" integer`);
    await runner.query(
      `ALTER TABLE "repositories" ADD CONSTRAINT "FK_2313f305c58d73a4f3247c262fd" FOREIGN KEY ("check_schedule_id") REFERENCES "schedules"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE "repositories" DROP CONSTRAINT "FK_2313f305c58d73a4f3247c262fd"`,
    );
    await runner.query(`ALTER TABLE "repositories" DROP COLUMN "check_schedule_id"`);
    await runner.query(`ALTER TABLE "repositories" DROP COLUMN "next_check"`);
  }
}
