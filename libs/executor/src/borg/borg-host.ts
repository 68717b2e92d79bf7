import type { DataSource } from 'typeorm';

import { SecretBox } from '@cyborg/crypto';
import type { ClientEntity, JobEntity, PolicyEntity, RepositoryEntity } from '@cyborg/database';
import { formatRepositoryUrl, parseRepositoryPath, type RepositoryPath } from '@cyborg/domain';

import type { RunContext } from '../job-runner';
import { HostKeyStore } from '../ssh/host-keys';
import { KeyAgent } from '../ssh/key-agent';
import { type RunOptions, type RunResult, SshSession } from '../ssh/session';
import { quote, Script } from '../ssh/shell';

import { parseBorgLine } from './borg-output';

/** A job's failure in words an operator can act on; it becomes the job's explanation. */
export class JobFailure extends Error {}

interface Settings {
  backupUser: string;
  privateKey: string;
  passphrase: string;
  autoRestoreTest: boolean;
}

/** Borg's questions answered "no" up front: a job never waits on a prompt. */
const BORG_ENV: Record<string, string> = {
  BORG_RELOCATED_REPO_ACCESS_IS_OK: 'no',
  BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'no',
  BORG_CHECK_I_KNOW_WHAT_I_AM_DOING: 'NO',
  BORG_DELETE_I_KNOW_WHAT_I_AM_DOING: 'NO',
  BORG_DISPLAY_PASSPHRASE: 'no',
  BORG_HOSTNAME_IS_UNIQUE: 'yes',
  // borg prints times in local time without a zone; in UTC they can be read without guessing.
  TZ: 'UTC',
};

/**
 * What a borg job needs to reach its hosts: the system key (decrypted in
 * memory only, served by an in-process agent), pinned host keys, the
 * repository's location and passphrase. Opens SSH sessions on demand and
 * closes them all at the end of the job.
 */
export class BorgHosts {
  readonly hostKeys: HostKeyStore;
  readonly repositoryPath: RepositoryPath | null;
  private readonly sessions: SshSession[] = [];
  private readonly agent: KeyAgent;

  private constructor(
    dataSource: DataSource,
    readonly settings: Settings,
    readonly repository: RepositoryEntity | null,
    private readonly repositoryPassphrase: string,
  ) {
    this.hostKeys = new HostKeyStore(dataSource);
    if (!settings.privateKey) {
      throw new JobFailure(
        'No system SSH key is set: generate one with POST /api/v1/settings/generate_ssh/ and ' +
          'add its public key to the clients and repository hosts.',
      );
    }
    this.agent = new KeyAgent(settings.privateKey, settings.passphrase);
    this.repositoryPath = repository ? parseRepositoryPath(repository.path) : null;
  }

  static async open(
    dataSource: DataSource,
    box: SecretBox,
    repositoryId: number | null,
  ): Promise<BorgHosts> {
    const rows = await dataSource.query<{ key: string; value: string }[]>(
      `SELECT key, value FROM settings WHERE key = ANY($1)`,
      [
        [
          'cyborgbackup_backup_user',
          'cyborgbackup_ssh_key',
          'cyborgbackup_ssh_password',
          'cyborgbackup_auto_restore_test',
        ],
      ],
    );
    const setting = (key: string): string => rows.find((r) => r.key === key)?.value ?? '';
    const open = (value: string): string => (value === '' ? '' : box.decrypt(value));
    let repository: RepositoryEntity | null = null;
    let passphrase = '';
    if (repositoryId !== null) {
      const [row] = await dataSource.query<(RepositoryEntity & { repository_key: string })[]>(
        'SELECT id, name, path, repository_key FROM repositories WHERE id = $1',
        [repositoryId],
      );
      if (!row) throw new JobFailure('The repository of the job no longer exists.');
      repository = row;
      passphrase = open(row.repository_key);
    }
    if (/[\r\n]/.test(passphrase)) {
      throw new JobFailure(
        'The repository passphrase contains a line break, which borg cannot take.',
      );
    }

    return new BorgHosts(
      dataSource,
      {
        backupUser: setting('cyborgbackup_backup_user') || 'root',
        privateKey: open(setting('cyborgbackup_ssh_key')),
        passphrase: open(setting('cyborgbackup_ssh_password')),
        autoRestoreTest: setting('cyborgbackup_auto_restore_test') === 'true',
      },
      repository,
      passphrase,
    );
  }

  close(): void {
    for (const session of this.sessions) session.close();
  }

  /** The repository as borg on another host addresses it (`ssh://user@host:port/path`). */
  get repositoryUrl(): string {
    return formatRepositoryUrl(this.requireRepositoryPath());
  }

  /** The repository's path as the repository host's own shell reaches it (`~` expanded). */
  get localRepositoryPath(): string {
    const path = this.requireRepositoryPath().path;
    if (path === '~') return '"$HOME"';
    if (path.startsWith('~/')) return `"$HOME"/${quote(path.slice(2))}`;
    if (!path.startsWith('/')) return `"$HOME"/${quote(path)}`;

    return quote(path);
  }

  get needsSudo(): boolean {
    return this.settings.backupUser !== 'root';
  }

  async client(client: ClientEntity, signal: AbortSignal): Promise<SshSession> {
    const session = await SshSession.connect(
      { host: client.hostname, port: client.port, username: this.settings.backupUser },
      this.credentials(),
      this.hostKeys,
      { forwardAgent: true, signal },
    ).catch(rethrowAsFailure);
    this.sessions.push(session);

    return session;
  }

  async repositoryHost(signal: AbortSignal, forwardAgent = false): Promise<SshSession> {
    const path = this.requireRepositoryPath();
    const session = await SshSession.connect(
      { host: path.host, port: path.port ?? 22, username: path.user },
      this.credentials(),
      this.hostKeys,
      { signal, forwardAgent },
    ).catch(rethrowAsFailure);
    this.sessions.push(session);

    return session;
  }

  /**
   * The first lines of a script that runs borg: secrets read from stdin (see
   * `stdin`), borg's prompts answered, and, when borg reaches the repository
   * over SSH from a client, a known_hosts file holding the repository host's
   * pinned key, so the client's ssh checks it too.
   */
  async prelude(options: {
    remote: boolean;
    secretNames?: string[];
    signal: AbortSignal;
  }): Promise<Script> {
    const script = new Script();
    script.raw('IFS= read -r BORG_PASSPHRASE; export BORG_PASSPHRASE');
    for (const name of options.secretNames ?? []) {
      script.raw(`IFS= read -r ${name}; export ${name}`);
    }
    for (const [name, value] of Object.entries(BORG_ENV)) script.export(name, value);
    if (options.remote) {
      const path = this.requireRepositoryPath();
      const port = path.port ?? 22;
      let line = await this.hostKeys.knownHostsLine(path.host, port);
      if (!line) {
        // First contact with the repository host: pin its key from here before a client
        // is told to trust it.
        (await this.repositoryHost(options.signal)).close();
        line = await this.hostKeys.knownHostsLine(path.host, port);
      }
      if (!line) throw new JobFailure(`The host key of ${path.host} could not be pinned.`);
      script
        .raw('cyborg_known_hosts=$(mktemp) || exit 2')
        .raw(`trap 'rm -f "$cyborg_known_hosts"' EXIT`)
        .raw(`printf '%s\\n' ${quote(line)} > "$cyborg_known_hosts"`)
        .raw(
          'BORG_RSH="ssh -o BatchMode=yes -o StrictHostKeyChecking=yes ' +
            '-o UserKnownHostsFile=$cyborg_known_hosts -o ServerAliveInterval=15"; export BORG_RSH',
        );
    }

    return script;
  }

  /** The stdin that goes with `prelude`: the passphrase, then the other secrets, one per line. */
  stdin(secrets: string[] = []): string {
    for (const secret of secrets) {
      if (/[\r\n]/.test(secret)) throw new JobFailure('A password contains a line break.');
    }

    return [this.repositoryPassphrase, ...secrets].map((s) => `${s}\n`).join('');
  }

  /**
   * Runs a script whose stderr is borg's `--log-json` output (or a hook's
   * text) and records every line as a job event, in order.
   */
  async runLogged(
    session: SshSession,
    script: string,
    context: RunContext,
    options: Pick<RunOptions, 'stdin' | 'onStdout' | 'onStdoutLine' | 'onExit'> & {
      emitStdout?: boolean;
    } = {},
  ): Promise<RunResult> {
    return session.run(script, {
      sudo: this.needsSudo,
      stdin: options.stdin,
      signal: context.signal,
      onStdout: options.onStdout,
      onExit: options.onExit,
      onStdoutLine:
        options.onStdoutLine ?? (options.emitStdout ? (line) => context.emit(line) : undefined),
      onStderrLine: async (line) => {
        const event = parseBorgLine(line);
        await context.emit(event.text, event.event, event.data);
      },
    });
  }

  private credentials() {
    return {
      privateKey: this.settings.privateKey,
      passphrase: this.settings.passphrase,
      agent: this.agent,
    };
  }

  private requireRepositoryPath(): RepositoryPath {
    if (!this.repositoryPath) throw new JobFailure('The job has no repository.');

    return this.repositoryPath;
  }
}

export function requireClient(job: JobEntity): ClientEntity {
  if (!job.client) throw new JobFailure('The job has no client.');

  return job.client;
}

export function requirePolicy(job: JobEntity): PolicyEntity {
  if (!job.policy) throw new JobFailure('The job has no policy.');

  return job.policy;
}

function rethrowAsFailure(error: unknown): never {
  throw new JobFailure(error instanceof Error ? error.message : String(error));
}

/** Borg's exit codes: 0 success, 1 warnings, 2 error, 128+N killed by signal N. */
export function borgOutcome(code: number, what: string): { ok: boolean; warning: string | null } {
  if (code === 0) return { ok: true, warning: null };
  if (code === 1) return { ok: true, warning: `${what} finished with warnings (see the output).` };
  if (code > 128 && code < 160) throw new JobFailure(`${what} was killed by signal ${code - 128}.`);
  throw new JobFailure(`${what} failed with exit code ${code} (see the output).`);
}
