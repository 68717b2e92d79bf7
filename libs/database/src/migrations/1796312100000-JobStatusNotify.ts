import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change of a job's status sends a NOTIFY in the same transaction, so
 * the API gateways can push it to browsers whatever service wrote it.
 */
export class JobStatusNotify1796312100000 implements MigrationInterface {
  name = 'JobStatusNotify1796312100000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE FUNCTION notify_job_status() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('cyborg_job_status', json_build_object(
          'id', NEW.id, 'status', NEW.status, 'failed', NEW.failed,
          'started', NEW.started, 'finished', NEW.finished, 'job_type', NEW.job_type,
          'policy_id', NEW.policy_id, 'client_id', NEW.client_id, 'repository_id', NEW.repository_id
        )::text);
        RETURN NULL;
      END $$`);
    await runner.query(`
      CREATE TRIGGER jobs_notify_created AFTER INSERT ON jobs
      FOR EACH ROW EXECUTE FUNCTION notify_job_status()`);
    await runner.query(`
      CREATE TRIGGER jobs_notify_status AFTER UPDATE OF status ON jobs
      FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
      EXECUTE FUNCTION notify_job_status()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TRIGGER jobs_notify_status ON jobs');
    await runner.query('DROP TRIGGER jobs_notify_created ON jobs');
    await runner.query('DROP FUNCTION notify_job_status()');
  }
}
