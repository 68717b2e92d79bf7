import type { DataSource } from 'typeorm';

import { catalogedArchiveNames, forgetArchives, ingestArchiveListing } from '@cyborg/catalog';
import type { JobEntity } from '@cyborg/database';

import type { RunContext, RunOutcome } from '../job-runner';
import type { SshSession } from '../ssh/session';
import { quote } from '../ssh/shell';

import { type BorgHosts, borgOutcome, JobFailure } from './borg-host';

/**
 * Catalog jobs: stream `borg list --json-lines` of an archive from the
 * repository host straight into the catalog (COPY, memory flat whatever the
 * archive's size). A catalog job after a backup catalogs that backup's
 * archive; with `extra_vars.import_existing` it catalogs every archive of the
 * repository the catalog does not hold yet, made by this system or not.
 */
export class CatalogRunner {
  constructor(private readonly dataSource: DataSource) {}

  async run(job: JobEntity, hosts: BorgHosts, context: RunContext): Promise<RunOutcome> {
    const repositoryId = hosts.repository?.id;
    if (repositoryId === undefined) throw new JobFailure('The job has no repository.');
    const session = await hosts.repositoryHost(context.signal);
    await context.markWorkStarted();
    if (job.extraVars.import_existing === true) {
      const archives = await this.listArchives(hosts, session, context);
      const known = await catalogedArchiveNames(this.dataSource, repositoryId);
      const missing = archives.filter((a) => !known.has(a.name));
      await context.emit(
        `The repository holds ${archives.length} archives; ${missing.length} are not in the catalog yet.`,
      );
      let entries = 0;
      for (const archive of missing) {
        entries += await this.ingest(job, hosts, session, archive.name, archive.time, context);
      }

      return {
        status: 'successful',
        explanation: `Imported the catalog of ${missing.length} archives: ${entries} entries.`,
      };
    }
    const archive =
      typeof job.extraVars.archive_name === 'string'
        ? job.extraVars.archive_name
        : await this.archiveOfBackup(job);
    const entries = await this.ingest(job, hosts, session, archive, undefined, context);

    return {
      status: 'successful',
      explanation: `Catalog of ${archive}: ${entries} entries stored.`,
    };
  }

  /** Forgets pruned archives, partition by partition. */
  async forget(repositoryId: number, archives: string[], context: RunContext): Promise<void> {
    const forgotten = await forgetArchives(this.dataSource, repositoryId, archives);
    if (forgotten > 0) await context.emit(`Removed ${forgotten} pruned archives from the catalog.`);
  }

  private async ingest(
    job: JobEntity,
    hosts: BorgHosts,
    session: SshSession,
    archive: string,
    archiveTime: Date | undefined,
    context: RunContext,
  ): Promise<number> {
    const script = (await hosts.prelude({ remote: false, signal: context.signal }))
      .raw(`exec borg --log-json list --json-lines ${hosts.localRepositoryPath}::${quote(archive)}`)
      .toString();
    let ended: (code: number) => void = () => undefined;
    const sourceDone = new Promise<void>((resolve, reject) => {
      ended = (code) => {
        if (code === 0 || code === 1) resolve();
        else reject(new JobFailure(`borg list of ${archive} failed with exit code ${code}.`));
      };
    });
    let entries = 0;
    const result = await hosts.runLogged(session, script, context, {
      stdin: hosts.stdin(),
      onExit: (code) => ended(code),
      onStdout: async (stdout) => {
        const stored = await ingestArchiveListing(
          this.dataSource,
          stdout,
          {
            repositoryId: hosts.repository?.id ?? 0,
            clientId: job.client?.id ?? null,
            policyId: job.policy?.id ?? null,
            jobId: job.id,
            archiveName: archive,
            archiveTime,
          },
          { sourceDone },
        );
        entries = stored.entries;
      },
    });
    borgOutcome(result.code, `borg list of ${archive}`);
    await context.emit(`Catalog of ${archive}: ${entries} entries stored.`);

    return entries;
  }

  private async listArchives(
    hosts: BorgHosts,
    session: SshSession,
    context: RunContext,
  ): Promise<{ name: string; time: Date | undefined }[]> {
    const script = (await hosts.prelude({ remote: false, signal: context.signal }))
      .raw(`borg --log-json list --json ${hosts.localRepositoryPath}`)
      .toString();
    const result = await hosts.runLogged(session, script, context, { stdin: hosts.stdin() });
    borgOutcome(result.code, 'borg list');
    const parsed = JSON.parse(result.stdout) as {
      archives?: { name: string; start?: string; time?: string }[];
    };

    return (parsed.archives ?? []).map((a) => {
      const stamp = a.start ?? a.time;

      return { name: a.name, time: stamp ? new Date(`${stamp}Z`) : undefined };
    });
  }

  /** The archive made by the backup this catalog job follows. */
  private async archiveOfBackup(job: JobEntity): Promise<string> {
    const [row] = await this.dataSource.query<{ archive_name: string }[]>(
      `SELECT j.archive_name FROM job_dependencies d JOIN jobs j ON j.id = d.depends_on_id
       WHERE d.job_id = $1 AND j.job_type = 'job' AND j.archive_name <> ''`,
      [job.id],
    );
    if (!row) throw new JobFailure('This catalog job follows no backup that made an archive.');

    return row.archive_name;
  }
}
