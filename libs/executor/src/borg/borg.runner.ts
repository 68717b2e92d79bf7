import type { DataSource } from 'typeorm';

import { SecretBox } from '@cyborg/crypto';
import type { JobEntity, PolicyEntity } from '@cyborg/database';

import type { JobRunner, RunContext, RunOutcome } from '../job-runner';
import { command, quote } from '../ssh/shell';

import { archiveGlob, PlanError } from './backup-plan';
import { BackupRunner } from './backup.runner';
import { BorgHosts, borgOutcome, JobFailure, requireClient, requirePolicy } from './borg-host';
import { CatalogRunner } from './catalog.runner';
import { RestoreTest } from './restore-test';
import { archiveSafe } from './vm-providers';

/** Options a restore job carries in its extra_vars (checked by the API that made it). */
interface RestoreVars {
  archive_name?: unknown;
  dest_folder?: unknown;
  item?: unknown;
  dry_run?: unknown;
}

/**
 * Runs every kind of job with borg over SSH. Backups, restores and restore
 * tests run borg on the client (push): it reaches the repository through the
 * forwarded in-process agent. Preparation, prune, compact and check run on
 * the repository host itself. Each step's output is recorded line by line.
 */
export class BorgRunner implements JobRunner {
  private readonly box: SecretBox;
  private readonly backups: BackupRunner;
  private readonly catalog: CatalogRunner;

  constructor(
    private readonly dataSource: DataSource,
    secretKey: string,
  ) {
    this.box = new SecretBox(secretKey);
    this.backups = new BackupRunner(dataSource, this.box);
    this.catalog = new CatalogRunner(dataSource);
  }

  async run(job: JobEntity, context: RunContext): Promise<RunOutcome> {
    let hosts: BorgHosts | null = null;
    try {
      hosts = await BorgHosts.open(this.dataSource, this.box, job.repository?.id ?? null);
      switch (job.jobType) {
        case 'prepare_client':
          return await this.prepareClient(job, hosts, context);
        case 'prepare_repository':
          return await this.prepareRepository(hosts, context);
        case 'job':
          return await this.backups.run(job, hosts, context);
        case 'prune':
          return await this.prune(job, hosts, context);
        case 'check':
          return await this.check(job, hosts, context);
        case 'restore':
          return await this.restore(job, hosts, context);
        case 'catalog':
          return await this.catalog.run(job, hosts, context);
        case 'prepare_hypervisor':
          return {
            status: 'failed',
            explanation: `${job.jobType} jobs are not handled by this executor.`,
          };
      }

      return { status: 'failed', explanation: `Unknown job type ${String(job.jobType)}.` };
    } catch (error) {
      if (error instanceof JobFailure || error instanceof PlanError) {
        if (context.signal.aborted) throw error;
        await context.emit(error.message, 'error');

        return { status: 'failed', explanation: error.message };
      }
      throw error;
    } finally {
      hosts?.close();
    }
  }

  private async prepareClient(
    job: JobEntity,
    hosts: BorgHosts,
    context: RunContext,
  ): Promise<RunOutcome> {
    const client = requireClient(job);
    const session = await hosts.client(client, context.signal);
    await context.markWorkStarted();
    // Installs borg from the distribution's packages when it is missing.
    const script = [
      'if ! command -v borg >/dev/null 2>&1; then',
      '  echo "borg is missing; installing it from the distribution packages" >&2',
      '  if command -v apt-get >/dev/null 2>&1; then',
      '    DEBIAN_FRONTEND=noninteractive apt-get install -y borgbackup >&2 || exit 3',
      '  elif command -v dnf >/dev/null 2>&1; then dnf install -y borgbackup >&2 || exit 3',
      '  elif command -v yum >/dev/null 2>&1; then yum install -y borgbackup >&2 || exit 3',
      '  elif command -v zypper >/dev/null 2>&1; then zypper --non-interactive install borgbackup >&2 || exit 3',
      '  else echo "no known package manager to install borg with" >&2; exit 3; fi',
      'fi',
      'borg --version',
    ].join('\n');
    const result = await hosts.runLogged(session, script, context);
    if (result.code !== 0) {
      throw new JobFailure(
        `borg is not available on ${client.hostname} and could not be installed (exit code ${result.code}).`,
      );
    }
    const version = /borg\s+(\S+)/.exec(result.stdout)?.[1] ?? result.stdout.trim();
    await context.emit(`${client.hostname} (${session.address}) has borg ${version}.`);
    await this.dataSource.query(
      'UPDATE clients SET ip = $2, version = $3, ready = true, modified = now() WHERE id = $1',
      [client.id, session.address, version],
    );

    return { status: 'successful', explanation: `borg ${version} is ready on ${client.hostname}.` };
  }

  private async prepareRepository(hosts: BorgHosts, context: RunContext): Promise<RunOutcome> {
    const session = await hosts.repositoryHost(context.signal);
    await context.markWorkStarted();
    const path = hosts.localRepositoryPath;
    const script = (await hosts.prelude({ remote: false, signal: context.signal }))
      .raw(
        'command -v borg >/dev/null 2>&1 || { echo "borg is not installed on the repository host" >&2; exit 3; }',
      )
      .raw(`if [ -e ${path}/config ]; then`)
      .raw(
        '  echo "The repository is already initialised; checking that its passphrase opens it." >&2',
      )
      .raw(`  borg --log-json info ${path} >/dev/null`)
      .raw('else')
      .raw(`  borg --log-json init --encryption=repokey --make-parent-dirs ${path}`)
      .raw('fi')
      .toString();
    const result = await hosts.runLogged(session, script, context, { stdin: hosts.stdin() });
    borgOutcome(result.code, 'Preparing the repository');
    await this.dataSource.query(
      'UPDATE repositories SET ready = true, modified = now() WHERE id = $1',
      [hosts.repository?.id],
    );

    return { status: 'successful', explanation: `Repository ${hosts.repository?.name} is ready.` };
  }

  private async prune(job: JobEntity, hosts: BorgHosts, context: RunContext): Promise<RunOutcome> {
    const client = requireClient(job);
    const policy = requirePolicy(job);
    const keeps: [string, number | null][] = [
      ['--keep-hourly', policy.keepHourly],
      ['--keep-daily', policy.keepDaily],
      ['--keep-weekly', policy.keepWeekly],
      ['--keep-monthly', policy.keepMonthly],
      ['--keep-yearly', policy.keepYearly],
    ];
    const flags = keeps.filter(([, n]) => n !== null && n > 0).map(([flag, n]) => `${flag}=${n}`);
    if (flags.length === 0)
      throw new JobFailure('The policy has no keep rule; nothing was pruned.');
    const session = await hosts.repositoryHost(context.signal);
    await context.markWorkStarted();
    const path = hosts.localRepositoryPath;
    const list = async (glob: string): Promise<string[]> => {
      const script = (await hosts.prelude({ remote: false, signal: context.signal }))
        .raw(`borg --log-json list --short ${command([`--glob-archives=${glob}`])} ${path}`)
        .toString();
      const result = await hosts.runLogged(session, script, context, { stdin: hosts.stdin() });
      borgOutcome(result.code, 'borg list');

      return result.stdout.split('\n').filter(Boolean);
    };
    const { listGlob, series } = this.pruneSeries(policy, client.hostname);
    const before = await list(listGlob);
    const script = await hosts.prelude({ remote: false, signal: context.signal });
    for (const glob of series(before)) {
      script.raw(
        `${command(['borg', '--log-json', 'prune', '--list', ...flags, `--glob-archives=${glob}`])} ${path} || exit`,
      );
    }
    script.raw(`borg --log-json compact ${path}`);
    const result = await hosts.runLogged(session, script.toString(), context, {
      stdin: hosts.stdin(),
    });
    borgOutcome(result.code, 'borg prune and compact');
    const kept = new Set(await list(listGlob));
    const pruned = before.filter((name) => !kept.has(name));
    if (hosts.repository) await this.catalog.forget(hosts.repository.id, pruned, context);
    await context.emit(`Pruned ${pruned.length} archives, kept ${kept.size}.`);

    return {
      status: 'successful',
      explanation: `Pruned ${pruned.length} archives, kept ${kept.size}; space compacted.`,
    };
  }

  /**
   * Which archives one prune covers. A policy's archives on a client form one
   * series; a VM policy has one series per machine, each kept by the rules on
   * its own (the machines of `extra_vars.vms`, or else those its archives name).
   */
  private pruneSeries(
    policy: PolicyEntity,
    hostname: string,
  ): { listGlob: string; series: (names: string[]) => string[] } {
    const type = policy.policyType;
    if (type !== 'vm' && type !== 'proxmox') {
      const glob = archiveGlob(type, hostname);

      return { listGlob: glob, series: () => [glob] };
    }
    const prefix = `${type}-${hostname}-`;
    const vms = Array.isArray(policy.extraVars.vms)
      ? policy.extraVars.vms.map((vm) => archiveSafe(String(vm)))
      : [];

    return {
      listGlob: `${prefix}*`,
      series: (names) => {
        const machines =
          vms.length > 0
            ? vms
            : names
                .map(
                  (name) =>
                    /^(.+)-\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d$/.exec(name.slice(prefix.length))?.[1],
                )
                .filter((vm): vm is string => vm !== undefined);

        return [...new Set(machines)].map((vm) => archiveGlob(type, `${hostname}-${vm}`));
      },
    };
  }

  private async check(job: JobEntity, hosts: BorgHosts, context: RunContext): Promise<RunOutcome> {
    if (job.extraVars.restore_test === true) {
      const client = requireClient(job);
      const archive =
        typeof job.extraVars.archive_name === 'string'
          ? job.extraVars.archive_name
          : await this.latestArchive(job);
      const session = await hosts.client(client, context.signal);
      await context.markWorkStarted();
      const report = await new RestoreTest(hosts, session, context).run(archive);

      return { status: report.passed ? 'successful' : 'failed', explanation: report.summary };
    }
    const session = await hosts.repositoryHost(context.signal);
    await context.markWorkStarted();
    const verify = job.extraVars.verify_data === true ? ' --verify-data' : '';
    const script = (await hosts.prelude({ remote: false, signal: context.signal }))
      .raw(`borg --log-json check --progress${verify} ${hosts.localRepositoryPath}`)
      .toString();
    const result = await hosts.runLogged(session, script, context, { stdin: hosts.stdin() });
    borgOutcome(result.code, 'borg check');

    return { status: 'successful', explanation: 'The repository and its archives are consistent.' };
  }

  private async restore(
    job: JobEntity,
    hosts: BorgHosts,
    context: RunContext,
  ): Promise<RunOutcome> {
    const client = requireClient(job);
    const vars = job.extraVars as RestoreVars;
    if (typeof vars.archive_name !== 'string' || typeof vars.dest_folder !== 'string') {
      throw new JobFailure('The restore job has no archive_name or dest_folder.');
    }
    const items =
      typeof vars.item === 'string' && vars.item !== ''
        ? [vars.item]
        : Array.isArray(vars.item)
          ? vars.item.filter((i): i is string => typeof i === 'string')
          : [];
    const dryRun = vars.dry_run === true;
    const session = await hosts.client(client, context.signal);
    await context.markWorkStarted();
    const extract = ['borg', '--log-json', 'extract', '--list'];
    if (dryRun) extract.push('--dry-run');
    extract.push(`${hosts.repositoryUrl}::${vars.archive_name}`);
    if (items.length > 0) extract.push('--', ...items);
    const script = (await hosts.prelude({ remote: true, signal: context.signal }))
      .raw(`mkdir -p -- ${quote(vars.dest_folder)} && cd -- ${quote(vars.dest_folder)} || exit 2`)
      .run(extract)
      .toString();
    const result = await hosts.runLogged(session, script, context, { stdin: hosts.stdin() });
    const outcome = borgOutcome(result.code, 'borg extract');
    const what = dryRun ? 'Dry run of the restore' : 'Restore';

    return {
      status: 'successful',
      explanation: `${what} of ${vars.archive_name} into ${vars.dest_folder} on ${client.hostname} done.${outcome.warning ? ` ${outcome.warning}` : ''}`,
    };
  }

  /** The archive of the newest successful backup of the job's policy on its client. */
  private async latestArchive(job: JobEntity): Promise<string> {
    const [row] = await this.dataSource.query<{ archive_name: string }[]>(
      `SELECT archive_name FROM jobs WHERE job_type = 'job' AND status = 'successful'
         AND policy_id = $1 AND client_id = $2 AND archive_name <> '' ORDER BY finished DESC LIMIT 1`,
      [job.policy?.id, job.client?.id],
    );
    if (!row) throw new JobFailure('No successful backup of this policy on this client to test.');

    return row.archive_name;
  }
}
