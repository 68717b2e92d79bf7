import type { DataSource } from 'typeorm';

import { SecretBox } from '@cyborg/crypto';
import type { ClientEntity, JobEntity, PolicyEntity } from '@cyborg/database';

import type { JobRunner, RunContext, RunOutcome } from '../job-runner';
import type { SshSession } from '../ssh/session';
import { command, quote, Script } from '../ssh/shell';

import { archiveGlob, archiveName, type BackupPlan, backupPlan, PlanError } from './backup-plan';
import { BorgHosts, borgOutcome, JobFailure } from './borg-host';
import { parseCreateResult } from './borg-output';
import { CatalogRunner } from './catalog.runner';
import { RestoreTest } from './restore-test';
import { archiveSafe, vmProvider } from './vm-providers';

interface ArchiveStats {
  originalSize: number;
  compressedSize: number;
  deduplicatedSize: number;
  warning: string | null;
}

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
  private readonly catalog: CatalogRunner;

  constructor(
    private readonly dataSource: DataSource,
    secretKey: string,
  ) {
    this.box = new SecretBox(secretKey);
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
          return await this.backup(job, hosts, context);
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
    const client = this.requireClient(job);
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

  private async backup(job: JobEntity, hosts: BorgHosts, context: RunContext): Promise<RunOutcome> {
    const client = this.requireClient(job);
    const policy = this.loadPolicy(job);
    const vars = this.openExtraVars(policy.extraVars);
    const session = await hosts.client(client, context.signal);
    const archives = await this.archivesToMake(
      policy,
      vars,
      client.hostname,
      session,
      hosts,
      context,
    );
    await this.dataSource.query('UPDATE jobs SET archive_name = $2 WHERE id = $1', [
      job.id,
      archives[archives.length - 1].name,
    ]);
    await context.markWorkStarted();
    const warnings: string[] = [];
    const totals = { originalSize: 0, compressedSize: 0, deduplicatedSize: 0 };
    try {
      if (policy.prehook.trim()) {
        await context.emit('Running the pre-hook.');
        const result = await hosts.runLogged(session, policy.prehook, context, {
          emitStdout: true,
        });
        if (result.code !== 0) {
          throw new JobFailure(`The pre-hook exited with code ${result.code}; borg did not run.`);
        }
      }
      for (const { plan, name } of archives) {
        const stats = policy.modePull
          ? await this.pullArchive(hosts, client, plan, name, context)
          : await this.createArchive(hosts, session, client, plan, name, context);
        if (stats.warning) warnings.push(stats.warning);
        totals.originalSize += stats.originalSize;
        totals.compressedSize += stats.compressedSize;
        totals.deduplicatedSize += stats.deduplicatedSize;
        if (hosts.settings.autoRestoreTest && !plan.content) {
          const report = await new RestoreTest(hosts, session, context).run(name);
          warnings.push(report.summary);
          if (!report.passed)
            throw new JobFailure(`Backup made, but the restore test failed: ${report.summary}`);
        }
      }
      await this.dataSource.query(
        `UPDATE jobs SET original_size = $2, compressed_size = $3, deduplicated_size = $4 WHERE id = $1`,
        [job.id, totals.originalSize, totals.compressedSize, totals.deduplicatedSize],
      );
    } finally {
      if (policy.posthook.trim()) {
        await context.emit('Running the post-hook.');
        const result = await hosts
          .runLogged(session, policy.posthook, context, { emitStdout: true })
          .catch(() => null);
        if (!result || result.code !== 0)
          warnings.push(`The post-hook failed (exit code ${result?.code ?? 'unknown'}).`);
      }
    }
    const made = archives.map((a) => a.name).join(', ');

    return {
      status: 'successful',
      explanation: [`Archive${archives.length > 1 ? 's' : ''} ${made} created.`, ...warnings].join(
        ' ',
      ),
    };
  }

  /**
   * One archive per policy, except for virtual machines: one per machine, named
   * `<type>-<hostname>-<machine>-<date_time>`, so each machine is pruned on its own.
   */
  private async archivesToMake(
    policy: PolicyEntity,
    vars: Record<string, unknown>,
    hostname: string,
    session: SshSession,
    hosts: BorgHosts,
    context: RunContext,
  ): Promise<{ plan: BackupPlan; name: string }[]> {
    const now = new Date();
    if (policy.policyType !== 'vm' && policy.policyType !== 'proxmox') {
      return [
        {
          plan: backupPlan(policy.policyType, vars),
          name: archiveName(policy.policyType, hostname, now),
        },
      ];
    }
    const provider = vmProvider(policy.policyType, policy.vmprovider);
    if (!provider) throw new JobFailure(`Unknown VM provider "${policy.vmprovider}".`);
    let vms = Array.isArray(vars.vms) ? vars.vms.map(String) : [];
    if (vms.length === 0) {
      const listed = await hosts.runLogged(session, command(provider.listCommand), context);
      if (listed.code !== 0)
        throw new JobFailure(`Listing the machines with ${provider.name} failed.`);
      vms = listed.stdout
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      if (vms.length === 0)
        throw new JobFailure(`${provider.name} lists no machine on ${hostname}.`);
    }

    return vms.map((vm) => ({
      plan: {
        ...backupPlan('piped', { command: 'true' }),
        content: { stdinName: provider.fileName(archiveSafe(vm)), argv: provider.dumpCommand(vm) },
      },
      name: archiveName(policy.policyType, hostname, now, archiveSafe(vm)),
    }));
  }

  /**
   * Pull mode: borg runs on the repository host and reads the client over SSH
   * (through the forwarded agent, checking the client's pinned host key), so
   * the client needs no borg and no access to the repository. Files travel as
   * a tar stream into `borg import-tar`; dumps and piped commands as the output
   * of the same command run over SSH. GNU tar reads the client, so excludes
   * follow tar's patterns (anchored at /) rather than borg's.
   */
  private async pullArchive(
    hosts: BorgHosts,
    client: ClientEntity,
    plan: BackupPlan,
    archive: string,
    context: RunContext,
  ): Promise<ArchiveStats> {
    const clientKey = await hosts.hostKeys.knownHostsLine(client.hostname, client.port);
    if (!clientKey) throw new JobFailure(`The host key of ${client.hostname} is not pinned.`);
    const session = await hosts.repositoryHost(context.signal, true);
    // What runs on the client: its secrets come first on stdin, then the producer.
    const remote = new Script();
    const secretNames = Object.keys(plan.secretEnv);
    for (const name of secretNames) remote.raw(`IFS= read -r ${name}; export ${name}`);
    for (const [name, value] of Object.entries(plan.env)) remote.export(name, value);
    if (plan.content) {
      remote.raw(`exec ${command(plan.content.argv)}`);
    } else {
      const tar = ['tar', '--create', '--file=-', '--anchored', '--directory=/'];
      if (plan.oneFileSystem) tar.push('--one-file-system');
      for (const pattern of plan.excludes) tar.push(`--exclude=${pattern.replace(/^\/+/, '')}`);
      const paths = plan.paths.includes('/') ? ['/*', '/.[!.]*'] : plan.paths.map(quote);
      remote
        .raw('set --')
        .raw(`for p in ${paths.join(' ')}; do if [ -e "$p" ]; then set -- "$@" "\${p#/}"; fi; done`)
        .raw('[ $# -gt 0 ] || { echo "none of the paths of this policy exist here" >&2; exit 2; }')
        .raw(`exec ${command([...tar, '--'])} "$@"`);
    }
    const remoteLine = `${hosts.needsSudo ? 'sudo -n ' : ''}sh -c ${quote(remote.toString())}`;
    const feed =
      secretNames.length > 0
        ? `printf '%s\\n' ${secretNames.map((name) => `"$${name}"`).join(' ')}`
        : 'true';
    const ssh =
      `${feed} | ssh -o BatchMode=yes -o StrictHostKeyChecking=yes ` +
      '-o UserKnownHostsFile="$cyborg_client_hosts" -o ServerAliveInterval=15 ' +
      command([
        '-p',
        String(client.port),
        `${hosts.settings.backupUser}@${client.hostname}`,
        remoteLine,
      ]);
    const script = (await hosts.prelude({ remote: false, secretNames, signal: context.signal }))
      .raw('cyborg_client_hosts=$(mktemp) || exit 2; export cyborg_client_hosts')
      .raw('cyborg_status=$(mktemp) || exit 2')
      .raw(`trap 'rm -f "$cyborg_client_hosts" "$cyborg_status"' EXIT`)
      .raw(`printf '%s\\n' ${quote(clientKey)} > "$cyborg_client_hosts"`);
    const target = `${hosts.localRepositoryPath}::${quote(archive)}`;
    const limit = client.bandwidthLimit ? ` --upload-ratelimit=${client.bandwidthLimit}` : '';
    if (plan.content) {
      script.raw(
        `borg --log-json create --progress --json --compression lz4${limit} --content-from-command ` +
          `${quote(`--stdin-name=${plan.content.stdinName}`)} ${target} -- sh -c ${quote(ssh)}`,
      );
    } else {
      // sh has no pipefail: tar's exit status comes back through a file.
      script
        .raw(
          `{ ${ssh}; echo $? > "$cyborg_status"; } | borg --log-json import-tar --json --compression lz4${limit} ${target} -`,
        )
        .raw('cyborg_borg=$?')
        .raw('cyborg_tar=$(cat "$cyborg_status")')
        .raw('if [ "$cyborg_tar" != 0 ] && [ "$cyborg_tar" != 1 ]; then')
        .raw('  echo "reading the client failed (tar exit code $cyborg_tar)" >&2; exit 2')
        .raw('fi')
        .raw('exit $cyborg_borg');
    }
    const result = await hosts.runLogged(session, script.toString(), context, {
      stdin: hosts.stdin(Object.values(plan.secretEnv)),
    });
    const outcome = borgOutcome(result.code, plan.content ? 'borg create' : 'borg import-tar');

    return this.recordArchive(hosts, archive, result.stdout, outcome.warning, context);
  }

  /** Runs `borg create` on the client for one archive; records the repository's new totals. */
  private async createArchive(
    hosts: BorgHosts,
    session: SshSession,
    client: ClientEntity,
    plan: BackupPlan,
    archive: string,
    context: RunContext,
  ): Promise<{
    originalSize: number;
    compressedSize: number;
    deduplicatedSize: number;
    warning: string | null;
  }> {
    const secretNames = Object.keys(plan.secretEnv);
    const script = await hosts.prelude({ remote: true, secretNames, signal: context.signal });
    for (const [name, value] of Object.entries(plan.env)) script.export(name, value);
    const create = ['borg', '--log-json', 'create', '--progress', '--json', '--compression', 'lz4'];
    if (client.bandwidthLimit) create.push(`--upload-ratelimit=${client.bandwidthLimit}`);
    if (plan.oneFileSystem) create.push('--one-file-system');
    for (const pattern of plan.excludes) create.push(`--exclude=${pattern}`);
    const target = `${hosts.repositoryUrl}::${archive}`;
    if (plan.content) {
      create.push(
        '--content-from-command',
        `--stdin-name=${plan.content.stdinName}`,
        target,
        '--',
        ...plan.content.argv,
      );
      script.run(create);
    } else if (plan.optional) {
      // Only the paths this client has: a mail policy on a host without /var/vmail is fine.
      script.raw('set --');
      for (const path of plan.paths)
        script.raw(`if [ -e ${quote(path)} ]; then set -- "$@" ${quote(path)}; fi`);
      script.raw(
        'if [ $# -eq 0 ]; then echo "none of the paths of this policy exist here" >&2; exit 2; fi',
      );
      script.raw(`${command([...create, target])} "$@"`);
    } else {
      script.run([...create, target, ...plan.paths]);
    }
    const result = await hosts.runLogged(session, script.toString(), context, {
      stdin: hosts.stdin(Object.values(plan.secretEnv)),
    });
    const outcome = borgOutcome(result.code, 'borg create');

    return this.recordArchive(hosts, archive, result.stdout, outcome.warning, context);
  }

  /** Reads borg's JSON stats of a new archive; records the repository's new totals. */
  private async recordArchive(
    hosts: BorgHosts,
    archive: string,
    stdout: string,
    warning: string | null,
    context: RunContext,
  ): Promise<ArchiveStats> {
    const stats = parseCreateResult(stdout);
    if (!stats) return { originalSize: 0, compressedSize: 0, deduplicatedSize: 0, warning };
    if (stats.repository) {
      await this.dataSource.query(
        `UPDATE repositories SET original_size = $2, compressed_size = $3, deduplicated_size = $4, modified = now()
         WHERE id = $1`,
        [
          hosts.repository?.id,
          stats.repository.originalSize,
          stats.repository.compressedSize,
          stats.repository.deduplicatedSize,
        ],
      );
    }
    await context.emit(
      `Archive ${archive}: ${stats.archive.files} files, ${stats.archive.originalSize} bytes, ` +
        `${stats.archive.deduplicatedSize} bytes new in the repository.`,
    );

    return { ...stats.archive, warning };
  }

  private async prune(job: JobEntity, hosts: BorgHosts, context: RunContext): Promise<RunOutcome> {
    const client = this.requireClient(job);
    const policy = this.loadPolicy(job);
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
      const client = this.requireClient(job);
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
    const client = this.requireClient(job);
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

  private requireClient(job: JobEntity) {
    if (!job.client) throw new JobFailure('The job has no client.');

    return job.client;
  }

  private loadPolicy(job: JobEntity): PolicyEntity {
    if (!job.policy) throw new JobFailure('The job has no policy.');

    return job.policy;
  }

  private openExtraVars(vars: Record<string, unknown>): Record<string, unknown> {
    const password = vars.password;
    if (typeof password === 'string' && SecretBox.isEncrypted(password)) {
      return { ...vars, password: this.box.decrypt(password) };
    }

    return vars;
  }
}

export type { SshSession };
