import type { DataSource } from 'typeorm';

import { SecretBox } from '@cyborg/crypto';
import type { ClientEntity, JobEntity, PolicyEntity } from '@cyborg/database';

import type { RunContext, RunOutcome } from '../job-runner';
import type { SshSession } from '../ssh/session';
import { command, quote, Script } from '../ssh/shell';

import { archiveName, type BackupPlan, backupPlan, streamPlan } from './backup-plan';
import { type BorgHosts, borgOutcome, JobFailure, requireClient, requirePolicy } from './borg-host';
import { parseCreateResult } from './borg-output';
import { RestoreTest } from './restore-test';
import { archiveSafe, vmProvider } from './vm-providers';

interface ArchiveStats {
  originalSize: number;
  compressedSize: number;
  deduplicatedSize: number;
  warning: string | null;
}

/**
 * Backup jobs: the pre-hook, one `borg create` per archive (on the client in
 * push mode, on the repository host in pull mode), sizes on the job and the
 * repository, the restore test when the setting asks for it, and the
 * post-hook whatever happened.
 */
export class BackupRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
  ) {}

  async run(job: JobEntity, hosts: BorgHosts, context: RunContext): Promise<RunOutcome> {
    const client = requireClient(job);
    const policy = requirePolicy(job);
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
      plan: streamPlan(provider.fileName(archiveSafe(vm)), provider.dumpCommand(vm)),
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

  private openExtraVars(vars: Record<string, unknown>): Record<string, unknown> {
    const password = vars.password;
    if (typeof password === 'string' && SecretBox.isEncrypted(password)) {
      return { ...vars, password: this.box.decrypt(password) };
    }

    return vars;
  }
}
